#pragma once
// sgdbench verify results/<name>: re-runs the committed config and compares. For
// deterministic variants (and budgets not in seconds) every loss, accuracy, count and
// *-to-target figure must match exactly; times are reported as ratios to the committed
// ones. A mismatch names the run and the figure.
#include <string>

#include "experiment.hpp"

namespace sgdbench {

struct VerifyResult {
  std::size_t runs_compared = 0, figures_compared = 0, mismatches = 0;
  double median_time_ratio = 0.0;  // new training seconds / committed, per run
  std::string report;              // what to print
};

VerifyResult verify_results(const std::string& dir, const RunOptions& options);

}  // namespace sgdbench
