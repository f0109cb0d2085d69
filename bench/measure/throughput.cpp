#include "measure/throughput.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/resource.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <xsimd/xsimd.hpp>

#include "config/config.hpp"
#include "config/run_spec.hpp"
#include "datasets/dataset_catalog.hpp"
#include "datasets/datasets.hpp"
#include "exec/mpi_world.hpp"
#include "kernels/fma_ports.hpp"
#include "kernels/simd_fma.hpp"
#include "kernels/simd_kernels.hpp"
#include "util/aligned_buffer.hpp"
#include "util/error.hpp"
#include "variants/registry.hpp"

namespace sgdbench {
namespace {

double peak_rss_mib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

double mib(std::size_t floats) {
  return static_cast<double>(floats) * sizeof(float) / 1048576.0;
}

/// A warm-up run (caches, page faults, TBB's threads), then the measured one of about
/// o.seconds. The mpi policy on several ranks (under mpirun): every rank must take the same
/// steps, so rank 0's clock picks a step count that every rank then runs.
RunResult timed_run(const VariantInfo& v, const ModelSpec& model, const Split& data, TrainSpec spec,
                    const ThroughputOptions& o, int ranks) {
  auto run = [&] { return v.run(model, data.train, data.test, nullptr, spec, {}); };
  if (ranks > 1) {
    spec.max_updates = 3;  // warm-up
    run();
    spec.max_updates = 5;
    const double t5 = run().final_point.train_seconds;
    const auto steps = static_cast<std::uint64_t>(std::max(5.0, o.seconds / t5 * 5.0));
    spec.max_updates = std::stoull(mpi::broadcast_text(std::to_string(steps)));
  } else {
    spec.max_seconds = o.warmup_seconds;
    run();
    spec.max_seconds = o.seconds;
  }
  mpi::comm_stats() = {};
  return run();
}

}  // namespace

Json measure_throughput(const ThroughputOptions& o) {
  const VariantInfo* v = compiled_variants().find(o.variant);
  if (v == nullptr)
    throw Error(fmt::format("throughput: no compiled variant named '{}'", o.variant));
  if (o.chunk_rows == 0 || o.chunk_rows > kMaxChunkRows)
    throw Error(fmt::format("throughput: --chunk-rows must be in 1..{}", kMaxChunkRows));
  // The workload as a one-cell experiment: its data set (one of the built-in image sets
  // of the catalog), its widths and chunking; train_spec_of turns it into the run.
  ExperimentConfig c;
  c.file = "<sgdbench throughput>";
  c.dataset.name = o.dataset;
  auto image_set = [](const DatasetKind* k) {
    return k != nullptr &&
           (k->source == DataSource::kNpmDigits || k->source == DataSource::kFashionMnist);
  };
  const DatasetKind* kind = find_dataset(o.dataset);
  if (!image_set(kind)) {
    std::vector<std::string_view> names;
    for (std::string_view name : all_dataset_names()) {
      if (image_set(find_dataset(name))) names.push_back(name);
    }
    throw Error(fmt::format("throughput: --dataset must be a built-in image set ({}), not '{}'",
                            fmt::join(names, ", "), o.dataset));
  }
  if (kind->source == DataSource::kNpmDigits) {
    c.dataset.train = 8000;  // one pool of 10,000 digits: the quickstart's split
    c.dataset.test = 2000;
  }
  c.model.widths = o.widths;
  c.chunk_rows = o.chunk_rows;
  const Split data = load_dataset(c, o.data_dir);
  const ModelSpec model = model_widths(c, *v, data.train);
  if (!o.batch.fits(data.train.rows)) {
    throw Error(fmt::format("throughput: --batch {} exceeds the {} training rows",
                            o.batch.to_string(), data.train.rows));
  }

  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, o.threads);
  const Cell cell{v, o.batch, o.lr, 0, o.threads, "", nullptr};
  TrainSpec spec = train_spec_of(c, cell, data.train.rows);
  spec.epochs = std::numeric_limits<double>::infinity();  // the clock is the only budget
  spec.eval_every_grad_evals = std::numeric_limits<std::uint64_t>::max() / 2;
  spec.timing_only = true;
  const int ranks = v->collective ? (mpi::ensure_init(), mpi::size()) : 1;
  const RunResult r = timed_run(*v, model, data, spec, o, ranks);
  const MetricPoint& p = r.final_point;
  const std::size_t data_bytes = data.train.feature_bytes() + data.test.feature_bytes();
  Json out = {{"variant", v->name},
              {"dataset", o.dataset},
              {"batch_size", o.batch.rows(data.train.rows)},
              {"batching", o.batch.batching()},
              {"threads", o.threads},
              {"chunk_rows", o.chunk_rows},
              {"samples_per_s", r.samples_per_second},
              {"samples", p.grad_evals},
              {"steps", p.updates},
              {"seconds", p.train_seconds},
              {"peak_rss_mib", peak_rss_mib()},
              {"data_mib", static_cast<double>(data_bytes) / 1048576.0},
              {"storage", data.train.compact() ? "bytes" : "floats"}};
  if (v->collective) {
    // Rank 0's time inside the policy's communication: the sends and receives of the tree
    // and the broadcast, waits for slower ranks included.
    const mpi::CommStats& comm = mpi::comm_stats();
    out["ranks"] = ranks;
    out["comm_seconds"] = comm.seconds;
    out["comm_bytes_sent"] = comm.bytes_sent;
    out["comm_bytes_received"] = comm.bytes_received;
    out["reductions"] = comm.reductions;
  }
  return out;
}

