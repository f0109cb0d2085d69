#pragma once
// The packed path of SimdKernels::gemm for any shape: BLIS-style (Van Zee & van de Geijn
// 2015). op(A) and op(B) are copied into contiguous panels (the copy absorbs the
// transposes), and one register-blocked micro-kernel computes an MR×NR tile of C from a
// KC-long slice of panels.
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#ifdef __AVX__
#include <immintrin.h>
#endif

#include "kernels/simd_level1.hpp"
#include "kernels/trans.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {
namespace gemm_detail {

/// The machine's data caches in bytes (sysconf; fallbacks where the OS does not say).
struct CacheSizes {
  std::size_t l1d, l2, l3;
};
inline CacheSizes cache_sizes() {
  auto size = [](int name, std::size_t fallback) {
    const long v = sysconf(name);
    return v > 0 ? static_cast<std::size_t>(v) : fallback;
  };
  return {size(_SC_LEVEL1_DCACHE_SIZE, 32 << 10), size(_SC_LEVEL2_CACHE_SIZE, 1 << 20),
          size(_SC_LEVEL3_CACHE_SIZE, 8 << 20)};
}

/// BLIS's blocking (Van Zee & van de Geijn 2015), its parameters from the CPU it runs on.
/// MR×NR (the register tile) from the vector width and register count; MC so that the
/// packed MC×KC block of A fills half of L2, and NC so that the KC×NC panel of B fills a
/// quarter of L3 (sysconf, read once). KC alone is fixed: each KC-long slice of the sums
/// is added to C in turn, so KC sets the order of the floating-point sums, and a KC per
/// CPU would give different bits on two CPUs of one instruction set. MR·256 floats (8
/// KiB with AVX-512) is the micro-panel of A that stays in L1 across a row of tiles.
/// MC and NC only partition the rows and columns: no bit depends on them. Measured (AMD
/// EPYC, 1 MiB L2, BM_gemm/simd/mlp_fwd*): MC 512 from L2 against the former constant 96
/// gives 99.7 against 94.9 GFLOP/s.
template <class Arch>
struct Blocking {
  static constexpr std::size_t W = xsimd::batch<float, Arch>::size;
  // Accumulators: MR × 2 vectors; 16 of 32 registers with AVX-512, 12 of 16 with AVX2.
  static constexpr std::size_t MR = W >= 16 ? 8 : 6;
  static constexpr std::size_t NR = 2 * W;
  static constexpr std::size_t KC = 256;
  static std::size_t mc() {
    static const std::size_t v =
        std::clamp(cache_sizes().l2 / 2 / (KC * sizeof(float)) / MR * MR, 4 * MR, 256 * MR);
    return v;
  }
  static std::size_t nc() {
    static const std::size_t v =
        std::clamp(cache_sizes().l3 / 4 / (KC * sizeof(float)) / NR * NR, 16 * NR, 128 * NR);
    return v;
  }
};

/// The blocking this machine runs, for machine.json and the micro-benchmarks' context.
template <class Arch>
std::string describe_blocking() {
  using Blk = Blocking<Arch>;
  const CacheSizes c = cache_sizes();
  return "MR=" + std::to_string(Blk::MR) + " NR=" + std::to_string(Blk::NR) +
         " KC=" + std::to_string(Blk::KC) +
         " (fixed: the order of the sums) MC=" + std::to_string(Blk::mc()) +
         " NC=" + std::to_string(Blk::nc()) + " from L1d " + std::to_string(c.l1d >> 10) +
         " KiB, L2 " + std::to_string(c.l2 >> 10) + " KiB, L3 " + std::to_string(c.l3 >> 10) +
         " KiB";
}

/// dst[c·ldd + r] = src[r·lds + c] for an 8×8 block, in registers (AVX: 24 shuffles for
/// 64 floats, where the scalar loop's strided accesses made both packings of the forward
/// A·Bᵀ the slow part of mlp_fwd*). Only moves floats: the GEMM's bits do not change.
/// Returns false when the build has no AVX (the caller's scalar loop runs).
inline bool transpose8x8(const float* src, std::size_t lds, float* dst, std::size_t ldd) {
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
template <std::size_t W>
void pack_panels_from_rows(const float* b, std::size_t ldb, std::size_t p0, std::size_t j0,
                           std::size_t kc, std::size_t nc, float* dst) {
  for (std::size_t p = 0; p < kc; ++p) {
    const float* src = b + (p0 + p) * ldb + j0;
    for (std::size_t jr = 0; jr < nc; jr += W) {
      float* row = dst + jr * kc + p * W;  // panel jr / W, its row p
      const std::size_t cols = std::min(W, nc - jr);
      if (cols == W) {
        std::memcpy(row, src + jr, W * sizeof(float));
      } else {
        std::memcpy(row, src + jr, cols * sizeof(float));
        std::fill(row + cols, row + W, 0.0f);
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

/// Packs op(B)[p0 : p0+kc, j0 : j0+nc] into NR-column panels, each kc rows of NR floats,
/// zero-padded past nc.
template <std::size_t NR>
void pack_b(Trans tb, const float* b, std::size_t ldb, std::size_t p0, std::size_t j0,
            std::size_t kc, std::size_t nc, float* dst) {
  if (tb == Trans::kNo) {
    pack_panels_from_rows<NR>(b, ldb, p0, j0, kc, nc, dst);
    return;
  }
  for (std::size_t jr = 0; jr < nc; jr += NR) {
    const std::size_t cols = std::min(NR, nc - jr);
    // Eight rows of B at a time, p outer: each row's cache line serves 16 consecutive p
    // and the writes are 32-byte runs (measured faster than one row at a time with
    // strided writes, BM_gemm/simd/mlp_fwd*). Eight, not NR: with a power-of-two ldb
    // the rows share a cache set, and L1 holds eight ways.
    const float* src = b + (j0 + jr) * ldb + p0;
    for (std::size_t c0 = 0; c0 < NR; c0 += 8) {
      const std::size_t c1 = std::min(c0 + 8, cols);
      std::size_t p8 = 0;  // rows done by 8×8 transposes
      if (c1 == c0 + 8) {
        while (p8 + 8 <= kc && transpose8x8(src + c0 * ldb + p8, ldb, dst + p8 * NR + c0, NR)) {
          p8 += 8;
        }
      }
      for (std::size_t p = p8; p < kc; ++p) {
        float* row = dst + p * NR;
        for (std::size_t c = c0; c < c1; ++c) row[c] = src[c * ldb + p];
        for (std::size_t c = std::max(c0, c1); c < c0 + 8; ++c) row[c] = 0.0f;
      }
    }
    dst += NR * kc;
  }
}

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

/// C[0:rows, 0:cols] = act(alpha · (Ap · Bp) + beta · C) for one MR×NR tile; with `bias`,
/// act(alpha · (Ap · Bp) + bias) (1 · bias is bias, so the bits of beta = 1 on C = bias).
template <class Arch>
void micro_kernel(std::size_t kc, const float* ap, const float* bp, float alpha, float beta,
                  float* c, std::size_t ldc, std::size_t rows, std::size_t cols,
                  const float* bias = nullptr, Pointwise act = Pointwise::kIdentity) {
  using B = xsimd::batch<float, Arch>;
  using Blk = Blocking<Arch>;
  constexpr std::size_t MR = Blk::MR, W = Blk::W, NR = Blk::NR;
  B acc0[MR], acc1[MR];
  prefetch_tile_of_c(c, ldc, rows, cols);
#pragma GCC unroll 16
  for (std::size_t r = 0; r < MR; ++r) acc0[r] = acc1[r] = B(0.0f);
  if (cols <= W) {
    // An edge tile one vector wide (with AVX-512, the last 4 of Nielsen's 100 outputs and
    // the last 16 of 784 columns): the second vector's FMAs would only feed columns never
    // stored. AMD EPYC, 1 thread, medians of 201 in one program: the 784->100 forward
    // 0.222-0.239 -> 0.196-0.210 ms; the MLP's GEMMs (no such tile but dW1's) unchanged.
    for (std::size_t p = 0; p < kc; ++p) {
      const B b0 = B::load_aligned(bp + p * NR);
#pragma GCC unroll 16
      for (std::size_t r = 0; r < MR; ++r) acc0[r] = fmadd<Arch>(B(ap[p * MR + r]), b0, acc0[r]);
    }
  } else {
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
  }
  const B va(alpha), vb(beta);
  if (rows == MR && cols == NR) {
    const bool mapped = act != Pointwise::kIdentity;
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r) {
      float* cr = c + r * ldc;
      B lo, hi;
      if (bias != nullptr) {
        lo = fmadd<Arch>(va, acc0[r], B::load_unaligned(bias));
        hi = fmadd<Arch>(va, acc1[r], B::load_unaligned(bias + W));
      } else if (beta == 0.0f) {
        lo = va * acc0[r];
        hi = va * acc1[r];
      } else {
        lo = fmadd<Arch>(va, acc0[r], vb * B::load_unaligned(cr));
        hi = fmadd<Arch>(va, acc1[r], vb * B::load_unaligned(cr + W));
      }
      if (mapped) {
        lo = pointwise_batch<Arch>(act, lo);
        hi = pointwise_batch<Arch>(act, hi);
      }
      lo.store_unaligned(cr);
      hi.store_unaligned(cr + W);
    }
    return;
  }
  // A partial tile (the right or bottom edge of C): its rows are finished in an aligned
  // buffer, mapped a whole vector at a time, and only `cols` entries copied out.
  alignas(64) float tile[MR * NR];
  for (std::size_t r = 0; r < MR; ++r) {
    (va * acc0[r]).store_aligned(tile + r * NR);
    (va * acc1[r]).store_aligned(tile + r * NR + W);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    float* cr = c + r * ldc;
    float* tr = tile + r * NR;
    for (std::size_t j = 0; j < cols; ++j) {
      if (bias != nullptr) {
        tr[j] = std::fma(1.0f, bias[j], tr[j]);
      } else if (beta != 0.0f) {
        tr[j] = std::fma(beta, cr[j], tr[j]);
      }
    }
    if (act != Pointwise::kIdentity) {
      for (std::size_t j = 0; j < cols; j += W)
        pointwise_batch<Arch>(act, B::load_aligned(tr + j)).store_aligned(tr + j);
    }
    std::copy_n(tr, cols, cr);
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

/// The packed (BLIS) path for any shape: B panels in L3/L2, A blocks in L2, A micro-panels in
/// L1, MR×NR tiles.
///
/// a_packed (or b_packed), when given, holds op(A) (or op(B)) already packed, as
/// pack_a_whole (pack_b_whole) writes it: the threads of a split product pack the operand
/// they share once (simd_gemm.hpp), and each slice reads it from there. `epilogue`: the
/// bias and the map its tiles are stored with (Epilogue; a dense layer's forward).
template <class Arch>
void gemm_packed(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                 const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                 float* c, std::size_t ldc, const float* a_packed = nullptr,
                 const float* b_packed = nullptr, const Epilogue& epilogue = {}) {
  using Blk = Blocking<Arch>;
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
            micro_kernel<Arch>(kc, ap + ir * kc, bp + jr * kc, alpha, beta_block,
                               c + (ic + ir) * ldc + jc + jr, ldc, std::min(Blk::MR, mc - ir),
                               std::min(Blk::NR, nc - jr), bias == nullptr ? nullptr : bias + jr,
                               act);
          }
        }
      }
    }
  }
}

}  // namespace gemm_detail
}  // namespace sgdbench
