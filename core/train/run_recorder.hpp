#pragma once
// What every training algorithm shares: the objective F(w) = mean C + λ/2 ‖w‖², the
// evaluation points (train loss, test loss and accuracy, ‖∇F‖) outside the timed region,
// the budget in gradient evaluations, and the divergence check.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "data/dataset.hpp"
#include "train/gradient_engine.hpp"
#include "train/metrics.hpp"

namespace sgdbench {

/// λ/2 ‖w‖², in double.
inline double l2_penalty(std::span<const float> w, float l2) {
  if (l2 == 0.0f) return 0.0;
  double s = 0.0;
  for (float v : w) s += static_cast<double>(v) * v;
  return 0.5 * l2 * s;
}

template <class Engine>
class RunRecorder {
 public:
  RunRecorder(Engine& engine, const Dataset& train, const Dataset& test, const TrainSpec& spec,
              const Observer& observe)
      : engine_(engine), train_(train), test_(test), spec_(spec), observe_(observe) {}

  using Clock = std::chrono::steady_clock;
  void start_clock() { t0_ = Clock::now(); }
  void stop_clock() {
    point_.train_seconds += std::chrono::duration<double>(Clock::now() - t0_).count();
  }

  void count(std::uint64_t grad_evals, std::uint64_t updates) {
    point_.grad_evals += grad_evals;
    point_.updates += updates;
    point_.epoch = static_cast<double>(point_.grad_evals) / static_cast<double>(train_.rows);
  }
  bool budget_left() const {
    return static_cast<double>(point_.grad_evals) <
           spec_.epochs * static_cast<double>(train_.rows) - 0.5;
  }
  std::uint64_t grad_evals() const { return point_.grad_evals; }

  /// Evaluates and reports a point; false when the run has diverged.
  bool evaluate(std::span<const float> w) {
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
    if (observe_) observe_(point_);
    healthy_ = std::isfinite(point_.train_loss) && point_.train_loss <= spec_.divergence_loss;
    return healthy_;
  }

  RunResult result() const {
    RunResult r;
    r.status = healthy_ ? RunStatus::kOk : RunStatus::kDiverged;
    r.final_point = point_;
    r.samples_per_second = point_.train_seconds > 0.0
                               ? static_cast<double>(point_.grad_evals) / point_.train_seconds
                               : 0.0;
    return r;
  }

 private:
  Engine& engine_;
  const Dataset& train_;
  const Dataset& test_;
  const TrainSpec& spec_;
  const Observer& observe_;
  MetricPoint point_;
  Clock::time_point t0_;
  bool healthy_ = true;
};

}  // namespace sgdbench
