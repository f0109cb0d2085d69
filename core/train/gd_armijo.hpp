#pragma once
// Full-batch gradient descent with Armijo backtracking (Armijo 1966; Nocedal & Wright 2006,
// algorithm 3.1): gradient descent with no learning rate to tune, the fair shot a
// practitioner gives GD. Each iteration, with g = ∇F(w) and t warm-started at the last
// accepted step:
//   halve t until F(w − t g) ≤ F(w) − c t ‖g‖²,   then w ← w − t g,
//   and double t for the next iteration only when the first trial was accepted.
// The config's lr is the first trial step. A trial is a forward pass only (the loss, no
// gradient); the budget charges it half a gradient evaluation per row, its share of the
// work for a linear model (one of two matrix products) and more than its share for an
// MLP (one of three), so the line search is never undercharged. The accepted point's
// gradient is one full gradient pass.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "data/dataset.hpp"
#include "train/gradient_engine.hpp"
#include "train/run_recorder.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

template <class Model, class K, class Exec>
class GdArmijoTrainer;

/// Algorithm tag (concepts.hpp, OwnLoop): full batch only.
struct GdArmijo {
  static constexpr std::string_view name = "gdarmijo";
  static constexpr std::string_view kBatchings[] = {"full"};
  template <class Model, class K, class Exec>
  using Trainer = GdArmijoTrainer<Model, K, Exec>;
  static constexpr HyperParam kSufficientDecrease{
      "armijo_c", 1e-4, 1e-8, 0.5, false, "c, the sufficient decrease Armijo asks"};
  static constexpr HyperParam kHyperParams[] = {kSufficientDecrease};
};

template <class Model, class K, class Exec>
class GdArmijoTrainer {
 public:
  GdArmijoTrainer(const Model& model, const TrainSpec& spec)
      : spec_(spec),
        c_(spec.update.value(GdArmijo::kSufficientDecrease)),
        engine_(model, spec.chunk_rows),
        w_(model.num_params()),
        trial_(model.num_params()),
        g_(model.num_params()) {
    Rng rng(spec.seed, Stream::kInit);
    model.init(w_.span(), rng, spec.init.value_or(Model::kDefaultInit));
  }

  RunResult run(const Dataset& train, const Dataset& test, const Observer& observe,
                const Dataset* validation = nullptr) {
    RunRecorder recorder(engine_, train, test, spec_, observe, validation);
    bool healthy = recorder.evaluate(w_.span());
    recorder.start_clock();
    double f = full_objective(engine_, train, w_.span(), spec_.l2, g_);
    recorder.count(train.rows, 0);
    double t = spec_.lr;
    while (healthy && recorder.budget_left()) {
      double g2 = 0.0;
      for (const double gi : g_) g2 += gi * gi;
      std::uint64_t trials = 0;
      double f_trial = f;
      bool accepted = false;
      while (!accepted && t > 1e-30) {
        for (std::size_t i = 0; i < g_.size(); ++i) {
          trial_[i] = static_cast<float>(w_[i] - t * g_[i]);
        }
        f_trial = full_loss(engine_, train, trial_.span(), spec_.l2);
        ++trials;
        accepted = f_trial <= f - c_ * t * g2;
        if (!accepted) t *= 0.5;
      }
      recorder.count((trials * train.rows + 1) / 2, 0);  // forward passes: half each
      if (!accepted) break;  // no step decreases F: converged to float precision
      std::swap(w_, trial_);
      full_objective(engine_, train, w_.span(), spec_.l2, g_);
      recorder.count(train.rows, 1);
      f = f_trial;  // the forward pass's F: every comparison uses the same computation
      if (trials == 1) t *= 2.0;
      healthy = recorder.checkpoint(w_.span());
    }
    recorder.stop_clock();
    return recorder.finish(w_.span());
  }

 private:
  TrainSpec spec_;
  double c_;
  GradientEngine<Model, K, Exec> engine_;
  AlignedBuffer<float> w_, trial_;
  std::vector<double> g_;
};

}  // namespace sgdbench
