#pragma once
// How many vector FMAs of the build's width this core issues per cycle: its FMA ports
// (BLIS's per-architecture configurations encode it by CPU model; here it is measured).
// An Intel Xeon with two 512-bit FMA ports (family 6 model 167) and an AMD EPYC that
// issues one 512-bit FMA per cycle run the same AVX-512 build; the packed GEMM's register
// tile follows the count (simd_gemm_packed.hpp, tile_vectors).
//
// Measured once per process, in 5-10 ms: the clock from a chain of dependent integer
// adds (one cycle each on every x86-64 core), the FMA rate from 12 independent chains
// (more than ports × latency: 2 × 5 on the slowest FMA of AVX2 machines). FMAs per cycle
// near 1 is one port, near 2 two; a core that lowers its clock for AVX-512, or shares
// its ports with a busy sibling hyperthread, reads lower than 2 (1.25 still separates
// them: one port reads ~1). SGDBENCH_FMA_PORTS=1 or 2 overrides the measure
// (the tests run both tiles that way; no bit depends on the tile); any other non-empty
// value is an error, reported before a command does anything (the CLI checks it first).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <xsimd/xsimd.hpp>

#include "kernels/simd_fma.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace gemm_detail {

/// What fma_ports found: the count, the measured FMAs per cycle (0 where not measured)
/// and where the count came from ("measured", "SGDBENCH_FMA_PORTS", "no x86-64 clock",
/// "clock too coarse").
struct FmaPorts {
  std::size_t ports = 1;
  double per_cycle = 0.0;
  std::string source;
};

/// Seconds for `reps` × 8 dependent integer adds: 8 · reps cycles.
[[gnu::noinline]] inline double seconds_for_add_chain(std::uint64_t reps) {
  std::uint64_t x = 0, one = 1;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < reps; ++i) {
#if defined(__x86_64__)
    // Register operands: Golden Cove folds chains of add-immediate at rename (one read
    // 0.87 FMAs per cycle on a two-port Xeon). Both assembler syntaxes.
    asm volatile(
        "{add %1, %0|add %0, %1}\n\t{add %1, %0|add %0, %1}\n\t"
        "{add %1, %0|add %0, %1}\n\t{add %1, %0|add %0, %1}\n\t"
        "{add %1, %0|add %0, %1}\n\t{add %1, %0|add %0, %1}\n\t"
        "{add %1, %0|add %0, %1}\n\t{add %1, %0|add %0, %1}"
        : "+r"(x)
        : "r"(one));
#endif
  }
  const auto t1 = std::chrono::steady_clock::now();
  asm volatile("" : : "r"(x));
  return std::chrono::duration<double>(t1 - t0).count();
}

/// Seconds for `reps` × 12 independent vector FMAs.
template <class Arch>
[[gnu::noinline]] double seconds_for_fma_chains(std::uint64_t reps) {
  using V = xsimd::batch<float, Arch>;
  constexpr int kChains = 12;
  V acc[kChains];
  for (int i = 0; i < kChains; ++i) acc[i] = V(0.001f * static_cast<float>(i));
  const V a(0.9999f), b(1e-5f);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t it = 0; it < reps; ++it) {
#pragma GCC unroll 12
    for (int i = 0; i < kChains; ++i) acc[i] = fmadd<Arch>(acc[i], a, b);
  }
  // The chains' results are needed here, before the clock is read again.
  for (auto& v : acc) asm volatile("" : "+v"(v.data));
  const auto t1 = std::chrono::steady_clock::now();
  V s = acc[0];
  for (int i = 1; i < kChains; ++i) s += acc[i];
  volatile float sink = xsimd::hadd(s);  // keeps the chains alive
  (void)sink;
  return std::chrono::duration<double>(t1 - t0).count();
}

/// FMAs per cycle from which the probe reads two ports (the one the header explains).
inline constexpr double kTwoPortsFrom = 1.25;

/// The measure itself (fma_ports caches it). An untimed FMA round first, so that a core
/// which lowers its clock for wide vectors has done so (and keeps it lowered: every round
/// follows an FMA round within a millisecond); then 25 alternated rounds of the FMA chains
/// and the add chain, each side's fastest round, and FMAs per cycle from those two.
/// Another guest can only slow a round down (preempting it, or busying the core's
/// sibling hyperthread), so each side's fastest round is its undisturbed rate, provided one
/// of its 25 ran undisturbed at the clock of the other's fastest. The two come from
/// different rounds, so a slowed add chain does not cancel out as in a paired ratio: a
/// one-port core reads 1.25 only if every one of its 25 add rounds ran 20 % slow, which a
/// chain of dependent adds, one per cycle, hardly suffers beside a busy hyperthread. The
/// median of 7 paired rounds' ratios this replaced read 1.06-1.96 in 12 processes in a
/// row on the two-port Intel Xeon (family 6 model 167) while the host was busy, 6 of them
/// under its 1.4 threshold; this measure read 1.82-2.00 in such runs and 1.44-1.50
/// through a sustained busy spell.
template <class Arch>
FmaPorts measure_fma_ports() {
#if defined(__x86_64__)
  constexpr std::uint64_t kReps = 40'000;  // 0.1-0.25 ms per round of either chain
  constexpr int kRounds = 25;
  seconds_for_fma_chains<Arch>(kReps);
  double fma_s = 1e30, add_s = 1e30;
  for (int r = 0; r < kRounds; ++r) {
    fma_s = std::min(fma_s, seconds_for_fma_chains<Arch>(kReps));
    add_s = std::min(add_s, seconds_for_add_chain(kReps));
  }
  // A clock too coarse for a 0.1 ms round (jiffies in some guests) reads 0 s.
  if (!(fma_s > 0.0 && add_s > 0.0)) return {1, 0.0, "clock too coarse"};
  const double per_cycle = (12.0 / fma_s) / (8.0 / add_s);
  return {per_cycle >= kTwoPortsFrom ? std::size_t{2} : std::size_t{1}, per_cycle, "measured"};
#else
  return {1, 0.0, "no x86-64 clock"};
#endif
}

/// SGDBENCH_FMA_PORTS: 1 or 2, or 0 where unset or empty; anything else is an Error.
inline std::size_t fma_ports_override() {
  const char* env = std::getenv("SGDBENCH_FMA_PORTS");
  const std::string v = env == nullptr ? "" : env;
  if (v.empty()) return 0;
  if (v == "1" || v == "2") return static_cast<std::size_t>(v[0] - '0');
  throw Error("SGDBENCH_FMA_PORTS: expected 1 or 2, got '" + v + "'");
}

/// This core's FMA ports at the build's vector width, measured once (or the override).
template <class Arch>
const FmaPorts& fma_ports() {
  static const FmaPorts ports = [] {
    if (const std::size_t forced = fma_ports_override(); forced != 0)
      return FmaPorts{forced, 0.0, "SGDBENCH_FMA_PORTS"};
    return measure_fma_ports<Arch>();
  }();
  return ports;
}

}  // namespace gemm_detail
}  // namespace sgdbench
