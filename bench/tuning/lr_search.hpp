#pragma once
// The learning-rate tuning protocol (a config's /tuning, DeepOBS-style): for each
// (variant, batch size, threads) the sweep's lr grid runs with the sweep's single seed,
// the best run by `select_by` wins, and the chosen lr is re-run with every tuning seed
// (the "final" phase). The sweep (sweep/experiment.cpp) runs the cells; this room scores
// them and chooses.
#include <limits>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"

namespace sgdbench {

/// The tuning score of a finished run record: lower is better; a miss or a divergence is
/// +∞. `targets` are the problem's (select_by *_to_target uses the first).
double tuning_score(const Json& run, const Tuning& tuning, const std::vector<Target>& targets);

/// The search over one lr grid: offered each grid run in order, keeps the best (the first
/// of equal scores; the grid's first lr when every run missed).
class LrSearch {
 public:
  LrSearch(const Tuning& tuning, const std::vector<Target>& targets)
      : tuning_(tuning), targets_(targets) {}

  void offer(double lr, const Json& run);
  double best_lr() const { return best_lr_; }
  double best_score() const { return best_score_; }

 private:
  const Tuning& tuning_;
  const std::vector<Target>& targets_;
  bool any_ = false;
  double best_lr_ = 0.0, best_score_ = std::numeric_limits<double>::infinity();
};

}  // namespace sgdbench
