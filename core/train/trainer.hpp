#pragma once
// Trainer<Model, Update, Batching, Kernels, Exec>: the SGD family (any B, full batch
// included) with an update rule, the five policies fixed at compile time and the numbers
// (batch size, η and its schedule, λ, seed, budget) at run time.
#include <cstddef>
#include <span>

#include "data/dataset.hpp"
#include "train/gradient_engine.hpp"
#include "train/metrics.hpp"
#include "train/run_recorder.hpp"
#include "util/aligned_buffer.hpp"
#include "util/rng.hpp"

namespace sgdbench {

template <class Model, class Update, class Batching, class K, class Exec>
class Trainer {
 public:
  Trainer(const Model& model, const TrainSpec& spec)
      : spec_(spec),
        engine_(model, spec.chunk_rows),
        update_(spec.update),
        params_(model.num_params()),
        state_(model.num_params()) {
    Rng rng(spec.seed, Stream::kInit);
    model.init(params_.span(), rng, spec.init.value_or(Model::kDefaultInit));
  }

  std::span<const float> params() const { return params_.span(); }
  std::span<float> params() { return params_.span(); }

  /// One update at rate `lr` from the rows of `batch`; returns their summed loss.
  double step(Rows batch, float lr) {
    const double loss = engine_.gradient(params_.span(), batch);
    const StepInput in{lr, 1.0f / static_cast<float>(batch.count), spec_.l2};
    update_.template apply<K>(state_, in, engine_.grad(), params_.span());
    return loss;
  }
  double step(Rows batch) { return step(batch, spec_.lr); }

  /// Trains until spec.epochs passes of gradient evaluations, evaluating after each pass
  /// (and before the first); `observe` sees every point.
  RunResult run(const Dataset& train, const Dataset& test, const Observer& observe) {
    Batching batching(train, spec_.batch_size, spec_.seed);
    RunRecorder recorder(engine_, train, test, spec_, observe);
    bool healthy = recorder.evaluate(params_.span());
    std::uint64_t examples = 0;
    while (healthy && recorder.budget_left()) {
      recorder.start_clock();
      batching.begin_epoch();
      const std::size_t steps = batching.steps_per_epoch();
      for (std::size_t s = 0; s < steps; ++s) {
        const Rows batch = batching.batch(s);
        const auto lr = static_cast<float>(
            spec_.schedule.lr(spec_.lr, batch.count, examples, train.rows, spec_.epochs));
        step(batch, lr);
        examples += batch.count;
      }
      recorder.stop_clock();
      recorder.count(train.rows, steps);
      healthy = recorder.evaluate(params_.span());
    }
    return recorder.result();
  }

 private:
  TrainSpec spec_;
  GradientEngine<Model, K, Exec> engine_;
  Update update_;
  AlignedBuffer<float> params_;
  typename Update::State state_;
};

}  // namespace sgdbench
