#pragma once
// The packed path of SimdKernels::gemm for any shape: BLIS-style (Van Zee & van de Geijn
// 2015). op(A) and op(B) are copied into contiguous panels (the copy absorbs the
// transposes), and one register-blocked micro-kernel computes an MR×NR tile of C from a
// KC-long slice of panels. The blocking (MR, NR, KC, MC, NC) is in simd_gemm_blocking.hpp,
// the packing routines in simd_gemm_pack.hpp.
#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#ifdef __AVX__
#include <immintrin.h>
#endif

#include "kernels/fma_ports.hpp"
#include "kernels/simd_canon.hpp"
#include "kernels/simd_gemm_blocking.hpp"
#include "kernels/simd_gemm_pack.hpp"
#include "kernels/simd_level1.hpp"
#include "kernels/trans.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {
namespace gemm_detail {

/// What the packed GEMM does besides C = alpha · op(A) · op(B) + beta · C where it stores
/// a tile: `bias` (one per column of C; nullptr: none) takes beta · C's place in the first
/// KC block, as if C held the bias in every row and beta were 1, and `act` maps each entry
/// of C where the last KC block is stored. A dense layer's forward (dense_forward.hpp)
/// then writes Z once, where the separate calls wrote the bias rows, read them back and
/// made another pass for σ.
struct Epilogue {
  const float* bias = nullptr;
  Pointwise act = Pointwise::kIdentity;
};

/// Fetches a tile's rows of C (for writing), so that they arrive while its FMAs run: the
/// epilogue reads and writes `rows` rows ldc apart (4 KiB in the MLP's layers, a new page
/// for each, where the hardware prefetcher does not follow), and those misses came after
/// the last FMA of every tile. A hint: no bit changes. Intel Xeon (family 6 model 167),
/// MLP 784-1024-1024-10 B = 256 through `sgdbench throughput`, alternated pairs: faster
/// in 31 of 40 (three runs; 1.10x over 12 pairs and 1.03x over 20, medians), and on
/// 2 threads in 6 of 10 (1.04); Nielsen full batch unchanged within the noise (9 of 22,
/// 0.99). Prefetching the B micro-panel 16 steps ahead as well gained nothing (8 of 20).
inline void prefetch_tile_of_c(const float* c, std::size_t ldc, std::size_t rows,
                               std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t j = 0; j < cols; j += kFloatsPerLine)
      __builtin_prefetch(c + r * ldc + j, 1, 3);
  }
}

/// sums[r·NR + v·W + …] = Σ_p ap[p·MR + r] · bp[p·NR + v·W + …] over p = 0 … kc−1 in
/// order, for the first NU vectors of the tile (an edge tile sums only the vectors it
/// stores). A function of its own, so that the accumulators have the registers to
/// themselves: inlined into micro_kernel, GCC spilled one of the 24 (Intel Xeon, family 6
/// model 167), a store and a reload in every step of the loop.
template <class Arch, class Blk, std::size_t NU>
[[gnu::noinline]] void tile_sums(std::size_t kc, const float* ap, const float* bp, float* sums) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t MR = Blk::MR, W = Blk::W, NR = Blk::NR;
  B acc[MR][NU];
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NU; ++v) acc[r][v] = B(0.0f);
  }
  for (std::size_t p = 0; p < kc; ++p) {
    B b[NU];
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NU; ++v) b[v] = B::load_aligned(bp + p * NR + v * W);
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
      const B av(ap[p * MR + r]);
#pragma GCC unroll 4
      for (std::size_t v = 0; v < NU; ++v) acc[r][v] = fmadd<Arch>(av, b[v], acc[r][v]);
    }
  }
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NU; ++v) acc[r][v].store_aligned(sums + r * NR + v * W);
  }
}

/// The whole tiles' store formula (micro_kernel) on one vector of sums s: fma(alpha, s,
/// bias) with a bias, alpha · s for beta = 0, else fma(alpha, s, beta · C); `in` points at
/// the bias's or C's vector.
template <class Arch>
[[gnu::always_inline]] inline xsimd::batch<float, Arch> whole_formula(xsimd::batch<float, Arch> s,
                                                                      float alpha, float beta,
                                                                      bool bias, const float* in) {
  using B = xsimd::batch<float, Arch>;
  if (bias) return fmadd<Arch>(B(alpha), s, B::load_unaligned(in));
  if (beta == 0.0f) return B(alpha) * s;
  return fmadd<Arch>(B(alpha), s, B(beta) * B::load_unaligned(in));
}

