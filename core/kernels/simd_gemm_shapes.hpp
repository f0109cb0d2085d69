#pragma once
// The shape-specific paths of SimdKernels::gemm, each measured faster than the packed
// path where the dispatcher (simd_gemm.hpp) sends it: dot-product tiles for A·Bᵀ with few
// rows or columns (simd_gemm_dots.hpp), a broadcast panel for Nielsen's 30 hidden units,
// rank-1 blocks for Aᵀ·B with few rows; and which product takes which path. None packs
// A; all keep the same summation order on every call.
#include <algorithm>
#include <type_traits>
#include <utility>
#include <xsimd/xsimd.hpp>

#include "kernels/simd_canon.hpp"
#include "kernels/simd_gemm_dots.hpp"
#include "kernels/simd_gemm_packed.hpp"
#include "kernels/simd_level1.hpp"
#include "kernels/simd_operand.hpp"

namespace sgdbench {
namespace gemm_detail {

/// One block of RB rows of C = alpha · Σ_p a_p ⊗ B[p, :] + beta · C: rank-1 updates
/// C[r, :] += a[p·a_k + r·a_row] · B[p, :] with RB × NV vectors of C in registers, A
/// broadcast straight from memory and B loaded straight from its rows. Aᵀ·B (the weight
/// gradient δᵀ X of a narrow layer: a_k = lda, a_row = 1) and A·Bᵀ against a packed Bᵀ
/// panel (a_k = 1, a_row = lda) share it.
template <class Arch, std::size_t RB, std::size_t NV, class BRows = const float*>
[[gnu::noinline]] void rank1_block(std::size_t k, float alpha, const float* a, std::size_t a_k,
                                   std::size_t a_row, BRows b, std::size_t ldb, float beta,
                                   float* c, std::size_t ldc) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t W = B::size;
  B acc[RB][NV];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < RB; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) acc[r][v] = B(0.0f);
  }
  for (std::size_t p = 0; p < k; ++p) {
    B bv[NV];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) bv[v] = load_vec<Arch>(b + (p * ldb + v * W));
#pragma GCC unroll 16
    for (std::size_t r = 0; r < RB; ++r) {
      const B av(a[p * a_k + r * a_row]);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NV; ++v) acc[r][v] = fmadd<Arch>(av, bv[v], acc[r][v]);
    }
  }
  const B va(alpha), vb(beta);
  for (std::size_t r = 0; r < RB; ++r) {
    for (std::size_t v = 0; v < NV; ++v) {
      float* cr = c + r * ldc + v * W;
      const B out =
          beta == 0.0f ? va * acc[r][v] : fmadd<Arch>(va, acc[r][v], vb * B::load_unaligned(cr));
      out.store_unaligned(cr);
    }
  }
}

/// C = alpha · A · Bᵀ + beta · C for 16 < n ≤ 32 (Nielsen's 30 hidden units): Bᵀ packed
/// once into a k × 32 panel, then row blocks in rank-1 form (AVX-512: 12 rows × 2
/// vectors, 24 accumulators, 14 loads per 24 FMAs; AVX2: 6 rows × 2 vectors, twice per
/// block for the panel's two halves). Measured faster than the dot tiles here, whose 20
/// horizontal sums per tile cost ~15% at k = 784 (BM_gemm/simd/nielsen_fwd_*). The panel's
/// width is the canonical 2 × 16 on every instruction set, so that the same products take
/// this path (each entry's sum is one chain over k: no bit depends on the block).
template <class Arch>
inline constexpr std::size_t kBcastRows = kCanonRegs<Arch> == 1 ? 12 : 6;
inline constexpr std::size_t kBcastPanel = 2 * kCanonLanes;
/// Below this many rows the panel's packing is not paid back (measured at m = 32: 66
/// GFLOP/s against 80 for the dot tiles; even at m = 64–100; 98 against 80 at m = 256).
inline constexpr std::size_t kBcastMinRows = 96;

