#pragma once
// L-BFGS (Nocedal 1980; Liu & Nocedal 1989) on the full-batch objective F — Bottou's
// second-order end ("2GD"). The direction d = −H g comes from the two-loop recursion over
// the last m pairs (s, y), H₀ = (sᵀy / yᵀy) I; the step length from a line search
// satisfying the strong Wolfe conditions
//   F(w + αd) ≤ F(w) + c₁ α gᵀd,   |∇F(w + αd)ᵀd| ≤ c₂ |gᵀd|,   c₁ = 1e-4, c₂ = 0.9
// (Nocedal & Wright 2006, algorithms 3.5 and 3.6, with quadratic interpolation in zoom).
// Each F evaluation is a full pass (n gradient evaluations). Vectors of the recursion are
// kept in double; the parameters stay float like every other trainer's.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <deque>
#include <span>
#include <string_view>
#include <vector>

#include "data/dataset.hpp"
#include "train/gradient_engine.hpp"
#include "train/run_recorder.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

template <class Model, class K, class Exec>
class LbfgsTrainer;

/// Algorithm tag (concepts.hpp, OwnLoop): a variant whose update is Lbfgs runs
/// LbfgsTrainer, on the full batch only.
struct Lbfgs {
  static constexpr std::string_view name = "lbfgs";
  static constexpr std::string_view kBatchings[] = {"full"};
  template <class Model, class K, class Exec>
  using Trainer = LbfgsTrainer<Model, K, Exec>;
  static constexpr HyperParam kMemory{"lbfgs_memory", 10, 1, 1000, true, "correction pairs kept"};
  static constexpr HyperParam kHyperParams[] = {kMemory};
};

template <class Model, class K, class Exec>
class LbfgsTrainer {
 public:
  LbfgsTrainer(const Model& model, const TrainSpec& spec)
      : spec_(spec),
        memory_(static_cast<std::size_t>(spec.update.value(Lbfgs::kMemory))),
        engine_(model, spec.chunk_rows),
        w_(model.num_params()),
        trial_(model.num_params()) {
    Rng rng(spec.seed, Stream::kInit);
    model.init(w_.span(), rng, spec.init.value_or(Model::kDefaultInit));
  }

  std::span<const float> params() const { return w_.span(); }

  RunResult run(const Dataset& train, const Dataset& test, const Observer& observe,
                const Dataset* validation = nullptr) {
    train_ = &train;
    RunRecorder recorder(engine_, train, test, spec_, observe, validation);
    const std::size_t n = w_.size();
    bool healthy = recorder.evaluate(w_.span());
    recorder.start_clock();
    std::vector<double> g(n), g_new(n), d(n);
    double f = objective(w_.span(), g);
    evals_ = 1;
    recorder.stop_clock();
    recorder.count(train.rows, 0);
    bool first = true;
    while (healthy && recorder.budget_left()) {
      recorder.start_clock();
      evals_ = 0;
      direction(g, d);
      double slope = dot(g, d);
      if (!(slope < 0.0)) {  // not a descent direction: restart from steepest descent
        pairs_.clear();
        for (std::size_t i = 0; i < n; ++i) d[i] = -g[i];
        slope = dot(g, d);
      }
      const double alpha0 = first ? std::min(1.0, 1.0 / std::sqrt(dot(g, g))) : 1.0;
      double f_new = f;
      const double alpha = line_search(f, slope, d, alpha0, f_new, g_new);
      if (alpha > 0.0) {
        Pair p{std::vector<double>(n), std::vector<double>(n), 0.0};
        for (std::size_t i = 0; i < n; ++i) {
          const float w_next = static_cast<float>(w_[i] + alpha * d[i]);
          p.s[i] = static_cast<double>(w_next) - w_[i];  // the step actually taken, in float
          p.y[i] = g_new[i] - g[i];
          w_[i] = w_next;
        }
        const double sy = dot(p.s, p.y);
        if (sy > 1e-12 * dot(p.y, p.y)) {  // keep H positive definite
          p.rho = 1.0 / sy;
          pairs_.push_back(std::move(p));
          if (pairs_.size() > memory_) pairs_.pop_front();
        }
        g.swap(g_new);
        f = f_new;
        first = false;
      }
      recorder.count(evals_ * train.rows, alpha > 0.0 ? 1 : 0);
      if (alpha <= 0.0) {  // no step satisfies Wolfe: converged to float precision
        recorder.stop_clock();
        break;
      }
      healthy = recorder.checkpoint(w_.span());
      recorder.stop_clock();
    }
    return recorder.finish(w_.span());
  }

 private:
  struct Pair {
    std::vector<double> s, y;
    double rho;
  };

