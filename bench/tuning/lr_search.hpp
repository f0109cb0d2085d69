#pragma once
// The learning-rate tuning protocol (a config's /tuning, DeepOBS-style): for each
// (variant, batch size, threads) the sweep's lr grid runs with the sweep's single seed,
// the best run by `select_by` wins, and the chosen lr is re-run with every tuning seed
// (the "final" phase). With /tuning/bracket the grid is extended at an edge while the
// best lr sits there, a choice still on the edge is flagged, a cell no rate scores gets no
// choice, ties go to the lower final validation loss, and a rate whose run ended above its
// starting loss cannot win. The sweep
// (sweep/experiment.cpp) runs the cells; this room scores them and chooses.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"

namespace sgdbench {

/// The tuning score of a finished run record: lower is better; a miss or a divergence is
/// +∞. `targets` are the problem's (select_by *_to_target uses the first).
double tuning_score(const Json& run, const Tuning& tuning, const std::vector<Target>& targets);

/// Whether a run's final train loss is above (or not comparable to) the start_train_loss
/// its run line records (tuning runs under /tuning/bracket record it).
bool ended_unstable(const Json& run);

/// Where the best lr lies among the rates tried, in lr order.
enum class Edge { kLow, kHigh, kInside };

/// The search over one lr grid: offered each run in order, keeps the best (the first of
/// equal scores, or with bracketing the lower final validation loss; the first lr when
/// every run missed).
class LrSearch {
 public:
  LrSearch(const Tuning& tuning, const std::vector<Target>& targets)
      : tuning_(tuning), targets_(targets) {}

  void offer(double lr, const Json& run);
  double best_lr() const { return offers_[best_index()].lr; }
  double best_score() const;
  /// Some rate scored (reached the target, did not diverge).
  bool solved() const;
  Edge best_edge() const;
  /// The next rate beyond the lowest (highest) tried, one grid step away: the ratio of
  /// the two lowest (highest) rates, or 10^(1/3) when one rate was tried.
  double next_rate(Edge side) const;
  /// The rates tried, ascending.
  std::vector<double> tried() const;
  std::size_t runs() const { return offers_.size(); }
  double seconds() const;  // training seconds of the runs, summed

 private:
  struct Offer {
    double lr, score, validation_loss, seconds;
  };
  std::size_t best_index() const;

  const Tuning& tuning_;
  const std::vector<Target>& targets_;
  std::vector<Offer> offers_;
};

}  // namespace sgdbench