Json measure_stream(std::size_t threads) {
  // 512 MiB: far beyond any last-level cache here; each repeat reads it once.
  const std::size_t n = std::size_t{1} << 27;
  AlignedBuffer<float> a(n);
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  const std::size_t parts = threads * 8;
  tbb::parallel_for(std::size_t{0}, parts, [&](std::size_t p) {  // every page written once
    std::fill(a.data() + p * n / parts, a.data() + (p + 1) * n / parts, 1.0f);
  });
  std::vector<double> rates;
  for (int rep = 0; rep < 7; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<float> sums(parts);
    tbb::parallel_for(std::size_t{0}, parts, [&](std::size_t p) {
      const std::size_t b = p * n / parts, e = (p + 1) * n / parts;
      sums[p] = SimdKernels<BestArch>::dot(e - b, a.data() + b, a.data() + b);
    });
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sums[0] <= 0.0f) throw Error("stream: wrong sum");  // keeps the reads alive
    rates.push_back(static_cast<double>(n * sizeof(float)) / s * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  return {{"read_gb_per_s", rates[rates.size() / 2]}, {"buffer_mib", mib(n)}, {"threads", threads}};
}

namespace {

/// The core's clock in GHz: the fastest of 25 rounds of a dependent integer-add chain,
/// one add per cycle on every x86-64 core (fma_ports.hpp); 0 where there is no such clock.
double measured_ghz() {
  double fastest = 1e30;
  constexpr std::uint64_t kReps = 200'000;
  for (int r = 0; r < 25; ++r)
    fastest = std::min(fastest, gemm_detail::seconds_for_add_chain(kReps));
  return fastest > 0.0 && fastest < 1e30 ? 8.0 * kReps / fastest * 1e-9 : 0.0;
}

}  // namespace

Json measure_peak_flops(std::size_t threads) {
  using V = xsimd::batch<float, BestArch>;
  // More independent chains than FMA latency × ports keeps every port busy every cycle
  // (2 ports × 4-5 cycles: 10), and no more than the registers hold: 24 of AVX-512's 32,
  // 12 of AVX2's 16. 24 chains on AVX2 spilled to the stack and read 47.5 GFLOP/s on an
  // AMD EPYC Zen 3 where OpenBLAS's sgemm reaches 70-75 (issue 37).
  constexpr int kChains = V::size >= 16 ? 24 : 12;
  constexpr long kIters = 20'000'000;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  std::vector<double> rates;
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<float> sink(threads);
    const auto t0 = std::chrono::steady_clock::now();
    tbb::parallel_for(
        std::size_t{0}, threads,
        [&](std::size_t t) {
          V acc[kChains];
          for (int i = 0; i < kChains; ++i) acc[i] = V(0.001f * static_cast<float>(i + t));
          const V a(0.9999f), b(1e-5f);
          for (long it = 0; it < kIters; ++it) {
#pragma GCC unroll 24
            for (int i = 0; i < kChains; ++i) acc[i] = fmadd<BestArch>(acc[i], a, b);
          }
          V s = acc[0];
          for (int i = 1; i < kChains; ++i) s += acc[i];
          sink[t] = xsimd::hadd(s);
        },
        tbb::static_partitioner{});
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (sink[0] <= 0.0f) throw Error("peak: wrong sum");
    rates.push_back(2.0 * V::size * kChains * static_cast<double>(kIters) *
                    static_cast<double>(threads) / s * 1e-9);
  }
  std::sort(rates.begin(), rates.end());
  const double gflops = rates[rates.size() / 2];
  // The nominal peak: ports × lanes × 2 flops × GHz per thread, from the probed ports and
  // the measured clock (so "of nominal" near 1 says the probe saturates the ports).
  const auto& ports = gemm_detail::fma_ports<BestArch>();
  const double ghz = measured_ghz();
  const double nominal =
      static_cast<double>(ports.ports) * V::size * 2.0 * ghz * static_cast<double>(threads);
  return {{"gflops", gflops},
          {"threads", threads},
          {"simd_arch", BestArch::name()},
          {"chains", kChains},
          {"fma_ports", ports.ports},
          {"fma_ports_source", ports.source},
          {"ghz", ghz},
          {"nominal_gflops", nominal},
          {"fraction_of_nominal", nominal > 0.0 ? gflops / nominal : 0.0}};
}

}  // namespace sgdbench