/// micro_kernel's store of a tile with edge entries or a partial vector: its rows (sums in
/// `tile`, rows NR apart) are finished in place, a whole vector at a time where the whole
/// tiles' formula applies (rows before row_edge_from, columns before edge_from, a multiple
/// of W: 32-column blocks less NR-column tiles), entry by entry at the edge, mapped a
/// whole vector at a time, and only `cols` entries copied out.
template <class Arch, class Blk>
void store_edge_tile(float* tile, std::size_t rows, std::size_t cols, std::size_t edge_from,
                     std::size_t row_edge_from, float alpha, float beta, const float* bias,
                     Pointwise act, float* c, std::size_t ldc) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t W = Blk::W, NR = Blk::NR;
  const std::size_t nu = (cols + W - 1) / W;
  alignas(64) float in[NR];  // the row's bias or C, padded to whole vectors
  const std::size_t whole_vectors = std::min(edge_from, cols) / W;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t whole = r < row_edge_from ? whole_vectors : 0;  // such vectors
    float* cr = c + r * ldc;
    float* tr = tile + r * NR;
    if (bias != nullptr || beta != 0.0f) {
      std::copy_n(bias != nullptr ? bias : cr, cols, in);
      std::fill(in + cols, in + nu * W, 0.0f);
    }
    for (std::size_t v = 0; v < whole; ++v) {
      const B out = whole_formula<Arch>(B::load_aligned(tr + v * W), alpha, beta, bias != nullptr,
                                        in + v * W);
      out.store_aligned(tr + v * W);
    }
    for (std::size_t j = whole * W; j < cols; ++j) {  // the edge formula: alpha · s first
      const float t = alpha * tr[j];
      if (bias != nullptr) {
        tr[j] = std::fma(1.0f, in[j], t);
      } else if (beta != 0.0f) {
        tr[j] = std::fma(beta, in[j], t);
      } else {
        tr[j] = t;
      }
    }
    if (act != Pointwise::kIdentity) {
      for (std::size_t j = 0; j < cols; j += W)
        pointwise_batch<Arch>(act, B::load_aligned(tr + j)).store_aligned(tr + j);
    }
    std::copy_n(tr, cols, cr);
  }
}

/// C[0:rows, 0:cols] = act(alpha · (Ap · Bp) + beta · C) for one MR×NR tile; with `bias`,
/// act(alpha · (Ap · Bp) + bias) (1 · bias is bias, so the bits of beta = 1 on C = bias).
///
/// Two formulas, as the kernel had them when its tile was MR × 2W: whole tiles round once,
/// fma(alpha, s, beta · C); edge entries round alpha · s first, fma(beta, C, alpha · s)
/// (they differ where alpha ≠ 1 and beta ≠ 0: the fused SGD step's weight update). Which
/// entries are the edge is fixed by C's shape, not by the tile, so that no bit depends on
/// MR, NR or the instruction set: the rows from `row_edge_from` (the tile's first row past
/// the last whole 8-row group of C) and the columns from `edge_from` (the tile's first
/// column past the last whole 32-column block of C; ≥ cols: none).
template <class Arch, class Blk>
void micro_kernel(std::size_t kc, const float* ap, const float* bp, float alpha, float beta,
                  float* c, std::size_t ldc, std::size_t rows, std::size_t cols,
                  std::size_t edge_from, std::size_t row_edge_from, const float* bias = nullptr,
                  Pointwise act = Pointwise::kIdentity) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t MR = Blk::MR, W = Blk::W, NR = Blk::NR, NV = Blk::NV;
  prefetch_tile_of_c(c, ldc, rows, cols);
  alignas(64) float tile[MR * NR];            // the tile's sums (rows of NR, nu vectors stored)
  const std::size_t nu = (cols + W - 1) / W;  // vectors the tile stores
  // An edge tile one vector wide (with AVX-512, the last 4 of Nielsen's 100 outputs and
  // the last 16 of 784 columns) sums only that vector. AMD EPYC, 1 thread, medians of 201
  // in one program: the 784->100 forward 0.222-0.239 -> 0.196-0.210 ms.
  if (nu == 1) {
    tile_sums<Arch, Blk, 1>(kc, ap, bp, tile);
  } else if (NV > 2 && nu == 2) {
    tile_sums<Arch, Blk, 2>(kc, ap, bp, tile);
  } else {
    tile_sums<Arch, Blk, NV>(kc, ap, bp, tile);
  }
  if (rows != MR || row_edge_from < rows || cols % W != 0 || edge_from < cols) {
    store_edge_tile<Arch, Blk>(tile, rows, cols, edge_from, row_edge_from, alpha, beta, bias, act,
                               c, ldc);
    return;
  }
  // Whole vectors, no edge entry: stored straight from the sums.
  const bool mapped = act != Pointwise::kIdentity;
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r) {
    float* cr = c + r * ldc;
    const float* in = bias != nullptr ? bias : cr;
#pragma GCC unroll 4
    for (std::size_t v = 0; v < NV; ++v) {
      if (v >= nu) break;
      B out = whole_formula<Arch>(B::load_aligned(tile + r * NR + v * W), alpha, beta,
                                  bias != nullptr, in + v * W);
      if (mapped) out = pointwise_batch<Arch>(act, out);
      out.store_unaligned(cr + v * W);
    }
  }
}

