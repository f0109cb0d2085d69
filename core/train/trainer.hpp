#pragma once
// Trainer<Model, Update, Batches, Kernels, Exec>: the SGD family (any B, full batch
// included) with an update rule, the four policies and the batching fixed at compile time
// and the numbers (batch size, η and its schedule, λ, seed, budget) at run time.
#include <cstddef>
#include <span>

#include "concepts.hpp"
#include "data/dataset.hpp"
#include "train/gradient_engine.hpp"
#include "train/metrics.hpp"
#include "train/run_recorder.hpp"
#include "util/aligned_buffer.hpp"
#include "util/rng.hpp"

namespace sgdbench {

template <class Model, class Update, Batching Batches, class K, class Exec>
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
    if constexpr (FusesIntoBackward<Update>) {
      // w ← w − (η/B) Σ∇C fused into the backward pass (Plain): measured 2.1× the samples/s of
      // gradient-then-update at B = 1 and 1.16× at B = 10 (BM_step/nielsen/simd/tbb),
      // where clearing, filling and reading back a gradient buffer cost more than the
      // arithmetic.
      if (spec_.l2 == 0.0f && batch.count <= engine_.chunk_rows()) {
        const float scale = 1.0f / static_cast<float>(batch.count);
        return engine_.step_in_place(params_.span(), batch, -lr * scale);
      }
    }
    const double loss = engine_.gradient(params_.span(), batch);
    const StepInput in{lr, 1.0f / static_cast<float>(batch.count), spec_.l2};
    update_.template apply<K>(state_, in, engine_.grad(), params_.span());
    return loss;
  }
  double step(Rows batch) { return step(batch, spec_.lr); }

  /// Trains until the budget runs out, evaluating before the first step and at the
  /// configured cadence; `observe` sees every point.
  RunResult run(const Dataset& train, const Dataset& test, const Observer& observe,
                const Dataset* validation = nullptr) {
    Batches batching(train, spec_.batch.rows(train.rows), spec_.seed);
    RunRecorder recorder(engine_, train, test, spec_, observe, validation);
    bool healthy = recorder.evaluate(params_.span());
    std::uint64_t examples = 0;
    std::size_t s = batching.steps_per_epoch();  // a shuffle before the first step
    recorder.start_clock();
    while (healthy && recorder.budget_left()) {
      if (s == batching.steps_per_epoch()) {
        batching.begin_epoch();
        s = 0;
      }
      const Rows batch =
          batching.batch(s++, [this](std::size_t n, std::size_t grain, const auto& body) {
            engine_.for_ranges(n, grain, body);
          });
      const auto lr = static_cast<float>(
          spec_.schedule.lr(spec_.lr, batch.count, examples, train.rows, spec_.epochs));
      step(batch, lr);
      examples += batch.count;
      recorder.count(batch.count, 1);
      healthy = recorder.checkpoint(params_.span());
    }
    recorder.stop_clock();
    return recorder.finish(params_.span());
  }

 private:
  TrainSpec spec_;
  GradientEngine<Model, K, Exec> engine_;
  Update update_;
  AlignedBuffer<float> params_;
  typename Update::State state_;
};

}  // namespace sgdbench
