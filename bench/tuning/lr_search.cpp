#include "tuning/lr_search.hpp"

#include <algorithm>
#include <cmath>

namespace sgdbench {
namespace {

double number_or(const Json& v, const char* field, double fallback) {
  return v.contains(field) && v[field].is_number() ? v[field].get<double>() : fallback;
}

}  // namespace

double tuning_score(const Json& run, const Tuning& tuning, const std::vector<Target>& targets) {
  const double inf = std::numeric_limits<double>::infinity();
  if (run["status"] != "ok") return inf;
  const std::string& by = tuning.select_by;
  if (by == "train_loss" || by == "validation_loss") {
    return run[by].is_number() ? run[by].get<double>() : inf;
  }
  if (by == "test_accuracy" || by == "validation_accuracy")  // higher is better
    return run[by].is_number() ? -run[by].get<double>() : inf;
  const Json& first_point = run["targets"][targets.front().label()];
  if (first_point.contains("missed")) return inf;
  // The interpolated crossing when the shared evaluation grid gives one.
  const Json& t = first_point.contains("interpolated") ? first_point["interpolated"] : first_point;
  return t[by == "updates_to_target" ? "updates" : "seconds"].get<double>();
}

bool ended_unstable(const Json& run) {
  const double start = number_or(run, "start_train_loss", std::numeric_limits<double>::quiet_NaN());
  const double end = number_or(run, "train_loss", std::numeric_limits<double>::quiet_NaN());
  return std::isfinite(start) && !(end <= start);
}

void LrSearch::offer(double lr, const Json& run) {
  const double inf = std::numeric_limits<double>::infinity();
  // With bracketing, a run that ended above its starting loss scores as a miss: a
  // transient crossing of the target on the way up is not a solution.
  const bool unstable = tuning_.bracket && ended_unstable(run);
  offers_.push_back({lr, unstable ? inf : tuning_score(run, tuning_, targets_),
                     number_or(run, "validation_loss", inf), number_or(run, "train_seconds", 0)});
}

std::size_t LrSearch::best_index() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < offers_.size(); ++i) {
    const Offer& o = offers_[i];
    const Offer& b = offers_[best];
    const bool tie_won = tuning_.bracket && o.score == b.score && std::isfinite(o.score) &&
                         o.validation_loss < b.validation_loss;
    if (o.score < b.score || tie_won) best = i;
  }
  return best;
}

double LrSearch::best_score() const {
  return offers_[best_index()].score;
}

bool LrSearch::solved() const {
  return std::isfinite(best_score());
}

std::vector<double> LrSearch::tried() const {
  std::vector<double> lrs;
  for (const Offer& o : offers_) lrs.push_back(o.lr);
  std::sort(lrs.begin(), lrs.end());
  return lrs;
}

Edge LrSearch::best_edge() const {
  const std::vector<double> lrs = tried();
  const double best = best_lr();
  if (best == lrs.front()) return Edge::kLow;
  if (best == lrs.back()) return Edge::kHigh;
  return Edge::kInside;
}

double LrSearch::next_rate(Edge side) const {
  const std::vector<double> lrs = tried();
  const std::size_t n = lrs.size();
  if (side == Edge::kLow) {
    return lrs.front() / (n > 1 ? lrs[1] / lrs[0] : std::cbrt(10.0));
  }
  return lrs.back() * (n > 1 ? lrs[n - 1] / lrs[n - 2] : std::cbrt(10.0));
}

double LrSearch::seconds() const {
  double s = 0.0;
  for (const Offer& o : offers_) s += o.seconds;
  return s;
}

}  // namespace sgdbench
