#pragma once
// The headline of a comparison tuned per target (/tuning/per_target, AlgoPerf's rule):
// for each problem and target, every method at the rate tuned for *that* target, with its
// median gradient evaluations and seconds to the target over the reporting seeds
// (censored medians, bootstrap intervals, reached/runs), and who gets there first and by
// how much. A lead inside the intervals is a tie.
#include <map>
#include <string>
#include <vector>

#include "config/json_reader.hpp"

namespace sgdbench {

/// A tuned cell's identity in the tuning record and in the runs (B 0: the full batch).
std::string tuning_key(const std::string& dataset, const std::string& widths,
                       const std::string& method, std::size_t batch, std::size_t threads);

/// Whether several runs are one run repeated (a deterministic method: the seed changes
/// nothing), by their final figures and crossings: tables say "1 distinct".
bool one_distinct_run(const std::vector<const Json*>& runs);

/// One target's rate for one tuned cell.
struct TargetChoice {
  double lr = 0.0;
  bool solved = false, bracketed = false;
};

/// The rates /tuning/per_target chose, by tuned cell (tuning_key) and target label.
class PerTargetChoices {
 public:
  explicit PerTargetChoices(const std::vector<Json>& records);
  bool empty() const { return by_cell_.empty(); }
  /// The choice for `target` of the tuned cell `key`; nullptr: not tuned per target.
  const TargetChoice* find(const std::string& key, const std::string& target) const;

 private:
  std::map<std::string, std::map<std::string, TargetChoice>> by_cell_;
};

/// Appends the per-target tables (empty without /tuning/per_target) to `md` and `tex`.
void add_per_target_tables(const std::vector<Json>& records, std::string& md, std::string& tex);

}  // namespace sgdbench
