// The byte-widening port probe (issue 15's bound for softmax on bytes). A loop with the
// register shape softmax's weight-gradient block had when the bound was measured
// (rank1_block<10, 2>: 20 FMAs into 20 accumulators and 10 broadcasts per step; it now runs
// 10 × 3 blocks, 30 FMAs per 10 broadcasts, with the same widening per vector) runs with the byte
// path's extra operations added one kind at a time: 2 vpmovzxbd (the u8 → i32 widening), then 2
// conversions, then 2 multiplies by the scale, which is what load_vec(ByteRows) does. GFLOP/s
// counts the 20 FMAs only, so each row's ratio to `fmas_only` is the share of FMA slots left to the
// product. Everything stays in L1 and in registers: this measures the ports, not memory.
#include "port_probe.hpp"

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <vector>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace sgdbench {
namespace {

#if defined(__AVX512F__)
enum class ProbeOps { kFmasOnly, kFloatLoads, kWiden, kWidenConvert, kWidenConvertScale };

/// `steps` steps of 20 FMAs; returns a sum so that nothing is optimized away.
template <ProbeOps Ops>
[[gnu::noinline]] float probe_loop(const std::uint8_t* bytes, const float* floats,
                                   const float* deltas, long steps) {
  __m512 acc[20];
  for (auto& a : acc) a = _mm512_setzero_ps();
  const __m512 scale = _mm512_set1_ps(1.0f / 255.0f);
  // Integers OR-ed into 2^23's bits: normal floats, so no FMA sees a denormal.
  const __m512i two_to_23 = _mm512_set1_epi32(0x4B000000);
  constexpr __mmask16 kAll = 0xFFFF;  // maskz forms: GCC 12's false -Wuninitialized
  __m512 x0 = _mm512_set1_ps(1.0f), x1 = _mm512_set1_ps(2.0f);
  for (long step = 0; step < steps; ++step) {
    const std::size_t row = static_cast<std::size_t>(step & 1023);
    const auto* b = reinterpret_cast<const __m128i*>(bytes + row * 32);
    if constexpr (Ops == ProbeOps::kFloatLoads) {
      x0 = _mm512_loadu_ps(floats + row * 32);
      x1 = _mm512_loadu_ps(floats + row * 32 + 16);
    } else if constexpr (Ops == ProbeOps::kWiden) {
      x0 = _mm512_castsi512_ps(
          _mm512_or_si512(_mm512_maskz_cvtepu8_epi32(kAll, _mm_loadu_si128(b)), two_to_23));
      x1 = _mm512_castsi512_ps(
          _mm512_or_si512(_mm512_maskz_cvtepu8_epi32(kAll, _mm_loadu_si128(b + 1)), two_to_23));
    } else if constexpr (Ops == ProbeOps::kWidenConvert || Ops == ProbeOps::kWidenConvertScale) {
      x0 = _mm512_maskz_cvtepi32_ps(kAll, _mm512_maskz_cvtepu8_epi32(kAll, _mm_loadu_si128(b)));
      x1 = _mm512_maskz_cvtepi32_ps(kAll, _mm512_maskz_cvtepu8_epi32(kAll, _mm_loadu_si128(b + 1)));
      if constexpr (Ops == ProbeOps::kWidenConvertScale) {
        x0 = _mm512_mul_ps(x0, scale);
        x1 = _mm512_mul_ps(x1, scale);
      }
    }
    const float* d = deltas + static_cast<std::size_t>(step & 255) * 10;
    for (std::size_t r = 0; r < 10; ++r) {
      const __m512 a = _mm512_set1_ps(d[r]);
      acc[2 * r] = _mm512_fmadd_ps(a, x0, acc[2 * r]);
      acc[2 * r + 1] = _mm512_fmadd_ps(a, x1, acc[2 * r + 1]);
    }
  }
  __m512 total = acc[0];
  for (std::size_t i = 1; i < 20; ++i) total = _mm512_add_ps(total, acc[i]);
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, total);
  float sum = 0.0f;
  for (const float lane : lanes) sum += lane;
  return sum;
}

template <ProbeOps Ops>
void bm_port_probe(benchmark::State& state) {
  constexpr std::size_t kRows = 1024, kRowBytes = 32, kDeltaRows = 256;
  std::vector<std::uint8_t> bytes(kRows * kRowBytes, 7);
  std::vector<float> floats(kRows * kRowBytes, 1.0f), deltas(kDeltaRows * 10, 1e-9f);
  constexpr long kSteps = 1 << 16;
  for (auto _ : state) {
    benchmark::DoNotOptimize(probe_loop<Ops>(bytes.data(), floats.data(), deltas.data(), kSteps));
  }
  const double fmas = 20.0 * kSteps * static_cast<double>(state.iterations());
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * 16.0 * fmas * 1e-9, benchmark::Counter::kIsRate);
}
#endif

}  // namespace

void register_port_probe() {
#if defined(__AVX512F__)
  benchmark::RegisterBenchmark("BM_port_probe/fmas_only", bm_port_probe<ProbeOps::kFmasOnly>);
  benchmark::RegisterBenchmark("BM_port_probe/float_loads", bm_port_probe<ProbeOps::kFloatLoads>);
  benchmark::RegisterBenchmark("BM_port_probe/widen", bm_port_probe<ProbeOps::kWiden>);
  benchmark::RegisterBenchmark("BM_port_probe/widen_convert",
                               bm_port_probe<ProbeOps::kWidenConvert>);
  benchmark::RegisterBenchmark("BM_port_probe/widen_convert_scale",
                               bm_port_probe<ProbeOps::kWidenConvertScale>);
#endif
}

}  // namespace sgdbench
