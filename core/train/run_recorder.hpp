#pragma once
// What every training algorithm shares: the objective F(w) = mean C + λ/2 ‖w‖², the
// evaluation points (train loss, test loss and accuracy, ‖∇F‖) taken outside the timed
// region at the configured cadence, the budget (epochs, gradient evaluations, updates,
// seconds: whichever runs out first) and the divergence check.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "data/dataset.hpp"
#include "train/gradient_engine.hpp"
#include "train/metrics.hpp"
#include "util/aligned_buffer.hpp"
#include "util/rng.hpp"

namespace sgdbench {

/// λ/2 ‖w‖², in double.
inline double l2_penalty(std::span<const float> w, float l2) {
  if (l2 == 0.0f) return 0.0;
  double s = 0.0;
  for (float v : w) s += static_cast<double>(v) * v;
  return 0.5 * l2 * s;
}

/// F(w) = (1/n) Σ C + λ/2 ‖w‖² over all of `train`, and ∇F(w) = (1/n) Σ∇C + λw into
/// `grad` (double): the objective of the full-batch algorithms (L-BFGS, GD with Armijo).
template <class Engine>
double full_objective(Engine& engine, const Dataset& train, std::span<const float> w, float l2,
                      std::vector<double>& grad) {
  const double inv_n = 1.0 / static_cast<double>(train.rows);
  const double loss = engine.gradient(w, train.all_rows()) * inv_n + l2_penalty(w, l2);
  const auto g = engine.grad();
  for (std::size_t i = 0; i < grad.size(); ++i) grad[i] = g[i] * inv_n + l2 * w[i];
  return loss;
}

/// F(w) = (1/n) Σ C + λ/2 ‖w‖² from a forward pass alone (line searches' trial points).
template <class Engine>
double full_loss(Engine& engine, const Dataset& train, std::span<const float> w, float l2) {
  return engine.evaluate(w, train).loss / static_cast<double>(train.rows) + l2_penalty(w, l2);
}

template <class Engine>
class RunRecorder {
 public:
  RunRecorder(Engine& engine, const Dataset& train, const Dataset& test, const TrainSpec& spec,
              const Observer& observe, const Dataset* validation = nullptr)
      : engine_(engine),
        train_(train),
        test_(test),
        validation_(validation),
        spec_(spec),
        observe_(observe) {
    const auto n = static_cast<double>(train.rows);
    const double evals = std::ceil(spec.epochs * n - 0.5);  // epochs = ∞ : no limit
    max_evals_ = evals >= 1.8e19 ? std::numeric_limits<std::uint64_t>::max()
                                 : static_cast<std::uint64_t>(evals);
    if (spec.max_grad_evals > 0) max_evals_ = std::min(max_evals_, spec.max_grad_evals);
    cadence_ = spec.eval_every_grad_evals > 0 ? spec.eval_every_grad_evals : train.rows;
    next_eval_ = next_mark(0);
  }

  using Clock = std::chrono::steady_clock;
  void start_clock() { t0_ = Clock::now(); }
  void stop_clock() { point_.train_seconds += since_start(); }

  void count(std::uint64_t grad_evals, std::uint64_t updates) {
    point_.grad_evals += grad_evals;
    point_.updates += updates;
    point_.epoch = static_cast<double>(point_.grad_evals) / static_cast<double>(train_.rows);
  }
  /// While the clock runs: is any budget left?
  bool budget_left() const {
    if (reached_stop_) return false;
    if (point_.grad_evals >= max_evals_) return false;
    if (spec_.max_updates > 0 && point_.updates >= spec_.max_updates) return false;
    if (spec_.max_seconds > 0.0 && point_.train_seconds + since_start() >= spec_.max_seconds) {
      return false;
    }
    return true;
  }
  /// Has the run passed the next evaluation mark (or run out of budget)?
  bool eval_due() const { return point_.grad_evals >= next_eval_ || !budget_left(); }
  /// Stops the clock, evaluates if due, restarts the clock; false once diverged.
  bool checkpoint(std::span<const float> w) {
    if (!eval_due()) return true;
    stop_clock();
    const bool ok = evaluate(w);
    start_clock();
    return ok;
  }

