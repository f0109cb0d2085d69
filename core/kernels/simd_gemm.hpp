#pragma once
// SimdKernels::gemm: a BLIS-style packed GEMM (Van Zee & van de Geijn 2015). op(A) and
// op(B) are copied into contiguous panels (the copy absorbs the transposes), and one
// register-blocked micro-kernel computes an MR×NR tile of C from a KC-long slice of
// panels. Degenerate shapes (one row, one column, k = 1) go to level-1/2 kernels, which
// is what makes B = 1 training fast.
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "kernels/simd_level1.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {
namespace gemm_detail {

/// A·Bᵀ goes to gemm_nt_dots instead of the packed path when C has at most this many
/// rows or columns (BM_gemm/simd/nielsen_fwd_B*, softmax_fwd_R256).
inline constexpr std::size_t kNtDotsMaxRows = 64, kNtDotsMaxCols = 32;

template <class Arch>
struct Blocking {
  static constexpr std::size_t W = xsimd::batch<float, Arch>::size;
  // Accumulators: MR × 2 vectors; 16 of 32 registers with AVX-512, 12 of 16 with AVX2.
  static constexpr std::size_t MR = W >= 16 ? 8 : 6;
  static constexpr std::size_t NR = 2 * W;
  // KC·NR floats of B (a micro-panel) stay in L1, MC·KC floats of A in L2, KC·NC of B
  // in L3.
  static constexpr std::size_t KC = 256;
  static constexpr std::size_t MC = MR * (W >= 16 ? 12 : 16);
  static constexpr std::size_t NC = NR * 64;
};

inline float op_at(Trans t, const float* p, std::size_t ld, std::size_t i, std::size_t j) {
  return t == Trans::kNo ? p[i * ld + j] : p[j * ld + i];
}

/// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into MR-row panels, each kc columns of MR floats,
/// zero-padded past mc.
template <std::size_t MR>
void pack_a(Trans ta, const float* a, std::size_t lda, std::size_t i0, std::size_t p0,
            std::size_t mc, std::size_t kc, float* dst) {
  for (std::size_t ir = 0; ir < mc; ir += MR) {
    const std::size_t rows = std::min(MR, mc - ir);
    if (ta == Trans::kNo) {
      for (std::size_t r = 0; r < rows; ++r) {
        const float* src = a + (i0 + ir + r) * lda + p0;
        for (std::size_t p = 0; p < kc; ++p) dst[p * MR + r] = src[p];
      }
    } else {
      for (std::size_t p = 0; p < kc; ++p) {
        const float* src = a + (p0 + p) * lda + i0 + ir;
        for (std::size_t r = 0; r < rows; ++r) dst[p * MR + r] = src[r];
      }
    }
    for (std::size_t r = rows; r < MR; ++r) {
      for (std::size_t p = 0; p < kc; ++p) dst[p * MR + r] = 0.0f;
    }
    dst += MR * kc;
  }
}

/// Packs op(B)[p0 : p0+kc, j0 : j0+nc] into NR-column panels, each kc rows of NR floats,
/// zero-padded past nc.
template <std::size_t NR>
void pack_b(Trans tb, const float* b, std::size_t ldb, std::size_t p0, std::size_t j0,
            std::size_t kc, std::size_t nc, float* dst) {
  for (std::size_t jr = 0; jr < nc; jr += NR) {
    const std::size_t cols = std::min(NR, nc - jr);
    if (tb == Trans::kNo) {
      for (std::size_t p = 0; p < kc; ++p) {
        const float* src = b + (p0 + p) * ldb + j0 + jr;
        std::memcpy(dst + p * NR, src, cols * sizeof(float));
        std::fill(dst + p * NR + cols, dst + (p + 1) * NR, 0.0f);
      }
    } else {
      // Eight rows of B at a time, p outer: each row's cache line serves 16 consecutive p
      // and the writes are 32-byte runs (measured faster than one row at a time with
      // strided writes, BM_gemm/simd/mlp_fwd*). Eight, not NR: with a power-of-two ldb
      // the rows share a cache set, and L1 holds eight ways.
      const float* src = b + (j0 + jr) * ldb + p0;
      for (std::size_t c0 = 0; c0 < NR; c0 += 8) {
        const std::size_t c1 = std::min(c0 + 8, cols);
        for (std::size_t p = 0; p < kc; ++p) {
          float* row = dst + p * NR;
          for (std::size_t c = c0; c < c1; ++c) row[c] = src[c * ldb + p];
          for (std::size_t c = std::max(c0, c1); c < c0 + 8; ++c) row[c] = 0.0f;
        }
      }
    }
    dst += NR * kc;
  }
}

/// C[0:rows, 0:cols] = alpha · (Ap · Bp) + beta · C for one MR×NR tile.
template <class Arch>
void micro_kernel(std::size_t kc, const float* ap, const float* bp, float alpha, float beta,
                  float* c, std::size_t ldc, std::size_t rows, std::size_t cols) {
  using B = xsimd::batch<float, Arch>;
  using Blk = Blocking<Arch>;
  constexpr std::size_t MR = Blk::MR, W = Blk::W, NR = Blk::NR;
  B acc0[MR], acc1[MR];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r) acc0[r] = acc1[r] = B(0.0f);
  for (std::size_t p = 0; p < kc; ++p) {
    const B b0 = B::load_aligned(bp + p * NR);
    const B b1 = B::load_aligned(bp + p * NR + W);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
      const B av(ap[p * MR + r]);
      acc0[r] = fmadd<Arch>(av, b0, acc0[r]);
      acc1[r] = fmadd<Arch>(av, b1, acc1[r]);
    }
  }
  const B va(alpha), vb(beta);
  if (rows == MR && cols == NR) {
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
      float* cr = c + r * ldc;
      if (beta == 0.0f) {
        (va * acc0[r]).store_unaligned(cr);
        (va * acc1[r]).store_unaligned(cr + W);
      } else {
        fmadd<Arch>(va, acc0[r], vb * B::load_unaligned(cr)).store_unaligned(cr);
        fmadd<Arch>(va, acc1[r], vb * B::load_unaligned(cr + W)).store_unaligned(cr + W);
      }
    }
    return;
  }
  alignas(64) float tile[MR * NR];
  for (std::size_t r = 0; r < MR; ++r) {
    (va * acc0[r]).store_aligned(tile + r * NR);
    (va * acc1[r]).store_aligned(tile + r * NR + W);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    float* cr = c + r * ldc;
    for (std::size_t j = 0; j < cols; ++j) {
      cr[j] = beta == 0.0f ? tile[r * NR + j] : std::fma(beta, cr[j], tile[r * NR + j]);
    }
  }
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
template <class Arch, std::size_t RT, std::size_t CT>
void dot_tile(std::size_t k, float alpha, const float* a, std::size_t lda, const float* b,
              std::size_t ldb, float beta, float* c, std::size_t ldc,
              const float* prefetch_a = nullptr) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t W = B::size;
  const std::size_t kv = k - k % W;
  B acc[RT][CT];
