#pragma once
// What a training run reports.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/rows.hpp"
#include "train/schedule.hpp"
#include "train/update/update_params.hpp"

namespace sgdbench {

/// The run's figures at one evaluation point. Losses are means over the set.
struct MetricPoint {
  double epoch = 0.0;            // passes over the training set (fractional in general)
  std::uint64_t grad_evals = 0;  // per-example gradients computed
  std::uint64_t updates = 0;     // parameter updates
  double train_seconds = 0.0;    // wall time of the training steps only, evaluation excluded
  double train_loss = 0.0;       // on the full training set
  double test_loss = 0.0;
  double test_accuracy = 0.0;  // in [0, 1]; NaN for regression
  double grad_norm = 0.0;      // ‖∇F‖ of the objective on the full training set
  double validation_loss = std::numeric_limits<double>::quiet_NaN();  // NaN: no validation set
  double validation_accuracy = std::numeric_limits<double>::quiet_NaN();
  std::vector<float> params;  // the parameters, when TrainSpec::record_params (small models)
  double b_simple = std::numeric_limits<double>::quiet_NaN();  // noise scale; NaN: not measured
};

enum class RunStatus { kOk, kDiverged };

inline std::string_view to_string(RunStatus s) {
  return s == RunStatus::kOk ? "ok" : "diverged";
}

struct RunResult {
  RunStatus status = RunStatus::kOk;
  MetricPoint final_point;
  double samples_per_second = 0.0;  // grad_evals / train_seconds
};

using Observer = std::function<void(const MetricPoint&)>;

/// What a run is asked to do; numbers only, the policies are in the type.
struct TrainSpec {
  std::size_t batch_size = 10;  // ignored by FullBatch
  float lr = 3.0f;
  Schedule schedule;
  UpdateParams update;
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
  // Gradient noise scale B_simple at each point (noise_b_big = 0: not measured).
  std::size_t noise_b_small = 0, noise_b_big = 0, noise_batches = 4;
  bool record_params = false;  // copy the parameters into every point (trajectory plots)
  // Throughput runs (sgdbench throughput): no evaluation at all, only counts and seconds.
  bool timing_only = false;
  // Stop once an evaluation point reaches this (steps-to-target experiments):
  // "test_accuracy" (at least stop_value) or "train_loss" (at most); empty: never.
  std::string stop_metric;
  double stop_value = 0.0;
  std::size_t chunk_rows = 256;   // rows per leaf of the gradient reduction tree
  double divergence_loss = 1e6;   // a mean train loss above this (or NaN/Inf) ends the run
  double svrg_inner_epochs = 1;   // SVRG: mini-batch passes between full-gradient snapshots
  std::size_t lbfgs_memory = 10;  // L-BFGS: correction pairs kept
};

}  // namespace sgdbench