  /// Evaluates and reports a point; false when the run has diverged.
  bool evaluate(std::span<const float> w) {
    while (next_eval_ <= point_.grad_evals) next_eval_ = next_mark(next_eval_);
    last_evaluated_ = point_.grad_evals;
    if (spec_.timing_only) return true;
    point_.train_loss = engine_.gradient(w, train_.all_rows()) / static_cast<double>(train_.rows) +
                        l2_penalty(w, spec_.l2);
    // ‖∇F‖ from the same pass: (1/n) Σ∇C + λw
    double norm2 = 0.0;
    const auto g = engine_.grad();
    const double inv_n = 1.0 / static_cast<double>(train_.rows);
    for (std::size_t i = 0; i < g.size(); ++i) {
      const double gi = g[i] * inv_n + static_cast<double>(spec_.l2) * w[i];
      norm2 += gi * gi;
    }
    point_.grad_norm = std::sqrt(norm2);
    const EvalSums te = engine_.evaluate(w, test_);
    point_.test_loss = te.loss / static_cast<double>(test_.rows) + l2_penalty(w, spec_.l2);
    point_.test_accuracy = test_.is_regression()
                               ? std::numeric_limits<double>::quiet_NaN()
                               : static_cast<double>(te.correct) / static_cast<double>(test_.rows);
    if (validation_ != nullptr) {
      const EvalSums va = engine_.evaluate(w, *validation_);
      const auto rows = static_cast<double>(validation_->rows);
      point_.validation_loss = va.loss / rows + l2_penalty(w, spec_.l2);
      point_.validation_accuracy = validation_->is_regression()
                                       ? std::numeric_limits<double>::quiet_NaN()
                                       : static_cast<double>(va.correct) / rows;
    }
    if (spec_.noise_b_big > 0) point_.b_simple = estimate_b_simple(w);
    if (spec_.record_params) point_.params.assign(w.begin(), w.end());
    if (observe_) observe_(point_);
    note_stops();
    healthy_ = std::isfinite(point_.train_loss) && point_.train_loss <= spec_.divergence_loss;
    return healthy_;
  }

  /// The final point (evaluated now unless the last step was) and the run's figures.
  RunResult finish(std::span<const float> w) {
    if (healthy_ && last_evaluated_ != point_.grad_evals) evaluate(w);
    RunResult r;
    r.status = healthy_ ? RunStatus::kOk : RunStatus::kDiverged;
    r.final_point = point_;
    r.samples_per_second = point_.train_seconds > 0.0
                               ? static_cast<double>(point_.grad_evals) / point_.train_seconds
                               : 0.0;
    return r;
  }

 private:
  /// Marks the stop targets this point meets; once all were met, the budget is spent.
  void note_stops() {
    stops_met_.resize(spec_.stop_at.size());
    for (std::size_t i = 0; i < spec_.stop_at.size(); ++i) {
      const auto& [metric, value] = spec_.stop_at[i];
      if (metric == "test_accuracy") stops_met_[i] = stops_met_[i] || point_.test_accuracy >= value;
      if (metric == "validation_accuracy")
        stops_met_[i] = stops_met_[i] || point_.validation_accuracy >= value;
      if (metric == "train_loss") stops_met_[i] = stops_met_[i] || point_.train_loss <= value;
      if (metric == "suboptimality")  // NaN F* (unknown): never met
        stops_met_[i] = stops_met_[i] || point_.train_loss - spec_.f_star <= value;
      if (metric == "validation_loss")
        stops_met_[i] = stops_met_[i] || point_.validation_loss <= value;
    }
    reached_stop_ = !stops_met_.empty() &&
                    std::all_of(stops_met_.begin(), stops_met_.end(), [](bool m) { return m; });
  }