#pragma GCC unroll 8
  for (std::size_t r = 0; r < RT; ++r) {
#pragma GCC unroll 8
    for (std::size_t q = 0; q < CT; ++q) acc[r][q] = B(0.0f);
  }
  for (std::size_t p = 0; p < kv; p += W) {
    if (prefetch_a != nullptr) {  // the next tile's rows, a cache line each per step
#pragma GCC unroll 8
      for (std::size_t r = 0; r < RT; ++r) __builtin_prefetch(prefetch_a + r * lda + p, 0, 3);
    }
    B av[RT];
#pragma GCC unroll 8
    for (std::size_t r = 0; r < RT; ++r) av[r] = B::load_unaligned(a + r * lda + p);
#pragma GCC unroll 8
    for (std::size_t q = 0; q < CT; ++q) {
      const B bv = B::load_unaligned(b + q * ldb + p);
#pragma GCC unroll 8
      for (std::size_t r = 0; r < RT; ++r) acc[r][q] = fmadd<Arch>(av[r], bv, acc[r][q]);
    }
  }
  for (std::size_t r = 0; r < RT; ++r) {
    for (std::size_t q = 0; q < CT; ++q) {
      float s = xsimd::hadd(acc[r][q]);
      for (std::size_t p = kv; p < k; ++p) s = std::fma(a[r * lda + p], b[q * ldb + p], s);
      float& cr = c[r * ldc + q];
      cr = beta == 0.0f ? alpha * s : std::fma(beta, cr, alpha * s);
    }
  }
}

