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

#include "train/train_spec.hpp"  // the run it reports on

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

}  // namespace sgdbench