  /// The evaluation mark after `after` gradient evaluations: the multiples of the cadence,
  /// and with eval_log_per_decade = k the marks ceil(10^(j/k)) below the first of them.
  std::uint64_t next_mark(std::uint64_t after) const {
    const std::size_t k = spec_.eval_log_per_decade;
    if (k > 0 && after + 1 < cadence_) {
      for (std::size_t j = 0;; ++j) {
        const auto mark = static_cast<std::uint64_t>(
            std::ceil(std::pow(10.0, static_cast<double>(j) / static_cast<double>(k)) - 1e-9));
        if (mark >= cadence_) break;
        if (mark > after) return mark;
      }
    }
    return (after / cadence_ + 1) * cadence_;
  }

  /// The simple noise scale B_simple = tr(Σ) / |G|² by the two-batch estimator of
  /// McCandlish et al. (2018): with E|G_B|² = |G|² + tr(Σ)/B,
  ///   |G|² ≈ (B_big |G_big|² − B_small |G_small|²) / (B_big − B_small),
  ///   tr(Σ) ≈ (|G_small|² − |G_big|²) / (1/B_small − 1/B_big),
  /// numerator and denominator each averaged over noise_batches pairs, then divided.
  /// Rows are drawn with replacement from their own random stream, so measuring does not
  /// change the training.
  double estimate_b_simple(std::span<const float> w) {
    const auto bs = static_cast<double>(spec_.noise_b_small),
               bb = static_cast<double>(spec_.noise_b_big);
    double g2 = 0.0, trace = 0.0;
    for (std::size_t k = 0; k < spec_.noise_batches; ++k) {
      const double small = mean_gradient_sq_norm(w, spec_.noise_b_small);
      const double big = mean_gradient_sq_norm(w, spec_.noise_b_big);
      g2 += (bb * big - bs * small) / (bb - bs);
      trace += (small - big) / (1.0 / bs - 1.0 / bb);
    }
    return trace / g2;
  }

  /// |(1/B) Σ_batch ∇C + λw|² for B rows drawn at random.
  double mean_gradient_sq_norm(std::span<const float> w, std::size_t b) {
    const std::size_t cols = train_.cols;
    if (noise_x_.size() < b * cols) noise_x_.resize(b * cols);
    noise_y_.resize(train_.y.empty() ? 0 : b);
    noise_t_.resize(train_.targets.empty() ? 0 : b);
    for (std::size_t r = 0; r < b; ++r) {
      const auto src = static_cast<std::size_t>(noise_rng_.below(train_.rows));
      train_.copy_row(src, noise_x_.data() + r * cols);
      if (!noise_y_.empty()) noise_y_[r] = train_.y[src];
      if (!noise_t_.empty()) noise_t_[r] = train_.targets[src];
    }
    engine_.gradient(w, {noise_x_.data(), noise_y_.empty() ? nullptr : noise_y_.data(), b,
                         noise_t_.empty() ? nullptr : noise_t_.data()});
    const auto g = engine_.grad();
    double s = 0.0;
    for (std::size_t i = 0; i < g.size(); ++i) {
      const double gi = g[i] / static_cast<double>(b) + static_cast<double>(spec_.l2) * w[i];
      s += gi * gi;
    }
    return s;
  }

  double since_start() const { return std::chrono::duration<double>(Clock::now() - t0_).count(); }

  Engine& engine_;
  const Dataset& train_;
  const Dataset& test_;
  const Dataset* validation_;
  const TrainSpec& spec_;
  const Observer& observe_;
  MetricPoint point_;
  Rng noise_rng_{spec_.seed, Stream::kNoiseScale};
  AlignedBuffer<float> noise_x_;
  std::vector<std::uint8_t> noise_y_;
  std::vector<float> noise_t_;
  Clock::time_point t0_;
  std::uint64_t max_evals_ = 0, cadence_ = 0, next_eval_ = 0, last_evaluated_ = 0;
  bool healthy_ = true;
  bool reached_stop_ = false;
  std::vector<bool> stops_met_;
};

}  // namespace sgdbench
