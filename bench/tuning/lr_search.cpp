#include "tuning/lr_search.hpp"

namespace sgdbench {

double tuning_score(const Json& run, const Tuning& tuning, const std::vector<Target>& targets) {
  const double inf = std::numeric_limits<double>::infinity();
  if (run["status"] != "ok") return inf;
  const std::string& by = tuning.select_by;
  if (by == "train_loss" || by == "validation_loss") {
    return run[by].is_number() ? run[by].get<double>() : inf;
  }
  if (by == "test_accuracy" || by == "validation_accuracy")  // higher is better
    return run[by].is_number() ? -run[by].get<double>() : inf;
  const Json& t = run["targets"][targets.front().label()];
  if (t.contains("missed")) return inf;
  return t[by == "updates_to_target" ? "updates" : "seconds"].get<double>();
}

void LrSearch::offer(double lr, const Json& run) {
  if (!any_) best_lr_ = lr;
  any_ = true;
  const double score = tuning_score(run, tuning_, targets_);
  if (score < best_score_) {
    best_score_ = score;
    best_lr_ = lr;
  }
}

}  // namespace sgdbench
