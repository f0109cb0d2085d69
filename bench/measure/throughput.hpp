#pragma once
// `sgdbench throughput`: training samples/s of one compiled variant on one workload, with
// no evaluation, for the peer comparison (bench/peers/) — and the machine's streaming read
// bandwidth, the roofline of full-batch passes.
#include <cstddef>
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "train/batch_size.hpp"

namespace sgdbench {

struct ThroughputOptions {
  std::string variant;  // a name from `sgdbench list`
  std::string dataset = "fashion-mnist";
  std::vector<std::size_t> widths;  // MLP variants; softmax takes the data's
  BatchSize batch = BatchSize::full();
  std::size_t threads = 1;
  double seconds = 2.0;  // measured training time (after a warm-up)
  double warmup_seconds = 0.3;
  double lr = 0.1;
  std::size_t chunk_rows = 256;
  std::string data_dir;
};

/// {"samples_per_s", "steps", "seconds", "peak_rss_mib", "data_mib", ...}
Json measure_throughput(const ThroughputOptions& o);

/// Streaming read bandwidth in GB/s (median of repeats) over a buffer far larger than the
/// caches, on `threads` threads: {"read_gb_per_s", "buffer_mib", "threads"}.
Json measure_stream(std::size_t threads);

/// FP32 multiply-add throughput in GFLOP/s: independent FMA chains in registers on
/// `threads` threads, the compute roof: {"gflops", "threads", "simd_arch"}.
Json measure_peak_flops(std::size_t threads);

}  // namespace sgdbench
