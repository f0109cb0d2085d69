#pragma once
// SVRG, stochastic variance-reduced gradient (Johnson & Zhang 2013). Every outer
// iteration takes a snapshot w̃ and its full gradient μ = ∇F(w̃), then runs m mini-batch
// steps (m = svrg_inner_epochs passes over the data)
//   w ← w − η ( (1/B) Σ_batch [∇C_x(w) − ∇C_x(w̃)] + μ + λ(w − w̃) )
// whose variance vanishes as w, w̃ → w*, so a constant η converges linearly on strongly
// convex problems. Cost: n gradient evaluations per snapshot, 2B per step.
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "data/dataset.hpp"
#include "train/batching.hpp"
#include "train/gradient_engine.hpp"
#include "train/run_recorder.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

template <class Model, class K, class Exec>
class SvrgTrainer;

/// Algorithm tag (concepts.hpp, OwnLoop): a variant whose update is Svrg runs SvrgTrainer,
/// on mini-batches only.
struct Svrg {
  static constexpr std::string_view name = "svrg";
  static constexpr std::string_view kBatchings[] = {"mini"};
  template <class Model, class K, class Exec>
  using Trainer = SvrgTrainer<Model, K, Exec>;
  static constexpr HyperParam kInnerEpochs{"svrg_inner_epochs",
                                           1.0,
                                           1e-3,
                                           1e3,
                                           false,
                                           "mini-batch passes between full-gradient snapshots"};
  static constexpr HyperParam kHyperParams[] = {kInnerEpochs};
};

template <class Model, class K, class Exec>
class SvrgTrainer {
 public:
  SvrgTrainer(const Model& model, const TrainSpec& spec)
      : spec_(spec),
        engine_(model, spec.chunk_rows),
        w_(model.num_params()),
        snapshot_(model.num_params()),
        mu_(model.num_params()),
        g_now_(model.num_params()) {
    Rng rng(spec.seed, Stream::kInit);
    model.init(w_.span(), rng, spec.init.value_or(Model::kDefaultInit));
  }

  std::span<const float> params() const { return w_.span(); }

  RunResult run(const Dataset& train, const Dataset& test, const Observer& observe,
                const Dataset* validation = nullptr) {
    MiniBatches batching(train, spec_.batch.rows(train.rows), spec_.seed);
    RunRecorder recorder(engine_, train, test, spec_, observe, validation);
    const std::size_t n_params = w_.size();
    const auto inner_steps = static_cast<std::size_t>(std::max(
        1.0,
        spec_.update.value(Svrg::kInnerEpochs) * static_cast<double>(batching.steps_per_epoch())));
    std::size_t step_in_epoch = batching.steps_per_epoch();  // forces a shuffle first
    std::uint64_t examples = 0;
    bool healthy = recorder.evaluate(w_.span());
    // The budget and the evaluation grid are checked after every inner step, so SVRG
    // stops within one step of the budget (not after a whole outer loop) and is evaluated
    // at the same marks as every other method.
    while (healthy && recorder.budget_left()) {
      recorder.start_clock();
      std::copy_n(w_.data(), n_params, snapshot_.data());
      engine_.gradient(snapshot_.span(), train.all_rows());
      const float inv_n = 1.0f / static_cast<float>(train.rows);
      for (std::size_t i = 0; i < n_params; ++i) mu_[i] = engine_.grad()[i] * inv_n;
      recorder.count(train.rows, 0);
      for (std::size_t s = 0; s < inner_steps && healthy && recorder.budget_left(); ++s) {
        if (step_in_epoch == batching.steps_per_epoch()) {
          batching.begin_epoch();
          step_in_epoch = 0;
        }
        const Rows batch = batching.batch(step_in_epoch++);
        engine_.gradient(w_.span(), batch);
        std::copy_n(engine_.grad().data(), n_params, g_now_.data());
        engine_.gradient(snapshot_.span(), batch);
        const auto g_snap = engine_.grad();
        const float scale = 1.0f / static_cast<float>(batch.count);
        const auto lr = static_cast<float>(
            spec_.schedule.lr(spec_.lr, batch.count, examples, train.rows, spec_.epochs));
        for (std::size_t i = 0; i < n_params; ++i) {
          const float g = scale * (g_now_[i] - g_snap[i]) + mu_[i] + spec_.l2 * w_[i];
          w_[i] -= lr * g;
        }
        examples += batch.count;
        recorder.count(2 * batch.count, 1);
        healthy = recorder.checkpoint(w_.span());
      }
      recorder.stop_clock();
    }
    return recorder.finish(w_.span());
  }

 private:
  TrainSpec spec_;
  GradientEngine<Model, K, Exec> engine_;
  AlignedBuffer<float> w_, snapshot_, mu_, g_now_;
};

}  // namespace sgdbench
