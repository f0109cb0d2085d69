#pragma once
// The packed GEMM's blocking (simd_gemm_packed.hpp): the register tile from the vector
// width and the core's FMA ports, the cache blocks from the machine's caches, and the
// description machine.json records.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <string>
#include <xsimd/xsimd.hpp>

#include "kernels/fma_ports.hpp"
#include "kernels/simd_canon.hpp"

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

}  // namespace gemm_detail
}  // namespace sgdbench