inline constexpr std::size_t kDotRows = 4, kDotCols = 5;

/// C = alpha · A · Bᵀ + beta · C with A (m×k) and B (n×k) both row-major along k, in
/// 4×5 tiles of dot products (20 accumulators, 9 loads per 20 FMAs) with no packing.
/// Measured faster than the packed path when m or n is small: the forward pass Z = X Wᵀ
/// of a small batch, or of a layer with few outputs (softmax's 10, Nielsen's 30).
template <class Arch>
void gemm_nt_dots(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                  std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                  std::size_t ldc) {
  for (std::size_t i0 = 0; i0 < m; i0 += kDotRows) {
    const std::size_t rows = std::min(kDotRows, m - i0);
    for (std::size_t j0 = 0; j0 < n; j0 += kDotCols) {
      const std::size_t cols = std::min(kDotCols, n - j0);
      const float* ai = a + i0 * lda;
      const float* bj = b + j0 * ldb;
      float* cij = c + i0 * ldc + j0;
      // While the first column tile runs, the next row block streams in: a full-batch
      // pass reads A from memory once, in 3 KiB rows the hardware prefetcher only
      // catches late (softmax full batch: 1.79M -> see results/peers).
      const float* pf = j0 == 0 && i0 + 3 * kDotRows <= m ? ai + 2 * kDotRows * lda : nullptr;
      with_count<kDotRows>(rows, [&](auto rt) {
        with_count<kDotCols>(cols, [&](auto ct) {
          dot_tile<Arch, decltype(rt)::value, decltype(ct)::value>(k, alpha, ai, lda, bj, ldb, beta,
                                                                   cij, ldc, pf);
        });
      });
    }
  }
}

