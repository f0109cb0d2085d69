#pragma once
// sgdbench verify results/<name>: re-runs the committed config and compares both ways.
// Every point and run record must be re-made exactly once and nothing else made; for
// deterministic variants every loss, accuracy, count, status, parameter and *-to-target
// figure must match bit for bit, as must the tuning choices, the problems (sizes, F*)
// and the tables re-rendered from runs.jsonl. Times are reported as ratios. A mismatch
// names the record and the figure.
#include <string>

#include "sweep/experiment.hpp"

namespace sgdbench {

struct VerifyResult {
  std::size_t runs_compared = 0, figures_compared = 0;
  std::size_t mismatches = 0;          // where the bits must hold here: these fail verify
  std::size_t mismatches_allowed = 0;  // of variants whose bits may differ on this build
  double median_time_ratio = 0.0;      // new training seconds / committed, per run
  std::string report;                  // what to print
};

VerifyResult verify_results(const std::string& dir, const RunOptions& options);

}  // namespace sgdbench
