#pragma once
// What a training run is asked to do: numbers only (the policies are in the type).
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "model/rows.hpp"
#include "train/batch_size.hpp"
#include "train/schedule.hpp"
#include "train/update/update_params.hpp"

namespace sgdbench {

/// What a run is asked to do; numbers only, the policies are in the type.
struct TrainSpec {
  BatchSize batch = *BatchSize::of(10);  // full: FullBatch runs it, else MiniBatches
  float lr = 3.0f;
  Schedule schedule;
  HyperParams update;        // /update: read by the rule that declares each one
  float l2 = 0.0f;           // weight decay λ: the objective gains λ/2 ‖w‖²
  std::optional<Init> init;  // absent: the model's default
  std::uint64_t seed = 0;
  // Budget: the run stops when any limit is reached (0: no limit on that measure).
  double epochs = 5;  // passes of gradient evaluations (n each)
  std::uint64_t max_grad_evals = 0;
  std::uint64_t max_updates = 0;
  double max_seconds = 0.0;  // training seconds, evaluation excluded
  // Evaluation cadence: a point every this many gradient evaluations (0: every epoch).
  std::uint64_t eval_every_grad_evals = 0;
  // > 0: also points at ceil(10^(j/k)) gradient evaluations below the first of those
  // (k = this): one grid for every method, log-spaced early and linear later.
  std::size_t eval_log_per_decade = 0;
  // Gradient noise scale B_simple at each point (noise_b_big = 0: not measured).
  std::size_t noise_b_small = 0, noise_b_big = 0, noise_batches = 50;
  bool record_params = false;  // copy the parameters into every point (trajectory plots)
  // Throughput runs (sgdbench throughput): no evaluation at all, only counts and seconds.
  bool timing_only = false;
  // Stop once every one of these has been met at some evaluation point (steps-to-target
  // experiments): "test_accuracy" or "validation_accuracy" (at least value), "train_loss",
  // "validation_loss" or "suboptimality" (at most; the last needs f_star); empty: never.
  struct StopAt {
    std::string metric;
    double value = 0.0;
  };
  std::vector<StopAt> stop_at;
  double f_star = std::numeric_limits<double>::quiet_NaN();  // F*, for suboptimality stops
  std::size_t chunk_rows = 256;  // rows per leaf of the gradient reduction tree
  double divergence_loss = 1e6;  // a mean train loss above this (or NaN/Inf) ends the run
};

}  // namespace sgdbench