template <class Arch, std::size_t RB>
void nt_bcast_rows(std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
                   const float* panel, float beta, float* c, std::size_t ldc) {
  constexpr std::size_t W = xsimd::batch<float, Arch>::size, NP = kBcastPanel;
  // Rank-1 form against the panel: A (row r, element p at a[r·lda + p]) broadcast from
  // its rows, the result into a tile (2W columns at a time), then the n real columns
  // into C.
  alignas(64) float tile[RB * NP];
  for (std::size_t j = 0; j < NP && j < n; j += 2 * W)
    rank1_block<Arch, RB, 2>(k, alpha, a, 1, lda, panel + j, NP, 0.0f, tile + j, NP);
  for (std::size_t r = 0; r < RB; ++r) {
    float* cr = c + r * ldc;
    const float* tr = tile + r * NP;
    for (std::size_t j = 0; j < n; ++j) cr[j] = beta == 0.0f ? tr[j] : std::fma(beta, cr[j], tr[j]);
  }
}

template <class Arch>
void gemm_nt_bcast(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                   std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                   std::size_t ldc) {
  constexpr std::size_t NP = kBcastPanel, kRows = kBcastRows<Arch>;
  thread_local AlignedBuffer<float> panel;
  if (panel.size() < k * NP) panel.resize(k * NP);
  for (std::size_t p = 0; p < k; ++p) {
    float* dst = panel.data() + p * NP;
    for (std::size_t j = 0; j < n; ++j) dst[j] = b[j * ldb + p];
    std::fill(dst + n, dst + NP, 0.0f);
  }
  for (std::size_t i0 = 0; i0 < m;) {
    const std::size_t rb = std::min(kRows, m - i0);
    const float* ai = a + i0 * lda;
    float* ci = c + i0 * ldc;
    with_count<kRows>(rb, [&](auto rows) {
      nt_bcast_rows<Arch, decltype(rows)::value>(n, k, alpha, ai, lda, panel.data(), beta, ci, ldc);
    });
    i0 += rb;
  }
}

/// Up to this many rows of C, Aᵀ·B goes to gemm_tn_rank1 (BM_gemm/simd/softmax_dW_R256,
/// nielsen_dW_B100). Row blocks of at most kRank1BlockRows: 12 × 2 vectors with AVX-512's
/// 32 registers, 6 × 2 with AVX2's 16 (no bit depends on the block). 10 × 1 on AVX2, each
/// (widened) vector of B read once for all 10 rows: AMD EPYC (family 26 model 2), best of
/// 9, two alternated rounds: softmax_dW_R256 89-97 against 103-104 GFLOP/s for 6 × 2,
/// nielsen_dW_B100 88-91 against 113-114, the softmax one pass 74 against 74-77.
inline constexpr std::size_t kRank1MaxRows = 32;
template <class Arch>
inline constexpr std::size_t kRank1BlockRows =
    kCanonRegs<Arch> == 1   ? 12
    : kCanonRegs<Arch> == 2 ? 6
                            : 3;  // SSE4.2: a 3 x 16 tail

/// Which path a product takes: the dispatcher (gemm_degenerate, gemm_shape_path),
/// linear_one_pass and dense_forward, which promise the bits of these paths, ask here. Degenerate:
/// no rows or columns, k ≤ 1, alpha = 0, or one row (gemm_degenerate's fills, gemv and axpy).
constexpr bool is_degenerate(std::size_t m, std::size_t n, std::size_t k, float alpha) {
  return m <= 1 || n == 0 || k <= 1 || alpha == 0.0f;
}
constexpr bool nt_takes_bcast(std::size_t m, std::size_t n) {
  return m >= kBcastMinRows && n > kBcastPanel / 2 && n <= kBcastPanel;
}
constexpr bool nt_takes_dots(std::size_t m, std::size_t n) {
  return m <= kNtDotsMaxRows || n <= kNtDotsMaxCols;
}
constexpr bool tn_takes_rank1(std::size_t m) {
  return m <= kRank1MaxRows;
}
/// A·Bᵀ goes to the packed path (gemm_packed_split): neither degenerate nor a shape path.
template <class Arch>
constexpr bool nt_takes_packed(std::size_t m, std::size_t n, std::size_t k, float alpha) {
  return !is_degenerate(m, n, k, alpha) && !nt_takes_bcast(m, n) && !nt_takes_dots(m, n);
}

