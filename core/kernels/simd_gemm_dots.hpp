#pragma once
// The dot-product tiles of SimdKernels::gemm (gemm_nt_dots): A·Bᵀ with few rows or few
// columns, RT × CT dot products of contiguous rows a tile, each in a canonical vector
// (simd_canon.hpp); and the two helpers every shape path uses (in_register, with_count).
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "kernels/simd_canon.hpp"
#include "kernels/simd_fma.hpp"
#include "kernels/simd_hadd_many.hpp"
#include "kernels/simd_operand.hpp"

namespace sgdbench {
namespace gemm_detail {

/// A·Bᵀ goes to gemm_nt_dots instead of the packed path when C has at most this many
/// rows or columns (BM_gemm/simd/nielsen_fwd_B*, softmax_fwd_R256).
inline constexpr std::size_t kNtDotsMaxRows = 64, kNtDotsMaxCols = 32;

/// v, held in a register from here on. GCC 12 folds a vector load that feeds several
/// FMAs into each of them as a memory operand: the 4×5 dot tile then loaded each B vector
/// 4 times, 20 vector loads per 20 FMAs. The empty asm makes the value opaque, so it is
/// loaded once. AMD EPYC, softmax's forward on a 256-row chunk of bytes, medians of 2000
/// calls: 58 -> 83 GFLOP/s (BM_gemm/simd/softmax_fwd_R256 on floats: 61 -> 88). The
/// FMAs and their order do not change, so neither do the bits.
template <class B>
B in_register(B v) {
  auto raw = v.data;
#if defined(__AVX512F__)
  asm("" : "+v"(raw));
#else
  asm("" : "+x"(raw));
#endif
  return B(raw);
}

/// f(std::integral_constant<std::size_t, R>{}) for the run-time count r: R = r for
/// r in 1..Max−1, R = Max otherwise. Turns a tile's leftover rows or columns into the
/// compile-time size its register block needs.
template <std::size_t Max, std::size_t R = 1, class F>
void with_count(std::size_t r, F&& f) {
  if constexpr (R == Max) {
    f(std::integral_constant<std::size_t, R>{});
  } else if (r == R) {
    f(std::integral_constant<std::size_t, R>{});
  } else {
    with_count<Max, R + 1>(r, f);
  }
}

/// One RT×CT tile of C = alpha · A · Bᵀ + beta · C, A (m×k) and B (n×k) row-major along
/// k: RT·CT dot products of contiguous rows, RT + CT loads per RT·CT FMAs, no packing.
/// A is floats or bytes (simd_operand.hpp). Each entry sums in a canonical vector
/// (simd_canon.hpp) over the first k − k mod 16 products, then the horizontal sum and the
/// scalar tail: AVX-512's bits on every instruction set. With several registers per
/// canonical vector, each step runs register by register, so that only RT + 1 vectors of
/// A and B are live beside the accumulators.
template <class Arch, std::size_t RT, std::size_t CT, class ARows>
void dot_tile(std::size_t k, float alpha, ARows a, std::size_t lda, const float* b, std::size_t ldb,
              float beta, float* c, std::size_t ldc, const ARows* prefetch_a) {
  using B = xsimd::batch<float, Arch>;
  using C = CanonVec<Arch>;
  constexpr std::size_t W = B::size, L = kCanonLanes, K = C::K;
  const std::size_t kv = k - k % L;
  C acc[RT * CT];  // acc[r·CT + q]: entry (r, q) of the tile
#pragma GCC unroll 16
  for (std::size_t r = 0; r < RT; ++r) {
#pragma GCC unroll 16
    for (std::size_t q = 0; q < CT; ++q) acc[r * CT + q] = C::zero();
  }
  for (std::size_t p = 0; p < kv; p += L) {
    // The next tile's rows, a cache line at a time (every step for floats, every 64 / L
    // steps for bytes).
    if (prefetch_a != nullptr && (p * kElementBytes<ARows>) % 64 < L * kElementBytes<ARows>) {
#pragma GCC unroll 16
      for (std::size_t r = 0; r < RT; ++r)
        __builtin_prefetch(address(*prefetch_a + (r * lda + p)), 0, 3);
    }
#pragma GCC unroll 4
    for (std::size_t j = 0; j < K; ++j) {
      B av[RT];
#pragma GCC unroll 16
      for (std::size_t r = 0; r < RT; ++r) {
        av[r] = load_vec<Arch>(a + (r * lda + p + j * W));
        // With AVX2 GCC folded each A vector into both of its FMAs instead (16 loads per
        // 12 FMAs): kept in a register, as B's. AVX-512's tiles are left as measured.
        if constexpr (K > 1) av[r] = in_register(av[r]);
      }
#pragma GCC unroll 16
      for (std::size_t q = 0; q < CT; ++q) {
        const B bv = in_register(B::load_unaligned(b + q * ldb + p + j * W));
#pragma GCC unroll 16
        for (std::size_t r = 0; r < RT; ++r)
          acc[r * CT + q].r[j] = fmadd<Arch>(av[r], bv, acc[r * CT + q].r[j]);
      }
    }
  }
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<Arch, xsimd::avx512bw> && RT * CT <= 32) {
    if (kv == k) {
      store_tile_sums_avx512<RT, CT>(acc, alpha, beta, c, ldc);
      return;
    }
  }
#endif
  float sums[RT * CT];
  hadd_many<Arch, RT * CT>(acc, sums);
  for (std::size_t r = 0; r < RT; ++r) {
    for (std::size_t q = 0; q < CT; ++q) {
      float s = sums[r * CT + q];
      for (std::size_t p = kv; p < k; ++p)
        s = std::fma(scalar_at(a, r * lda + p), b[q * ldb + p], s);
      float& cr = c[r * ldc + q];
      cr = beta == 0.0f ? alpha * s : std::fma(beta, cr, alpha * s);
    }
  }
}

/// The dot tile: 4 × 5 where a canonical accumulator is one register (AVX-512: 20 of 32).
/// Where it takes two (AVX2), 3 × 2 on floats (12 of 16 registers, 3 rows of A and one of
/// B beside them) and 1 × 5 on bytes, which widen each A vector once per tile. AMD EPYC
/// (family 26 model 2), an x86-64-v3 build, best of 9 interleaved repetitions in two
/// alternated rounds, GFLOP/s of nielsen_fwd_B10 / B32 / softmax_fwd_R256 / the softmax
/// one pass R256: floats 3 × 2 90-94 / 96-98 / 86-87, 2 × 3 77-87 / 75-93 / 64-84, 2 × 2
/// 82-85 / 82-86 / 74-81; bytes 1 × 5 79-82, 1 × 6 77-81, 2 × 3 78-80. No bit depends on
/// the tile.
/// SSE4.2 (four registers a canonical vector) takes 1 × 3: 12 of its 16.
template <class Arch, class ARows = const float*>
inline constexpr std::size_t kDotRows = kCanonRegs<Arch> == 1 ? 4
                                        : kCanonRegs<Arch> == 4
                                            ? 1
                                            : (std::is_same_v<ARows, ByteRows> ? 1 : 3);
template <class Arch, class ARows = const float*>
inline constexpr std::size_t kDotCols = kCanonRegs<Arch> == 1 ? 5
                                        : kCanonRegs<Arch> == 4
                                            ? 3
                                            : (std::is_same_v<ARows, ByteRows> ? 5 : 2);
/// Byte rows (simd_operand.hpp) widen each vector with a multiply on the FMA pipe. For C up
/// to this many columns (softmax's 10) a 2 × n tile widens each A vector once for all n
/// columns instead of once per 5-column tile: 2 multiplies per 20 FMAs, not 4. Same sums
/// in the same order per entry of C, so the same bits. AMD EPYC, softmax's forward on a
/// 256-row chunk of bytes (k = 784), medians of 200 alternated calls: 84 -> 88-94
/// GFLOP/s. On floats (no multiply) it is slower (64 against 73 GFLOP/s: B's 10 rows no
/// longer fit in L1 beside A's), so floats keep 4 × 5. With AVX-512's 32 registers the
/// tile takes 3 rows (30 accumulators; GCC spills a few, and it still pays): Intel Xeon
/// family 6 model 167, minimum of 500 alternated calls in 5 runs, 2 × 10 against 3 × 10
/// 58-77 against 62-82 GFLOP/s, faster in every run. Where a canonical accumulator takes
/// two registers (AVX2) 10 columns would take 20 of 16: there bytes take the float tiles.
template <class Arch>
inline constexpr std::size_t kDotWideMaxCols = kCanonRegs<Arch> == 1 ? 10 : 0;
inline constexpr std::size_t kDotWideRows = 3;

/// C = alpha · A · Bᵀ + beta · C with A (m×k) and B (n×k) both row-major along k, in
/// tiles of dot products (kDotRows × kDotCols) with no packing.
/// Measured faster than the packed path when m or n is small: the forward pass Z = X Wᵀ
/// of a small batch, or of a layer with few outputs (softmax's 10, Nielsen's 30).
template <class Arch, class ARows = const float*>
void gemm_nt_dots(std::size_t m, std::size_t n, std::size_t k, float alpha, ARows a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc) {
  if (m == 0 || n == 0) return;  // with_count would take n = 0 for a full tile
  if constexpr (std::is_same_v<ARows, ByteRows> && kDotWideMaxCols < Arch >> 0) {
    if (n <= kDotWideMaxCols<Arch>) {
      // The tile's size is chosen once, not per tile: the nested with_count calls cost
      // ~2 % of a softmax full-batch step when made for each of a chunk's 128 tiles.
      with_count<kDotWideMaxCols<Arch>>(n, [&](auto ct) {
        constexpr std::size_t CT = decltype(ct)::value;
        std::size_t i0 = 0;
        for (; i0 + kDotWideRows <= m; i0 += kDotWideRows) {
          const ARows ai = a + i0 * lda;
          const ARows next = ai + 2 * kDotWideRows * lda;
          const ARows* pf = i0 + 3 * kDotWideRows <= m ? &next : nullptr;
          dot_tile<Arch, kDotWideRows, CT>(k, alpha, ai, lda, b, ldb, beta, c + i0 * ldc, ldc, pf);
        }
        if (i0 == m) return;
        with_count<kDotWideRows>(m - i0, [&](auto rt) {
          dot_tile<Arch, decltype(rt)::value, CT>(k, alpha, a + i0 * lda, lda, b, ldb, beta,
                                                  c + i0 * ldc, ldc,
                                                  static_cast<const ARows*>(nullptr));
        });
      });
      return;
    }
  }
  constexpr std::size_t kRows = kDotRows<Arch, ARows>, kCols = kDotCols<Arch, ARows>;
  for (std::size_t i0 = 0; i0 < m; i0 += kRows) {
    const std::size_t rows = std::min(kRows, m - i0);
    for (std::size_t j0 = 0; j0 < n; j0 += kCols) {
      const std::size_t cols = std::min(kCols, n - j0);
      const ARows ai = a + i0 * lda;
      const float* bj = b + j0 * ldb;
      float* cij = c + i0 * ldc + j0;
      // While the first column tile runs, the next row block streams in: a full-batch
      // pass reads A from memory once, in 3 KiB rows the hardware prefetcher only
      // catches late (softmax full batch: 1.79M -> see results/peers).
      const ARows next = ai + 2 * kRows * lda;
      const ARows* pf = j0 == 0 && i0 + 3 * kRows <= m ? &next : nullptr;
      if (rows == kRows && cols == kCols) {  // most tiles: no size dispatch
        dot_tile<Arch, kRows, kCols>(k, alpha, ai, lda, bj, ldb, beta, cij, ldc, pf);
        continue;
      }
      with_count<kRows>(rows, [&](auto rt) {
        with_count<kCols>(cols, [&](auto ct) {
          dot_tile<Arch, decltype(rt)::value, decltype(ct)::value>(k, alpha, ai, lda, bj, ldb, beta,
                                                                   cij, ldc, pf);
        });
      });
    }
  }
}

}  // namespace gemm_detail
}  // namespace sgdbench
