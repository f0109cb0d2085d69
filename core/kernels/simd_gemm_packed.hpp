#pragma once
// The packed path of SimdKernels::gemm for any shape: BLIS-style (Van Zee & van de Geijn
// 2015). op(A) and op(B) are copied into contiguous panels (the copy absorbs the
// transposes), and one register-blocked micro-kernel computes an MR×NR tile of C from a
// KC-long slice of panels.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#ifdef __AVX__
#include <immintrin.h>
#endif

#include "kernels/fma_ports.hpp"
#include "kernels/simd_canon.hpp"
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
/// MC, NC, MR and NR only partition C: no bit depends on them (micro_kernel's edge
/// formula follows fixed blocks of 32 columns and 8 rows, not the tile: simd_canon.hpp). Measured
/// (AMD EPYC, 1 MiB L2, BM_gemm/simd/mlp_fwd*): MC 512 from L2 against the former constant 96
/// gives 99.7 against 94.9 GFLOP/s.
///
/// TileVectors: the tile's width in vectors with AVX-512, chosen at run time from the
/// core's FMA ports (tile_vectors); AVX2 always takes 2.
template <class Arch, std::size_t TileVectors = 2>
struct Blocking {
  static constexpr std::size_t W = xsimd::batch<float, Arch>::size;
  // The tile is MR rows × NV vectors of accumulators, plus NV vectors of B and one
  // broadcast of A in registers: 8 × 3 = 24 (or 8 × 2 = 16) of AVX-512's 32, 6 × 2 = 12
  // of AVX2's 16.
  // With two 512-bit FMA ports (Intel Xeon, family 6 model 167), 8 × 2 (16 accumulators,
  // 10 loads per 16 FMAs) ran the kernel alone at 0.66-0.71 of the FMA peak and 8 × 3 at
  // 0.76-0.82 (B panels in L2, medians of 21 rounds in one program, two runs); 12 × 2,
  // 14 × 2, 6 × 4 and 7 × 4 measured 0.73-0.83. In the MLP's GEMMs (BM_gemm/simd/mlp_*, 10
  // alternated pairs) the gain is smaller, pair medians 1.01-1.05: packing and C's loads and stores
  // take the rest. With one 512-bit FMA per cycle (AMD EPYC) the FMAs, not the loads, set
  // the pace, and 8 × 2 is the tile the kernel was tuned with there. Eight rows keep
  // pack_a's 8×8 transposes.
  static constexpr std::size_t MR = W >= 16 ? 8 : 6;
  static constexpr std::size_t NV = W >= 16 ? TileVectors : 2;
  static constexpr std::size_t NR = NV * W;
  static constexpr std::size_t KC = 256;
  // The edge formula's column blocks (micro_kernel): AVX-512's tile width before NV = 3,
  // on every instruction set (AVX2's tiles are 16 wide).
  static constexpr std::size_t kEdgeBlock = kCanonEdgeCols;
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
  /// The first column of C (n columns) that takes micro_kernel's edge formula: past the
  /// last whole kEdgeBlock-column block (n when there is none).
  static std::size_t edge_col(std::size_t n) { return n - n % kEdgeBlock; }
  /// The first row of C (m rows) that takes the edge formula: past the last whole group of
  /// 8 rows (AVX-512's MR; AVX2's tiles are 6 rows).
  static std::size_t edge_row(std::size_t m) { return m - m % kCanonEdgeRows; }
};

/// The tile's width in vectors on this core: 3 with AVX-512 and two FMA ports, else 2.
template <class Arch>
std::size_t tile_vectors() {
  if constexpr (Blocking<Arch>::W >= 16) return fma_ports<Arch>().ports >= 2 ? 3 : 2;
  return 2;
}

/// f(Blocking<Arch, tile_vectors()>{}): the one place a run-time tile becomes a type.
template <class Arch, class F>
decltype(auto) with_blocking(F&& f) {
  if constexpr (Blocking<Arch>::W >= 16) {
    if (tile_vectors<Arch>() == 3) return f(Blocking<Arch, 3>{});
  }
  return f(Blocking<Arch, 2>{});
}

/// "MR=… NR=…", why that tile, then the cache blocking.
template <class Blk>
std::string describe_blocking_of(const std::string& why_the_tile) {
  const CacheSizes c = cache_sizes();
  return "MR=" + std::to_string(Blk::MR) + " NR=" + std::to_string(Blk::NR) + " " + why_the_tile +
         " KC=" + std::to_string(Blk::KC) +
         " (fixed: the order of the sums) MC=" + std::to_string(Blk::mc()) +
         " NC=" + std::to_string(Blk::nc()) + " from L1d " + std::to_string(c.l1d >> 10) +
         " KiB, L2 " + std::to_string(c.l2 >> 10) + " KiB, L3 " + std::to_string(c.l3 >> 10) +
         " KiB";
}

/// The blocking this machine runs, for machine.json and the micro-benchmarks' context.
/// The ports are read (or overridden) on every arch and recorded; below AVX-512 the tile
/// is the one that fits 16 registers whatever their count.
template <class Arch>
std::string describe_blocking() {
  const FmaPorts& ports = fma_ports<Arch>();
  char per_cycle[32];
  std::snprintf(per_cycle, sizeof per_cycle, "%.2f", ports.per_cycle);
  std::string why =
      "from " + std::to_string(ports.ports) + " FMA port(s) (" + ports.source +
      (ports.per_cycle > 0.0 ? std::string(": ") + per_cycle + " FMAs per cycle" : "") + ")";
  if constexpr (Blocking<Arch>::W < 16) why += ", the 16-register tile for any count";
  return with_blocking<Arch>([&](auto blk) { return describe_blocking_of<decltype(blk)>(why); });
}

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
