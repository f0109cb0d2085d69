#include "tuning/lr_search.hpp"

#include <algorithm>
#include <cmath>

namespace sgdbench {
namespace {

double number_or(const Json& v, const char* field, double fallback) {
  return v.contains(field) && v[field].is_number() ? v[field].get<double>() : fallback;
}

/// The field of a crossing that select_by *_to_target minimises.
const char* crossing_field(const std::string& by) {
  if (by == "updates_to_target") return "updates";
  if (by == "grad_evals_to_target") return "grad_evals";
  return "seconds";
}

}  // namespace

double tuning_score(const Json& run, const Tuning& tuning, const std::vector<Target>& targets,
                    std::size_t objective) {
  const double inf = std::numeric_limits<double>::infinity();
  if (run["status"] != "ok") return inf;
  const std::string& by = tuning.select_by;
  if (by == "train_loss" || by == "validation_loss") {
    return run[by].is_number() ? run[by].get<double>() : inf;
  }
  if (by == "test_accuracy" || by == "validation_accuracy")  // higher is better
    return run[by].is_number() ? -run[by].get<double>() : inf;
  const Target& target = targets[tuning.per_target ? objective : 0];
  const Json& first_point = run["targets"][target.label()];
  if (first_point.contains("missed")) return inf;
  // The interpolated crossing when the shared evaluation grid gives one.
  const Json& t = first_point.contains("interpolated") ? first_point["interpolated"] : first_point;
  return t[crossing_field(by)].get<double>();
}

bool ended_unstable(const Json& run) {
  const double start = number_or(run, "start_train_loss", std::numeric_limits<double>::quiet_NaN());
  const double end = number_or(run, "train_loss", std::numeric_limits<double>::quiet_NaN());
  return std::isfinite(start) && !(end <= start);
}

double median_score(std::vector<double> scores) {
  if (scores.empty()) return std::numeric_limits<double>::infinity();
  std::sort(scores.begin(), scores.end());
  const std::size_t n = scores.size();
  return n % 2 == 1 ? scores[n / 2] : 0.5 * (scores[n / 2 - 1] + scores[n / 2]);
}

void LrSearch::offer(double lr, const std::vector<Json>& runs) {
  const double inf = std::numeric_limits<double>::infinity();
  Offer o{lr, {}, 0.0, 0.0};
  std::vector<double> validation_losses;
  for (const Json& run : runs) {
    validation_losses.push_back(number_or(run, "validation_loss", inf));
    o.seconds += number_or(run, "train_seconds", 0);
  }
  o.validation_loss = median_score(validation_losses);
  for (std::size_t j = 0; j < objectives(); ++j) {
    std::vector<double> scores;
    for (const Json& run : runs) {
      // With bracketing, a run that ended above its starting loss scores as a miss: a
      // transient crossing of the target on the way up is not a solution.
      const bool unstable = tuning_.bracket && ended_unstable(run);
      scores.push_back(unstable ? inf : tuning_score(run, tuning_, targets_, j));
    }
    o.scores.push_back(median_score(scores));
  }
  runs_ += runs.size();
  offers_.push_back(std::move(o));
}

std::size_t LrSearch::best_index(std::size_t objective) const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < offers_.size(); ++i) {
    const Offer& o = offers_[i];
    const Offer& b = offers_[best];
    const double score = o.scores[objective], best_score = b.scores[objective];
    const bool tie_won = tuning_.bracket && score == best_score && std::isfinite(score) &&
                         o.validation_loss < b.validation_loss;
    if (score < best_score || tie_won) best = i;
  }
  return best;
}

double LrSearch::best_score(std::size_t objective) const {
  return offers_[best_index(objective)].scores[objective];
}

bool LrSearch::solved(std::size_t objective) const {
  return std::isfinite(best_score(objective));
}

std::vector<double> LrSearch::tried() const {
  std::vector<double> lrs;
  lrs.reserve(offers_.size());
  for (const Offer& o : offers_) lrs.push_back(o.lr);
  std::sort(lrs.begin(), lrs.end());
  return lrs;
}

Edge LrSearch::best_edge(std::size_t objective) const {
  const std::vector<double> lrs = tried();
  const double best = best_lr(objective);
  if (best == lrs.front()) return Edge::kLow;
  if (best == lrs.back()) return Edge::kHigh;
  return Edge::kInside;
}

Edge LrSearch::wants_extension(std::size_t objective, std::size_t low, std::size_t high,
                               std::size_t cap) const {
  // While no rate scores: beyond the highest first, then beyond the lowest.
  const Edge side = solved(objective) ? best_edge(objective)
                    : high < cap      ? Edge::kHigh
                                      : Edge::kLow;
  if (side == Edge::kInside || (side == Edge::kLow ? low : high) >= cap) return Edge::kInside;
  return side;
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