/// One block of RB rows of C = alpha · Σ_p a_p ⊗ B[p, :] + beta · C: rank-1 updates
/// C[r, :] += a[p·a_k + r·a_row] · B[p, :] with RB × NV vectors of C in registers, A
/// broadcast straight from memory and B loaded straight from its rows. Aᵀ·B (the weight
/// gradient δᵀ X of a narrow layer: a_k = lda, a_row = 1) and A·Bᵀ against a packed Bᵀ
/// panel (a_k = 1, a_row = lda) share it.
template <class Arch, std::size_t RB, std::size_t NV>
[[gnu::noinline]] void rank1_block(std::size_t k, float alpha, const float* a, std::size_t a_k,
                                   std::size_t a_row, const float* b, std::size_t ldb, float beta,
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
    for (std::size_t v = 0; v < NV; ++v) bv[v] = B::load_unaligned(b + p * ldb + v * W);
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

/// C = alpha · A · Bᵀ + beta · C for W < n ≤ 2W (Nielsen's 30 hidden units): Bᵀ packed
/// once into a k × 2W panel, then 12-row blocks in rank-1 form (24 accumulators, 14 loads
/// per 24 FMAs). Measured faster than the dot tiles here, whose 20 horizontal sums per
/// tile cost ~15% at k = 784 (BM_gemm/simd/nielsen_fwd_*).
inline constexpr std::size_t kBcastRows = 12;
/// Below this many rows the panel's packing is not paid back (measured at m = 32: 66
/// GFLOP/s against 80 for the dot tiles; even at m = 64–100; 98 against 80 at m = 256).
inline constexpr std::size_t kBcastMinRows = 96;

template <class Arch, std::size_t RB>
void nt_bcast_rows(std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
                   const float* panel, float beta, float* c, std::size_t ldc) {
  constexpr std::size_t W = xsimd::batch<float, Arch>::size;
  // Rank-1 form against the panel: A (row r, element p at a[r·lda + p]) broadcast from
  // its rows, the result into a tile, then the n real columns into C.
  alignas(64) float tile[RB * 2 * W];
  rank1_block<Arch, RB, 2>(k, alpha, a, 1, lda, panel, 2 * W, 0.0f, tile, 2 * W);
  for (std::size_t r = 0; r < RB; ++r) {
    float* cr = c + r * ldc;
    const float* tr = tile + r * 2 * W;
    for (std::size_t j = 0; j < n; ++j) cr[j] = beta == 0.0f ? tr[j] : std::fma(beta, cr[j], tr[j]);
  }
}

template <class Arch>
void gemm_nt_bcast(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                   std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                   std::size_t ldc) {
  constexpr std::size_t W = xsimd::batch<float, Arch>::size, NP = 2 * W;
  thread_local AlignedBuffer<float> panel;
  if (panel.size() < k * NP) panel.resize(k * NP);
  for (std::size_t p = 0; p < k; ++p) {
    float* dst = panel.data() + p * NP;
    for (std::size_t j = 0; j < n; ++j) dst[j] = b[j * ldb + p];
    std::fill(dst + n, dst + NP, 0.0f);
  }
  for (std::size_t i0 = 0; i0 < m;) {
    const std::size_t rb = std::min(kBcastRows, m - i0);
    const float* ai = a + i0 * lda;
    float* ci = c + i0 * ldc;
    with_count<kBcastRows>(rb, [&](auto rows) {
      nt_bcast_rows<Arch, decltype(rows)::value>(n, k, alpha, ai, lda, panel.data(), beta, ci, ldc);
    });
    i0 += rb;
  }
}

/// Up to this many rows of C, Aᵀ·B goes to gemm_tn_rank1 (BM_gemm/simd/softmax_dW_R256,
/// nielsen_dW_B100).
inline constexpr std::size_t kRank1MaxRows = 32, kRank1BlockRows = 12;

template <class Arch, std::size_t RB>
void rank1_rows(std::size_t n, std::size_t k, float alpha, const float* a, std::size_t lda,
                const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
  constexpr std::size_t W = xsimd::batch<float, Arch>::size;
  std::size_t j = 0;
  for (; j + 2 * W <= n; j += 2 * W)
    rank1_block<Arch, RB, 2>(k, alpha, a, lda, 1, b + j, ldb, beta, c + j, ldc);
  for (; j + W <= n; j += W)
    rank1_block<Arch, RB, 1>(k, alpha, a, lda, 1, b + j, ldb, beta, c + j, ldc);
  if (j == n) return;
  // The last n mod W columns: B's tail copied into a zero-padded k×W panel, one vector
  // block into a tile, then the tail of C updated from the tile (scalar FMAs measured
  // 7% of a Nielsen full-batch step, for the 30-wide layer's 14 leftover columns).
  const std::size_t rem = n - j;
  thread_local AlignedBuffer<float> panel;
  if (panel.size() < k * W) panel.resize(k * W);
  for (std::size_t p = 0; p < k; ++p) {
    float* dst = panel.data() + p * W;
    std::copy_n(b + p * ldb + j, rem, dst);
    std::fill(dst + rem, dst + W, 0.0f);
  }
  alignas(64) float tile[RB * W];
  rank1_block<Arch, RB, 1>(k, alpha, a, lda, 1, panel.data(), W, 0.0f, tile, W);
  for (std::size_t r = 0; r < RB; ++r) {
    for (std::size_t q = 0; q < rem; ++q) {
      float& cr = c[r * ldc + j + q];
      cr = beta == 0.0f ? tile[r * W + q] : std::fma(beta, cr, tile[r * W + q]);
    }
  }
}

/// C = alpha · Aᵀ · B + beta · C for m ≤ kRank1MaxRows, in row blocks of equal size.
template <class Arch>
void gemm_tn_rank1(std::size_t m, std::size_t n, std::size_t k, float alpha, const float* a,
                   std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
                   std::size_t ldc) {
  const std::size_t blocks = (m + kRank1BlockRows - 1) / kRank1BlockRows;
  for (std::size_t i0 = 0; i0 < m;) {
    const std::size_t rb = std::min((m + blocks - 1) / blocks, m - i0);
    const float* ai = a + i0;
    float* ci = c + i0 * ldc;
    with_count<kRank1BlockRows>(rb, [&](auto rows) {
      rank1_rows<Arch, decltype(rows)::value>(n, k, alpha, ai, lda, b, ldb, beta, ci, ldc);
    });
    i0 += rb;
  }
}

/// The packed (BLIS) path for any shape: B panels in L3/L2, A blocks in L2, MR×NR tiles.
template <class Arch>
void gemm_packed(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                 const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                 float* c, std::size_t ldc) {
  using Blk = Blocking<Arch>;
  thread_local AlignedBuffer<float> a_pack, b_pack;
  const std::size_t nc_max = std::min(Blk::NC, (n + Blk::NR - 1) / Blk::NR * Blk::NR);
  const std::size_t kc_max = std::min(Blk::KC, k);
  const std::size_t mc_max = std::min(Blk::MC, (m + Blk::MR - 1) / Blk::MR * Blk::MR);
  if (a_pack.size() < mc_max * kc_max) a_pack.resize(mc_max * kc_max);
  if (b_pack.size() < nc_max * kc_max) b_pack.resize(nc_max * kc_max);

  for (std::size_t jc = 0; jc < n; jc += Blk::NC) {
    const std::size_t nc = std::min(Blk::NC, n - jc);
    for (std::size_t pc = 0; pc < k; pc += Blk::KC) {
      const std::size_t kc = std::min(Blk::KC, k - pc);
      const float beta_block = pc == 0 ? beta : 1.0f;
      pack_b<Blk::NR>(tb, b, ldb, pc, jc, kc, nc, b_pack.data());
      for (std::size_t ic = 0; ic < m; ic += Blk::MC) {
        const std::size_t mc = std::min(Blk::MC, m - ic);
        pack_a<Blk::MR>(ta, a, lda, ic, pc, mc, kc, a_pack.data());
        for (std::size_t jr = 0; jr < nc; jr += Blk::NR) {
          for (std::size_t ir = 0; ir < mc; ir += Blk::MR) {
            micro_kernel<Arch>(kc, a_pack.data() + ir * kc, b_pack.data() + jr * kc, alpha,
                               beta_block, c + (ic + ir) * ldc + jc + jr, ldc,
                               std::min(Blk::MR, mc - ir), std::min(Blk::NR, nc - jr));
          }
        }
      }
    }
  }
}

/// Products of at least this many multiply-adds are split across threads (about 40 µs
/// of work on one core: far above a parallel_for's few µs).
inline constexpr double kParallelMinMacs = 4.0e6;

}  // namespace gemm_detail

