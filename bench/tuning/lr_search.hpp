#pragma once
// The learning-rate tuning protocol (a config's /tuning, DeepOBS-style): for each
// (variant, batch size, threads) the sweep's lr grid runs with the sweep's seeds (the
// tuning seeds), a rate scores the median of its runs' `select_by` over those seeds, the
// best rate wins, and it is re-run with every reporting seed (the "final" phase). With
// /tuning/per_target each target is an objective of its own and gets its own rate
// (AlgoPerf's rule: the least median cost to *that* target). With /tuning/bracket the grid
// is extended at an edge while an objective's best lr sits there, a choice still on the
// edge is flagged, an objective no rate scores gets no choice, ties go to the lower median
// final validation loss, and a rate whose run ended above its starting loss cannot win.
// The sweep (sweep/sweep.cpp) runs the cells; this room scores them and chooses.
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"

namespace sgdbench {

/// The tuning score of a finished run record for objective `objective`: lower is better;
/// a miss or a divergence is +∞. `targets` are the problem's: select_by *_to_target uses
/// the first, or with /tuning/per_target the objective-th.
double tuning_score(const Json& run, const Tuning& tuning, const std::vector<Target>& targets,
                    std::size_t objective = 0);

/// Whether a run's final train loss is above (or not comparable to) the start_train_loss
/// its run line records (tuning runs under /tuning/bracket record it).
bool ended_unstable(const Json& run);

/// The median of a rate's scores over its seeds (+∞ counts: a rate that misses on most
/// seeds scores +∞); the mean of the two middle values for an even count.
double median_score(std::vector<double> scores);

/// Where the best lr lies among the rates tried, in lr order.
enum class Edge { kLow, kHigh, kInside };

/// The search over one lr grid: offered each rate's runs in order, keeps per objective the
/// best (the first of equal scores, or with bracketing the lower median final validation
/// loss; the first lr when every run missed).
class LrSearch {
 public:
  LrSearch(const Tuning& tuning, const std::vector<Target>& targets)
      : tuning_(tuning), targets_(targets) {}

  /// The runs of one rate, one per tuning seed.
  void offer(double lr, const std::vector<Json>& runs);
  void offer(double lr, const Json& run) { offer(lr, std::vector<Json>{run}); }
  /// One objective, or with /tuning/per_target one per target (in the targets' order).
  std::size_t objectives() const {
    return tuning_.per_target && !targets_.empty() ? targets_.size() : 1;
  }
  double best_lr(std::size_t objective = 0) const { return offers_[best_index(objective)].lr; }
  double best_score(std::size_t objective = 0) const;
  /// Some rate scored (reached the target, did not diverge).
  bool solved(std::size_t objective = 0) const;
  Edge best_edge(std::size_t objective = 0) const;
  /// The side the bracketing search extends next for `objective`, given the extensions
  /// made so far at each edge (at most `cap` each); kInside: none.
  Edge wants_extension(std::size_t objective, std::size_t low, std::size_t high,
                       std::size_t cap) const;
  /// The next rate beyond the lowest (highest) tried, one grid step away: the ratio of
  /// the two lowest (highest) rates, or 10^(1/3) when one rate was tried.
  double next_rate(Edge side) const;
  /// The rates tried, ascending.
  std::vector<double> tried() const;
  std::size_t runs() const { return runs_; }
  double seconds() const;  // training seconds of the runs, summed

 private:
  struct Offer {
    double lr;
    std::vector<double> scores;  // one per objective: the median over the seeds
    double validation_loss, seconds;
  };
  std::size_t best_index(std::size_t objective) const;

  const Tuning& tuning_;
  const std::vector<Target>& targets_;
  std::vector<Offer> offers_;
  std::size_t runs_ = 0;
};

}  // namespace sgdbench