/// Where pack_a_whole puts the panels of rows ic.. of the KC block at column pc: the KC
/// blocks one after another, each round_up(m, MR) rows × kc, as pack_a writes a block.
template <class Blk>
std::size_t packed_a_offset(std::size_t pc, std::size_t ic, std::size_t m, std::size_t k) {
  const std::size_t m_pad = (m + Blk::MR - 1) / Blk::MR * Blk::MR;
  return m_pad * pc + ic * std::min(Blk::KC, k - pc);
}

/// Where pack_b_whole puts the KC block at row pc of the NC block at column jc: NC blocks
/// one after another (each k × its padded width), KC blocks within each, as pack_b writes.
template <class Blk>
std::size_t packed_b_offset(std::size_t jc, std::size_t pc, std::size_t n, std::size_t k) {
  const std::size_t nc = std::min(Blk::nc(), n - jc);
  const std::size_t nc_pad = (nc + Blk::NR - 1) / Blk::NR * Blk::NR;
  return jc * k + pc * nc_pad;
}

/// Packs the MR-row panels [p0, p1) of the whole of op(A) (m×k) into dst in
/// packed_a_offset's layout; a panel index runs over the KC blocks, then the rows.
template <class Blk>
void pack_a_whole(Trans ta, const float* a, std::size_t lda, std::size_t m, std::size_t k,
                  std::size_t p0, std::size_t p1, float* dst) {
  const std::size_t panels = (m + Blk::MR - 1) / Blk::MR;
  for (std::size_t p = p0; p < p1;) {
    const std::size_t pc = p / panels * Blk::KC, first = p % panels;
    const std::size_t last = std::min(panels, first + (p1 - p));
    const std::size_t i0 = first * Blk::MR, rows = std::min(last * Blk::MR, m) - i0;
    pack_a<Blk::MR>(ta, a, lda, i0, pc, rows, std::min(Blk::KC, k - pc),
                    dst + packed_a_offset<Blk>(pc, i0, m, k));
    p += last - first;
  }
}

/// Packs the NR-column panels [p0, p1) of the whole of op(B) (k×n) into dst in
/// packed_b_offset's layout; a panel index runs over the NC blocks, their KC blocks, then
/// the columns.
template <class Blk>
void pack_b_whole(Trans tb, const float* b, std::size_t ldb, std::size_t n, std::size_t k,
                  std::size_t p0, std::size_t p1, float* dst) {
  const std::size_t kblocks = (k + Blk::KC - 1) / Blk::KC;
  std::size_t p = 0;  // panel index at the start of the current (jc, pc) block
  for (std::size_t jc = 0; jc < n && p < p1; jc += Blk::nc()) {
    const std::size_t nc = std::min(Blk::nc(), n - jc);
    const std::size_t panels = (nc + Blk::NR - 1) / Blk::NR;
    for (std::size_t kb = 0; kb < kblocks && p < p1; ++kb, p += panels) {
      const std::size_t lo = std::max(p0, p), hi = std::min(p1, p + panels);
      if (lo >= hi) continue;
      const std::size_t pc = kb * Blk::KC, kc = std::min(Blk::KC, k - pc);
      const std::size_t j0 = (lo - p) * Blk::NR, cols = std::min((hi - p) * Blk::NR, nc) - j0;
      pack_b<Blk::NR>(tb, b, ldb, pc, jc + j0, kc, cols,
                      dst + packed_b_offset<Blk>(jc, pc, n, k) + j0 * kc);
    }
  }
}

/// Panels in pack_a_whole's (pack_b_whole's) index.
template <class Blk>
std::size_t whole_a_panels(std::size_t m, std::size_t k) {
  return (m + Blk::MR - 1) / Blk::MR * ((k + Blk::KC - 1) / Blk::KC);
}
template <class Blk>
std::size_t whole_b_panels(std::size_t n, std::size_t k) {
  std::size_t panels = 0;
  for (std::size_t jc = 0; jc < n; jc += Blk::nc())
    panels += (std::min(Blk::nc(), n - jc) + Blk::NR - 1) / Blk::NR;
  return panels * ((k + Blk::KC - 1) / Blk::KC);
}