template <class Arch>
void SimdKernels<Arch>::gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
                             float alpha, const float* a, std::size_t lda, const float* b,
                             std::size_t ldb, float beta, float* c, std::size_t ldc) {
  using namespace gemm_detail;
  using Blk = Blocking<Arch>;
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == 0.0f) {
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    }
    return;
  }
  thread_local AlignedBuffer<float> vec;  // a strided operand gathered contiguous
  if (m == 1) {                           // one row of C: c = alpha · op(B)ᵀ · a + beta · c
    const float* x = a;
    if (ta == Trans::kYes && lda != 1) {
      vec.resize(std::max(vec.size(), k));
      for (std::size_t p = 0; p < k; ++p) vec[p] = a[p * lda];
      x = vec.data();
    }
    // op(B) is k×n: stored B is n×k for kYes (rows dotted with x), k×n for kNo.
    if (tb == Trans::kYes) {
      gemv(Trans::kNo, n, k, alpha, b, ldb, x, beta, c);
    } else {
      gemv(Trans::kYes, k, n, alpha, b, ldb, x, beta, c);
    }
    return;
  }
  if (k == 1) {  // rank-1 update: C_i = beta · C_i + (alpha · a_i) · b
    const float* brow = b;
    if (tb == Trans::kYes && ldb != 1) {
      vec.resize(std::max(vec.size(), n));
      for (std::size_t j = 0; j < n; ++j) vec[j] = b[j * ldb];
      brow = vec.data();
    }
    for (std::size_t i = 0; i < m; ++i) {
      float* ci = c + i * ldc;
      if (beta == 0.0f) {
        std::fill(ci, ci + n, 0.0f);
      } else if (beta != 1.0f) {
        for (std::size_t j = 0; j < n; ++j) ci[j] *= beta;
      }
      axpy(n, alpha * op_at(ta, a, lda, i, 0), brow, ci);
    }
    return;
  }

  if (ta == Trans::kNo && tb == Trans::kYes && m >= kBcastMinRows &&
      n > xsimd::batch<float, Arch>::size && n <= 2 * xsimd::batch<float, Arch>::size) {
    gemm_nt_bcast<Arch>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  if (ta == Trans::kNo && tb == Trans::kYes && (m <= kNtDotsMaxRows || n <= kNtDotsMaxCols)) {
    gemm_nt_dots<Arch>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  if (ta == Trans::kYes && tb == Trans::kNo && m <= kRank1MaxRows) {
    gemm_tn_rank1<Arch>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }

  // Large products are split into column (or row) slices across TBB's threads: each
  // slice is the same serial packed GEMM, so every entry of C is summed in the same order
  // whatever the thread count (the deterministic policy's promise holds).
  const bool large =
      static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) >= kParallelMinMacs;
  // The arena's size ignores tbb::global_control, which is how a run limits its threads.
  const auto threads =
      std::min(static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
               tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
  if (large && threads > 1) {
    const bool by_cols = n >= m;
    const std::size_t unit = by_cols ? Blk::NR : Blk::MR;
    const std::size_t units = ((by_cols ? n : m) + unit - 1) / unit;
    const std::size_t parts = std::min(units, threads);
    // Isolated: a thread waiting here runs only these slices, never another reduction
    // leaf of an enclosing parallel reduce (no unbounded stacking of leaves).
    tbb::this_task_arena::isolate([&] {
      tbb::parallel_for(
          std::size_t{0}, parts,
          [&](std::size_t t) {
            const std::size_t u0 = units * t / parts, u1 = units * (t + 1) / parts;
            const std::size_t lo = u0 * unit, hi = std::min(u1 * unit, by_cols ? n : m);
            if (by_cols) {
              const float* bs = tb == Trans::kNo ? b + lo : b + lo * ldb;
              gemm_packed<Arch>(ta, tb, m, hi - lo, k, alpha, a, lda, bs, ldb, beta, c + lo, ldc);
            } else {
              const float* as = ta == Trans::kNo ? a + lo * lda : a + lo;
              gemm_packed<Arch>(ta, tb, hi - lo, n, k, alpha, as, lda, b, ldb, beta, c + lo * ldc,
                                ldc);
            }
          },
          tbb::static_partitioner());
    });
    return;
  }
  gemm_packed<Arch>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace sgdbench
