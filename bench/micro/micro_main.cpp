// Google Benchmark micro-benchmarks: the kernels on the shapes training uses, and one
// training step of registered variants (their names from the variant registry). Run:
// build/release/bench/micro/sgdbench_micro
// (--benchmark_format=json --benchmark_out=FILE for compare.py).
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <tbb/global_control.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#ifdef SGDBENCH_WITH_BLAS
#include "kernels/blas_kernels.hpp"
#endif
#include "kernels/scalar_kernels.hpp"
#include "kernels/simd_gemm_packed.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/activations.hpp"
#include "model/costs.hpp"
#include "port_probe.hpp"
#include "records/build_info.hpp"
#include "util/aligned_buffer.hpp"
#include "util/rng.hpp"
#include "util/software_prefetch.hpp"
#include "variants/registry.hpp"

namespace sgdbench {
namespace {

void fill_uniform(AlignedBuffer<float>& v, std::uint64_t seed) {
  Rng rng(seed);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(rng.uniform() - 0.5);
}

/// C (m×n) = op(A) (m×k) · op(B) (k×n), the transposes as training uses them.
struct GemmShape {
  std::string label;
  Trans ta, tb;
  std::size_t m, n, k;
};

template <class K>
void bm_gemm(benchmark::State& state, GemmShape s) {
  AlignedBuffer<float> a(s.m * s.k), b(s.k * s.n), c(s.m * s.n);
  fill_uniform(a, 1);
  fill_uniform(b, 2);
  const std::size_t lda = s.ta == Trans::kNo ? s.k : s.m;
  const std::size_t ldb = s.tb == Trans::kNo ? s.n : s.k;
  for (auto _ : state) {
    K::gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c.data(), s.n);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * static_cast<double>(s.m * s.n * s.k) * static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate);
}

/// y (m) = A (m×n) · x, and y (n) = Aᵀ x.
template <class K>
void bm_gemv(benchmark::State& state, Trans ta, std::size_t m, std::size_t n) {
  AlignedBuffer<float> a(m * n), x(std::max(m, n)), y(std::max(m, n));
  fill_uniform(a, 1);
  fill_uniform(x, 2);
  for (auto _ : state) {
    K::gemv(ta, m, n, 1.0f, a.data(), n, x.data(), 0.0f, y.data());
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOP/s"] = benchmark::Counter(
      2.0 * static_cast<double>(m * n) * static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate);
}

/// Softmax regression's chunk of 256 byte rows (784 → 10, cross-entropy), the two ways
/// SimdKernels can run it: widen_bytes then the forward and weight-gradient GEMMs, or
/// linear_one_pass on the bytes (the same bits; simd_one_pass.hpp). The chunk stays in
/// cache here: this is the compute, `sgdbench throughput` the stream from memory.
void bm_softmax_chunk(benchmark::State& state, bool one_pass) {
  using K = SimdKernels<BestArch>;
  constexpr std::size_t R = 256, n = 10, k = 784;
  std::vector<std::uint8_t> x8(R * k), y(R);
  Rng rng(4);
  for (auto& b : x8) b = static_cast<std::uint8_t>(rng.below(256));
  for (auto& l : y) l = static_cast<std::uint8_t>(rng.below(n));
  AlignedBuffer<float> w(n * k), g(n * k), z(R * n), delta(R * n), x(R * k);
  fill_uniform(w, 5);
  auto output_layer = [&](std::size_t first, std::size_t rows) {
    benchmark::DoNotOptimize(CrossEntropyCost::output_layer<Identity, K>(
        rows, n, z.data() + first * n, y.data() + first, delta.data() + first * n, nullptr));
  };
  const float alpha = -1e-6f;  // keeps w's scale over millions of steps
  for (auto _ : state) {
    z.fill_zero();
    if (one_pass) {
      K::linear_one_pass({.rows = R,
                          .n_out = n,
                          .n_in = k,
                          .x8 = x8.data(),
                          .scale = 1.0f / 255.0f,
                          .w = w.data(),
                          .z = z.data(),
                          .delta = delta.data(),
                          .output_layer = RowBlockFn(output_layer),
                          .alpha = alpha,
                          .g = g.data()});
    } else {
      K::widen_bytes(x8.data(), R * k, 1.0f / 255.0f, x.data());
      K::gemm(Trans::kNo, Trans::kYes, R, n, k, 1.0f, x.data(), k, w.data(), k, 1.0f, z.data(), n);
      output_layer(0, R);
      K::gemm(Trans::kYes, Trans::kNo, n, k, R, alpha, delta.data(), n, x.data(), k, 1.0f, g.data(),
              k);
    }
    benchmark::ClobberMemory();
  }
  const auto rows = static_cast<double>(R) * static_cast<double>(state.iterations());
  state.counters["samples/s"] = benchmark::Counter(rows, benchmark::Counter::kIsRate);
  state.counters["GFLOP/s"] =
      benchmark::Counter(4.0 * n * k * rows * 1e-9, benchmark::Counter::kIsRate);
}

/// Random rows for a step benchmark: at least 1000, and at least one batch.
Dataset random_rows(const std::vector<std::size_t>& widths, std::size_t rows) {
  Dataset data;
  data.rows = std::max<std::size_t>(rows, 1000);
  data.cols = widths.front();
  data.classes = widths.back();
  data.x.resize(data.rows * data.cols);
  fill_uniform(data.x, 3);
  for (std::size_t i = 0; i < data.rows; ++i)
    data.y.push_back(static_cast<std::uint8_t>(i % data.classes));
  return data;
}

/// One training step of a registered variant (its stepper) on B rows of random data;
/// the full batch is `full_rows` rows, as full-batch gradient descent sees them.
void bm_step(benchmark::State& state, const VariantInfo* v, const std::vector<std::size_t>& widths,
             BatchSize batch, std::size_t full_rows, float lr) {
  const Dataset data = random_rows(widths, batch.is_full() ? full_rows : batch.rows(0));
  TrainSpec spec;
  spec.batch = batch;
  spec.lr = lr;
  const auto step = v->stepper(ModelSpec{widths}, data, spec);
  for (auto _ : state) benchmark::DoNotOptimize(step());
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(batch.rows(data.rows)) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}

/// The step workloads: Nielsen's network on the scalar kernels (the reference), then the
/// peer comparison's workloads, read from bench/peers/workloads.json (one source for both:
/// its widths, batch sizes and rates). Variants come from the registry.
struct StepWorkload {
  std::string variant;
  std::vector<std::size_t> widths;
  std::vector<BatchSize> batches;
  float lr;
};

std::vector<StepWorkload> step_workloads() {
  auto b = [](std::size_t n) { return *BatchSize::of(n); };
  std::vector<StepWorkload> out = {
      {"nielsen/plain/scalar/seq", {784, 30, 10}, {b(1), b(10), b(100), b(1000)}, 3.0f}};
  std::ifstream in(SGDBENCH_PEER_WORKLOADS);
  if (!in) {
    std::fprintf(stderr, "micro: cannot read %s: no step benchmarks\n", SGDBENCH_PEER_WORKLOADS);
    return out;
  }
  try {  // a malformed file is named, not a bare nlohmann exception
    const auto peers = nlohmann::json::parse(in);
    for (const auto& run : peers.at("runs")) {
      const auto& model = peers.at("models").at(run.at("workload").get<std::string>());
      StepWorkload w{model.at("sgdbench"), model.at("widths"), {}, model.at("lr")};
      for (const auto& batch : run.at("batch")) {
        w.batches.push_back(batch.is_string() ? BatchSize::full() : b(batch.get<std::size_t>()));
      }
      out.push_back(std::move(w));
    }
  } catch (const nlohmann::json::exception& e) {
    std::fprintf(stderr, "micro: %s: %s\n", SGDBENCH_PEER_WORKLOADS, e.what());
    std::exit(1);
  }
  return out;
}

void register_steps() {
  constexpr std::size_t kFullRows = 60000;  // Fashion-MNIST's training set (random values)
  for (const StepWorkload& w : step_workloads()) {
    const VariantInfo* v = compiled_variants().find(w.variant);
    if (v == nullptr || !v->stepper) continue;  // not compiled in this build
    for (const BatchSize batch : w.batches) {
      const std::string size = batch.is_full() ? fmt::format("full{}", kFullRows)
                                               : fmt::format("B{}", batch.to_string());
      benchmark::RegisterBenchmark(fmt::format("BM_step/{}/{}", v->name, size).c_str(), bm_step, v,
                                   w.widths, batch, kFullRows, w.lr)
          ->UseRealTime();
    }
  }
}

template <class K>
void register_kernels(const std::string& kernels) {
  const std::vector<GemmShape> shapes = {
      // Nielsen 784-30-10, first layer: forward Z = X Wᵀ, weight gradient δᵀ X
      {"nielsen_fwd_B10", Trans::kNo, Trans::kYes, 10, 30, 784},
      {"nielsen_fwd_B32", Trans::kNo, Trans::kYes, 32, 30, 784},
      {"nielsen_fwd_B64", Trans::kNo, Trans::kYes, 64, 30, 784},
      {"nielsen_fwd_B100", Trans::kNo, Trans::kYes, 100, 30, 784},
      {"nielsen_fwd_B256", Trans::kNo, Trans::kYes, 256, 30, 784},
      {"nielsen_dW_B100", Trans::kYes, Trans::kNo, 30, 784, 100},
      {"256x784x1024", Trans::kNo, Trans::kNo, 256, 1024, 784},
      // Softmax 784-10 on a chunk of 256 rows: forward and weight gradient
      {"softmax_fwd_R256", Trans::kNo, Trans::kYes, 256, 10, 784},
      {"softmax_dW_R256", Trans::kYes, Trans::kNo, 10, 784, 256},
      // MLP 784-1024-1024-10 at B = 256 (one chunk): every product of a training step
      {"mlp_fwd1_256x1024x784", Trans::kNo, Trans::kYes, 256, 1024, 784},
      {"mlp_fwd2_256x1024x1024", Trans::kNo, Trans::kYes, 256, 1024, 1024},
      {"mlp_dW2_1024x1024x256", Trans::kYes, Trans::kNo, 1024, 1024, 256},
      {"mlp_dX2_256x1024x1024", Trans::kNo, Trans::kNo, 256, 1024, 1024},
      {"mlp_dW1_1024x784x256", Trans::kYes, Trans::kNo, 1024, 784, 256},
  };
  for (const auto& s : shapes) {
    benchmark::RegisterBenchmark(fmt::format("BM_gemm/{}/{}", kernels, s.label).c_str(), bm_gemm<K>,
                                 s);
  }
  benchmark::RegisterBenchmark(fmt::format("BM_gemv/{}/nielsen_fwd_30x784", kernels).c_str(),
                               bm_gemv<K>, Trans::kNo, 30, 784);
  benchmark::RegisterBenchmark(fmt::format("BM_gemv/{}/nielsen_back_30x784T", kernels).c_str(),
                               bm_gemv<K>, Trans::kYes, 30, 784);
}

/// The CPU's model name (/proc/cpuinfo), recorded with every figure.
std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) {
      return line.substr(line.find(':') + 2);
    }
  }
  return "unknown";
}

}  // namespace
}  // namespace sgdbench