  static double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
  }

  /// F(w) and ∇F(w) on the training set (full_objective).
  double objective(std::span<const float> w, std::vector<double>& grad) {
    return full_objective(engine_, *train_, w, spec_.l2, grad);
  }

  /// d = −H g by the two-loop recursion.
  void direction(const std::vector<double>& g, std::vector<double>& d) const {
    d = g;
    std::vector<double> a(pairs_.size());
    for (std::size_t k = pairs_.size(); k-- > 0;) {
      a[k] = pairs_[k].rho * dot(pairs_[k].s, d);
      for (std::size_t i = 0; i < d.size(); ++i) d[i] -= a[k] * pairs_[k].y[i];
    }
    if (!pairs_.empty()) {
      const Pair& last = pairs_.back();
      const double gamma = 1.0 / (last.rho * dot(last.y, last.y));
      for (double& v : d) v *= gamma;
    }
    for (std::size_t k = 0; k < pairs_.size(); ++k) {
      const double b = pairs_[k].rho * dot(pairs_[k].y, d);
      for (std::size_t i = 0; i < d.size(); ++i) d[i] += (a[k] - b) * pairs_[k].s[i];
    }
    for (double& v : d) v = -v;
  }

  /// φ(α) = F(w + αd) and φ'(α) = ∇F(w + αd)ᵀd; the gradient lands in `g_at`.
  double phi(double alpha, const std::vector<double>& d, std::vector<double>& g_at, double& dphi) {
    for (std::size_t i = 0; i < d.size(); ++i) trial_[i] = static_cast<float>(w_[i] + alpha * d[i]);
    ++evals_;
    const double f = objective(trial_.span(), g_at);
    dphi = dot(g_at, d);
    return f;
  }

  /// A step length meeting the strong Wolfe conditions, or 0 when none is found.
  double line_search(double f0, double slope0, const std::vector<double>& d, double alpha,
                     double& f_out, std::vector<double>& g_out) {
    constexpr double c1 = 1e-4, c2 = 0.9;
    constexpr int kMaxEvals = 20;
    double a_lo = 0.0, f_lo = f0, d_lo = slope0;
    for (int i = 0; i < kMaxEvals; ++i) {
      double dphi = 0.0;
      const double f = phi(alpha, d, g_out, dphi);
      if (f > f0 + c1 * alpha * slope0 || (i > 0 && f >= f_lo)) {
        return zoom(f0, slope0, d, a_lo, f_lo, d_lo, alpha, f, f_out, g_out);
      }
      if (std::abs(dphi) <= -c2 * slope0) {
        f_out = f;
        return alpha;
      }
      if (dphi >= 0.0) return zoom(f0, slope0, d, alpha, f, dphi, a_lo, f_lo, f_out, g_out);
      a_lo = alpha;
      f_lo = f;
      d_lo = dphi;
      alpha *= 2.0;
    }
    return 0.0;
  }

  double zoom(double f0, double slope0, const std::vector<double>& d, double a_lo, double f_lo,
              double d_lo, double a_hi, double f_hi, double& f_out, std::vector<double>& g_out) {
    constexpr double c1 = 1e-4, c2 = 0.9;
    for (int i = 0; i < 20; ++i) {
      // Minimiser of the quadratic through (a_lo, f_lo, d_lo) and (a_hi, f_hi), kept in the
      // middle 80% of the bracket (bisection otherwise).
      const double width = a_hi - a_lo;
      const double denom = 2.0 * (f_hi - f_lo - d_lo * width);
      double a = denom != 0.0 ? a_lo - d_lo * width * width / denom : a_lo + 0.5 * width;
      const double lo = std::min(a_lo, a_hi) + 0.1 * std::abs(width);
      const double hi = std::max(a_lo, a_hi) - 0.1 * std::abs(width);
      if (!(a >= lo && a <= hi)) a = a_lo + 0.5 * width;
      double dphi = 0.0;
      const double f = phi(a, d, g_out, dphi);
      if (f > f0 + c1 * a * slope0 || f >= f_lo) {
        a_hi = a;
        f_hi = f;
      } else {
        if (std::abs(dphi) <= -c2 * slope0) {
          f_out = f;
          return a;
        }
        if (dphi * (a_hi - a_lo) >= 0.0) {
          a_hi = a_lo;
          f_hi = f_lo;
        }
        a_lo = a;
        f_lo = f;
        d_lo = dphi;
      }
    }
    return 0.0;
  }

  TrainSpec spec_;
  std::size_t memory_;  // correction pairs kept
  GradientEngine<Model, K, Exec> engine_;
  AlignedBuffer<float> w_, trial_;
  std::deque<Pair> pairs_;
  const Dataset* train_ = nullptr;
  std::uint64_t evals_ = 0;
};

}  // namespace sgdbench