template <class Arch, std::size_t RB, class BRows>
void rank1_rows(std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda, BRows b,
                std::size_t ldb, float beta, float* c, std::size_t ldc) {
  constexpr std::size_t W = xsimd::batch<float, Arch>::size, L = kCanonLanes, NT = L / W;
  // The columns past the last whole 16 take the edge formula below, whatever the vector
  // width: fma(beta, C, alpha · s) there, fma(alpha, s, beta · C) in the blocks.
  const std::size_t edge = n - n % L;
  std::size_t j = 0;
  // Three vectors of C per row where 3·RB accumulators fit AVX-512's 32 registers (GCC
  // spills two of 30, and it still pays): 10 broadcasts of A per 30 FMAs, not per 20.
  // Intel Xeon family 6 model 167, 10 × 768 × 256 (softmax's weight gradient), minimum
  // of 500 alternated calls: 10 × 2 against 10 × 3 blocks 70-74 against 75-77 GFLOP/s on
  // bytes, 74-76 against 77-91 on floats. Each entry's sum and its store are those of the
  // 2-vector block, so the bits do not change.
  if constexpr (W >= 16 && 3 * RB <= 30) {
    for (; j + 3 * W <= edge; j += 3 * W)
      rank1_block<Arch, RB, 3>(k, alpha, a, lda, 1, b + j, ldb, beta, c + j, ldc);
  }
  for (; j + 2 * W <= edge; j += 2 * W)
    rank1_block<Arch, RB, 2>(k, alpha, a, lda, 1, b + j, ldb, beta, c + j, ldc);
  for (; j + W <= edge; j += W)
    rank1_block<Arch, RB, 1>(k, alpha, a, lda, 1, b + j, ldb, beta, c + j, ldc);
  if (j == n) return;
  // The last n mod 16 columns: B's tail copied into a zero-padded k×16 panel, one
  // canonical vector's block into a tile, then the tail of C updated from the tile
  // (scalar FMAs measured 7% of a Nielsen full-batch step, for the 30-wide layer's 14
  // leftover columns).
  const std::size_t rem = n - j;
  thread_local AlignedBuffer<float> panel;
  if (panel.size() < k * L) panel.resize(k * L);
  for (std::size_t p = 0; p < k; ++p) {
    float* dst = panel.data() + p * L;
    for (std::size_t q = 0; q < rem; ++q) dst[q] = scalar_at(b, p * ldb + j + q);
    std::fill(dst + rem, dst + L, 0.0f);
  }
  alignas(64) float tile[RB * L];
  rank1_block<Arch, RB, NT>(k, alpha, a, lda, 1, static_cast<const float*>(panel.data()), L, 0.0f,
                            tile, L);
  for (std::size_t r = 0; r < RB; ++r) {
    for (std::size_t q = 0; q < rem; ++q) {
      float& cr = c[r * ldc + j + q];
      cr = beta == 0.0f ? tile[r * L + q] : std::fma(beta, cr, tile[r * L + q]);
    }
  }
}

/// C = alpha · Aᵀ · B + beta · C for m ≤ kRank1MaxRows, in row blocks of equal size. B is
/// floats or bytes (simd_operand.hpp).
template <class Arch, class BRows = const float*>
void gemm_tn_rank1(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                   std::size_t lda, BRows b, std::size_t ldb, float beta, float* c,
                   std::size_t ldc) {
  constexpr std::size_t kRows = kRank1BlockRows<Arch>;
  const std::size_t blocks = (m + kRows - 1) / kRows;
  for (std::size_t i0 = 0; i0 < m;) {
    const std::size_t rb = std::min((m + blocks - 1) / blocks, m - i0);
    const float* ai = a + i0;
    float* ci = c + i0 * ldc;
    with_count<kRows>(rb, [&](auto rows) {
      rank1_rows<Arch, decltype(rows)::value>(n, k, alpha, ai, lda, b, ldb, beta, ci, ldc);
    });
    i0 += rb;
  }
}

}  // namespace gemm_detail
}  // namespace sgdbench