int main(int argc, char** argv) {
  using namespace sgdbench;
  // Single thread everywhere: the kernels are compared core for core.
#ifdef SGDBENCH_WITH_BLAS
  BlasKernels::set_threads(1);
#endif
  tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
  register_kernels<ScalarKernels>("scalar");
  register_kernels<SimdKernels<BestArch>>("simd");
#ifdef SGDBENCH_WITH_BLAS  // the OpenBLAS rows are the yardstick, when built
  register_kernels<BlasKernels>("blas");
#endif
  register_steps();
  benchmark::RegisterBenchmark("BM_softmax_chunk/simd/widen_then_gemms_R256", bm_softmax_chunk,
                               false);
  benchmark::RegisterBenchmark("BM_softmax_chunk/simd/one_pass_R256", bm_softmax_chunk, true);
  register_port_probe();
  benchmark::AddCustomContext("cpu_model", cpu_model());
  benchmark::AddCustomContext("simd_arch", std::string(BestArch::name()));
  benchmark::AddCustomContext("threads", "1");
  try {  // measures the FMA ports, or reads SGDBENCH_FMA_PORTS (an error if malformed)
    benchmark::AddCustomContext("gemm_blocking", gemm_detail::describe_blocking<BestArch>());
  } catch (const Error& e) {
    std::fprintf(stderr, "sgdbench_micro: error: %s\n", e.what());
    return 1;
  }
  benchmark::AddCustomContext("software_prefetch", software_prefetch_pays() ? "on" : "off");
  benchmark::AddCustomContext("git_commit", build_git_commit());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
