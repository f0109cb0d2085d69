#pragma once
// The packing of the packed GEMM (simd_gemm_packed.hpp): op(A) into MR-row panels and
// op(B) into NR-column panels, with 8×8 transposes in registers. They only move floats:
// no bit depends on them.
#include <algorithm>
#include <cstddef>
#include <cstring>

#ifdef __AVX__
#include <immintrin.h>
#endif

#include "kernels/trans.hpp"

namespace sgdbench {
namespace gemm_detail {

/// dst[c·ldd + r] = src[r·lds + c] for an 8×8 block, in registers (AVX: 24 shuffles for
/// 64 floats, where the scalar loop's strided accesses made both packings of the forward
/// A·Bᵀ the slow part of mlp_fwd*). Only moves floats: the GEMM's bits do not change.
/// Returns false when the build has no AVX (the caller's scalar loop runs).
[[gnu::always_inline]] inline bool transpose8x8(const float* src, std::size_t lds, float* dst,
                                                std::size_t ldd) {
#ifdef __AVX__
  __m256 r[8], t[8];
  for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(src + i * lds);
  for (int i = 0; i < 8; i += 2) {
    t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int h = 0; h < 8; h += 4) {  // rows 0-3, then 4-7, of the 4×4 halves
    r[h] = _mm256_shuffle_ps(t[h], t[h + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[h + 1] = _mm256_shuffle_ps(t[h], t[h + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[h + 2] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[h + 3] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  for (int i = 0; i < 4; ++i) {
    _mm256_storeu_ps(dst + i * ldd, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
    _mm256_storeu_ps(dst + (i + 4) * ldd, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
  }
  return true;
#else
  (void)src, (void)lds, (void)dst, (void)ldd;
  return false;
#endif
}

/// Floats in one 64-byte cache line (x86-64).
inline constexpr std::size_t kFloatsPerLine = 64 / sizeof(float);

inline float op_at(Trans t, const float* p, std::size_t ld, std::size_t i, std::size_t j) {
  return t == Trans::kNo ? p[i * ld + j] : p[j * ld + i];
}

/// Packs rows p0.. (kc of them) of a row-major matrix, columns j0.. (nc of them), into
/// W-column panels, each kc rows of W floats, zero-padded past nc: pack_b of B not
/// transposed, and pack_a of A transposed (its rows are op(A)'s columns). Row p is read
/// as one run and dealt out to the panels, W floats to each (a copy of constant size
/// where the panel is full). The packings before read one panel at a time, W floats from
/// each of kc rows: with 1024-float rows (mlp_dX2, mlp_dW2) every read was a new 4 KiB
/// page, where the hardware prefetcher does not follow, and pack_b made a library memcpy
/// call per row. AMD EPYC, 1 thread, alternated medians of 25: mlp_dX2 6.24-6.51 ->
/// 5.61-5.84 ms, mlp_dW2 and mlp_dW1 about 5 % faster; packing δᵀ for mlp_dW2 alone
/// 112-139 -> 81-89 µs. An AVX2 build on the same CPU (panels of 6 and 16): mlp_dX2
/// 7.26-8.81 -> 6.84-6.94 ms, faster in 4 of 4 pairs; mlp_dW2 and mlp_dW1 unchanged.
/// G = 64 / W rows at a time (8 for A's panels of 8 with AVX-512): a row of a narrow
/// panel is 32 bytes, and one row per visit wrote each line in halves, the visits to the
/// panels of one row all in one L1 set (the panels are 8 KiB apart). Intel Xeon (family 6
/// model 167), packing 256 × 1024 in panels of 8, minimum of 300 alternated calls: 195 ->
/// 85 µs; panels of 48 (G = 1) 65 µs either way.
template <std::size_t W>
void pack_panels_from_rows(const float* b, std::size_t ldb, std::size_t p0, std::size_t j0,
                           std::size_t kc, std::size_t nc, float* dst) {
  constexpr std::size_t G = W >= 64 ? 1 : 64 / W;  // rows per visit to a panel
  for (std::size_t p = 0; p < kc; p += G) {
    const std::size_t g = std::min(G, kc - p);
    for (std::size_t jr = 0; jr < nc; jr += W) {
      const std::size_t cols = std::min(W, nc - jr);
      for (std::size_t q = p; q < p + g; ++q) {
        const float* src = b + (p0 + q) * ldb + j0;
        float* row = dst + jr * kc + q * W;  // panel jr / W, its row q
        if (cols == W) {
          std::memcpy(row, src + jr, W * sizeof(float));
        } else {
          std::memcpy(row, src + jr, cols * sizeof(float));
          std::fill(row + cols, row + W, 0.0f);
        }
      }
    }
  }
}

/// Packs op(A)[i0 : i0+mc, p0 : p0+kc] into MR-row panels, each kc columns of MR floats,
/// zero-padded past mc. A transposed is read from its stored rows, as B not transposed.
/// A not transposed has its own loop, 8×8 transposes one panel at a time: written as
/// pack_b's transposed loop it measured 5–16 % slower on the packed shapes
/// (BM_gemm/simd/mlp_* and 256x784x1024, AMD EPYC).
template <std::size_t MR>
void pack_a(Trans ta, const float* a, std::size_t lda, std::size_t i0, std::size_t p0,
            std::size_t mc, std::size_t kc, float* dst) {
  if (ta == Trans::kYes) {
    pack_panels_from_rows<MR>(a, lda, p0, i0, kc, mc, dst);
    return;
  }
  for (std::size_t ir = 0; ir < mc; ir += MR) {
    const std::size_t rows = std::min(MR, mc - ir);
    std::size_t p8 = 0;  // columns done by 8×8 transposes
    if (MR == 8 && rows == 8) {
      const float* src = a + (i0 + ir) * lda + p0;
      while (p8 + 8 <= kc && transpose8x8(src + p8, lda, dst + p8 * MR, MR)) p8 += 8;
    }
    for (std::size_t r = 0; r < rows; ++r) {
      const float* src = a + (i0 + ir + r) * lda + p0;
      for (std::size_t p = p8; p < kc; ++p) dst[p * MR + r] = src[p];
    }
    for (std::size_t r = rows; r < MR; ++r) {
      for (std::size_t p = 0; p < kc; ++p) dst[p * MR + r] = 0.0f;
    }
    dst += MR * kc;
  }
}

/// Columns [c0, c1) of one NR-column panel from rows p_from … kc−1 of B transposed (src:
/// B's row of column c0 of the panel, at p0), zero in columns c1 … c0+7: eight rows of B
/// at a time, p outer, each row's cache line serving 16 consecutive p.
template <std::size_t NR>
void pack_b_eight_columns(const float* src, std::size_t ldb, std::size_t kc, std::size_t c0,
                          std::size_t c1, std::size_t p_from, float* dst) {
  std::size_t p = p_from;
  if (c1 == c0 + 8) {
    while (p + 8 <= kc && transpose8x8(src + c0 * ldb + p, ldb, dst + p * NR + c0, NR)) p += 8;
  }
  for (; p < kc; ++p) {
    float* row = dst + p * NR;
    for (std::size_t c = c0; c < c1; ++c) row[c] = src[c * ldb + p];
    for (std::size_t c = std::max(c0, c1); c < c0 + 8; ++c) row[c] = 0.0f;
  }
}

/// Packs op(B)[p0 : p0+kc, j0 : j0+nc] into NR-column panels, each kc rows of NR floats,
/// zero-padded past nc.
///
/// B transposed (the forward's weights) goes in blocks of 16 columns × 16 rows, four 8×8
/// transposes: the panel's 16 rows are written as whole 64-byte lines, and each line of B
/// read serves both of its halves at once (the two transposes of one group of eight B
/// rows run back to back, so eight lines are live at a time: with a power-of-two ldb the
/// rows share a cache set, and AMD's L1 has eight ways). Eight columns over all of kc at a
/// time wrote each line of the panel in two passes over the whole panel (48 KiB with
/// AVX-512's 3-vector tile). Intel Xeon (family 6 model 167), 10 alternated pairs, pair medians:
/// mlp_fwd1 1.021, mlp_fwd2 1.013, nielsen_fwd_B100 1.031, nielsen_fwd_B256 1.035 (faster
/// in 7-8 of 10). Only moves floats: no bit changes.
template <std::size_t NR>
void pack_b(Trans tb, const float* b, std::size_t ldb, std::size_t p0, std::size_t j0,
            std::size_t kc, std::size_t nc, float* dst) {
  if (tb == Trans::kNo) {
    pack_panels_from_rows<NR>(b, ldb, p0, j0, kc, nc, dst);
    return;
  }
  for (std::size_t jr = 0; jr < nc; jr += NR) {
    const std::size_t cols = std::min(NR, nc - jr);
    const float* src = b + (j0 + jr) * ldb + p0;
    for (std::size_t c0 = 0; c0 < NR; c0 += 16) {
      std::size_t p = 0;  // rows done in 16×16 blocks
      if (c0 + 16 <= cols) {
        while (p + 16 <= kc && transpose8x8(src + c0 * ldb + p, ldb, dst + p * NR + c0, NR)) {
          transpose8x8(src + c0 * ldb + p + 8, ldb, dst + (p + 8) * NR + c0, NR);
          transpose8x8(src + (c0 + 8) * ldb + p, ldb, dst + p * NR + c0 + 8, NR);
          transpose8x8(src + (c0 + 8) * ldb + p + 8, ldb, dst + (p + 8) * NR + c0 + 8, NR);
          p += 16;
        }
      }
      pack_b_eight_columns<NR>(src, ldb, kc, c0, std::clamp(cols, c0, c0 + 8), p, dst);
      if (c0 + 8 < NR) {
        pack_b_eight_columns<NR>(src, ldb, kc, c0 + 8, std::clamp(cols, c0 + 8, c0 + 16), p, dst);
      }
    }
    dst += NR * kc;
  }
}

}  // namespace gemm_detail
}  // namespace sgdbench