/// gemm_packed's edge_col when it is C's own: Blocking::edge_col(n).
inline constexpr std::size_t kEdgeOfN = static_cast<std::size_t>(-1);

/// The packed (BLIS) path for any shape: B panels in L3/L2, A blocks in L2, A micro-panels in
/// L1, MR×NR tiles.
///
/// a_packed (or b_packed), when given, holds op(A) (or op(B)) already packed, as
/// pack_a_whole (pack_b_whole) writes it: the threads of a split product pack the operand
/// they share once (simd_gemm.hpp), and each slice reads it from there. `epilogue`: the
/// bias and the map its tiles are stored with (Epilogue; a dense layer's forward).
/// `edge_col` (`edge_row`): the first column (row) of this C that takes micro_kernel's edge
/// formula, where C is a column (row) slice of a larger product (whose edge it is); by
/// default C's own.
template <class Arch, class Blk>
void gemm_packed(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                 const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                 float* c, std::size_t ldc, const float* a_packed = nullptr,
                 const float* b_packed = nullptr, const Epilogue& epilogue = {},
                 std::size_t edge_col = kEdgeOfN, std::size_t edge_row = kEdgeOfN) {
  if (edge_col == kEdgeOfN) edge_col = Blk::edge_col(n);
  if (edge_row == kEdgeOfN) edge_row = Blk::edge_row(m);
  thread_local AlignedBuffer<float> a_pack, b_pack;
  const std::size_t NC = Blk::nc(), MC = Blk::mc();
  const std::size_t nc_max = std::min(NC, (n + Blk::NR - 1) / Blk::NR * Blk::NR);
  const std::size_t kc_max = std::min(Blk::KC, k);
  const std::size_t mc_max = std::min(MC, (m + Blk::MR - 1) / Blk::MR * Blk::MR);
  // An operand that comes packed needs no buffer of its own.
  if (a_packed == nullptr && a_pack.size() < mc_max * kc_max) a_pack.resize(mc_max * kc_max);
  if (b_packed == nullptr && b_pack.size() < nc_max * kc_max) b_pack.resize(nc_max * kc_max);

  for (std::size_t jc = 0; jc < n; jc += NC) {
    const std::size_t nc = std::min(NC, n - jc);
    for (std::size_t pc = 0; pc < k; pc += Blk::KC) {
      const std::size_t kc = std::min(Blk::KC, k - pc);
      const float beta_block = pc == 0 ? beta : 1.0f;
      // The epilogue's bias in the first KC block, its map where the last is stored.
      const float* bias = pc == 0 && epilogue.bias != nullptr ? epilogue.bias + jc : nullptr;
      const Pointwise act = pc + Blk::KC >= k ? epilogue.act : Pointwise::kIdentity;
      const float* bp = b_pack.data();
      if (b_packed != nullptr) {
        bp = b_packed + packed_b_offset<Blk>(jc, pc, n, k);
      } else {
        pack_b<Blk::NR>(tb, b, ldb, pc, jc, kc, nc, b_pack.data());
      }
      for (std::size_t ic = 0; ic < m; ic += MC) {
        const std::size_t mc = std::min(MC, m - ic);
        const float* ap = a_pack.data();
        if (a_packed != nullptr) {
          ap = a_packed + packed_a_offset<Blk>(pc, ic, m, k);
        } else {
          pack_a<Blk::MR>(ta, a, lda, ic, pc, mc, kc, a_pack.data());
        }
        // Rows of tiles outer: the MR×KC micro-panel of A (8 KiB with AVX-512) stays in L1
        // while the B micro-panels stream past it. The other order kept a KC×NR micro-panel
        // of B (32 KiB, all of a 32 KiB L1d) for a column of tiles, and the A panels it read
        // evicted it. Measured (AMD EPYC, 60 alternated calls each, medians): 8-12 % more
        // GFLOP/s on every MLP shape, e.g. mlp_fwd2 90.5 against 82.7. No bit depends on it.
        for (std::size_t ir = 0; ir < mc; ir += Blk::MR) {
          for (std::size_t jr = 0; jr < nc; jr += Blk::NR) {
            const std::size_t col = jc + jr, row = ic + ir;
            micro_kernel<Arch, Blk>(kc, ap + ir * kc, bp + jr * kc, alpha, beta_block,
                                    c + row * ldc + col, ldc, std::min(Blk::MR, mc - ir),
                                    std::min(Blk::NR, nc - jr), edge_col > col ? edge_col - col : 0,
                                    edge_row > row ? edge_row - row : 0,
                                    bias == nullptr ? nullptr : bias + jr, act);
          }
        }
      }
    }
  }
}

}  // namespace gemm_detail
}  // namespace sgdbench
