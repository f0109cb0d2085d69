#pragma once
// Trainer<Model, Update, Batching, Kernels, Exec>: one training run, the five policies
// fixed at compile time, the numbers (batch size, η, seed, epochs) at run time.
//
// A step splits its batch into chunks of spec.chunk_rows rows; Exec reduces the
// per-chunk gradient sums (Sequential: in order; TbbDeterministic: a fixed parallel
// tree) and Update applies them. Evaluation (train loss over the whole training set,
// test loss and accuracy) uses the same chunking and is excluded from the timing.
#include <chrono>
#include <cmath>
#include <cstddef>
#include <span>

#include "data/dataset.hpp"
#include "exec/accumulator_pool.hpp"
#include "train/metrics.hpp"
#include "util/aligned_buffer.hpp"
#include "util/rng.hpp"

namespace sgdbench {

template <class Model, class Update, class Batching, class K, class Exec>
class Trainer {
 public:
  Trainer(const Model& model, const TrainSpec& spec)
      : model_(model),
        spec_(spec),
        params_(model.num_params()),
        state_(model.num_params()),
        grad_pool_([this] { return make_grad_acc(); }),
        eval_pool_([this] { return EvalAcc{}; }) {
    grad_ = make_grad_acc();
    if (spec_.chunk_rows == 0) spec_.chunk_rows = 1;
    Rng rng(spec.seed, Stream::kInit);
    model_.init(params_.span(), rng);
  }

  Trainer(const Trainer&) = delete;  // the pools hold `this`
  Trainer& operator=(const Trainer&) = delete;

  std::span<const float> params() const { return params_.span(); }
  std::span<float> params() { return params_.span(); }

  /// One update from the rows of `batch`; returns the summed loss of those rows.
  double step(Rows batch) {
    grad_.reset();
    const std::size_t chunk = spec_.chunk_rows;
    const std::size_t n_chunks = (batch.count + chunk - 1) / chunk;
    auto leaf = [&](std::size_t i, GradAcc& acc) {
      const std::size_t begin = i * chunk;
      const Rows part{batch.x + begin * model_.input_dim(), batch.y + begin,
                      std::min(chunk, batch.count - begin)};
      acc.loss += model_.template accumulate_gradient<K>(params_.span(), part, acc.ws,
                                                         acc.grad.data());
    };
    auto join = [](GradAcc& into, const GradAcc& from) {
      K::axpy(into.grad.size(), 1.0f, from.grad.data(), into.grad.data());
      into.loss += from.loss;
    };
    exec_.reduce(n_chunks, grad_, grad_pool_, leaf, join);
    Update::template apply<K>(state_, spec_.lr, batch.count, grad_.grad.span(), params_.span());
    return grad_.loss;
  }

  /// Mean loss and accuracy of the current parameters on `data`.
  EvalSums evaluate_sums(const Dataset& data) {
    EvalAcc total;
    const std::size_t chunk = spec_.chunk_rows;
    const std::size_t n_chunks = (data.rows + chunk - 1) / chunk;
    auto leaf = [&](std::size_t i, EvalAcc& acc) {
      const std::size_t begin = i * chunk;
      const Rows part{data.row(begin), data.y.data() + begin, std::min(chunk, data.rows - begin)};
      const EvalSums s = model_.template evaluate<K>(params_.span(), part, acc.ws);
      acc.sums.loss += s.loss;
      acc.sums.correct += s.correct;
    };
    auto join = [](EvalAcc& into, const EvalAcc& from) {
      into.sums.loss += from.sums.loss;
      into.sums.correct += from.sums.correct;
    };
    exec_.reduce(n_chunks, total, eval_pool_, leaf, join);
    return total.sums;
  }

  /// Trains for spec.epochs passes over `train`, evaluating after each (and before the
  /// first); `observe` sees every point.
  RunResult run(const Dataset& train, const Dataset& test, const Observer& observe) {
    Batching batching(train, spec_.batch_size, spec_.seed);
    MetricPoint point;
    RunResult result;
    auto evaluate_point = [&] {
      const EvalSums tr = evaluate_sums(train);
      const EvalSums te = evaluate_sums(test);
      point.train_loss = tr.loss / static_cast<double>(train.rows);
      point.test_loss = te.loss / static_cast<double>(test.rows);
      point.test_accuracy = static_cast<double>(te.correct) / static_cast<double>(test.rows);
      if (observe) observe(point);
      return std::isfinite(point.train_loss) && point.train_loss <= spec_.divergence_loss;
    };
    bool healthy = evaluate_point();
    using Clock = std::chrono::steady_clock;
    for (std::size_t epoch = 1; healthy && epoch <= spec_.epochs; ++epoch) {
      const auto t0 = Clock::now();
      batching.begin_epoch();
      const std::size_t steps = batching.steps_per_epoch();
      for (std::size_t s = 0; s < steps; ++s) step(batching.batch(s));
      point.train_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
      point.epoch = static_cast<double>(epoch);
      point.grad_evals += train.rows;
      point.updates += steps;
      healthy = evaluate_point();
    }
    result.status = healthy ? RunStatus::kOk : RunStatus::kDiverged;
    result.final_point = point;
    result.samples_per_second =
        point.train_seconds > 0.0 ? static_cast<double>(point.grad_evals) / point.train_seconds : 0.0;
    return result;
  }

 private:
  using Workspace = typename Model::Workspace;
  struct GradAcc {
    AlignedBuffer<float> grad;
    double loss = 0.0;
    Workspace ws;
    void reset() {
      grad.fill_zero();
      loss = 0.0;
    }
  };
  struct EvalAcc {
    EvalSums sums;
    Workspace ws;
    void reset() { sums = {}; }
  };

  GradAcc make_grad_acc() const {
    GradAcc acc;
    acc.grad.resize(model_.num_params());
    return acc;
  }

  Model model_;
  TrainSpec spec_;
  Exec exec_{};
  AlignedBuffer<float> params_;
  typename Update::State state_;
  GradAcc grad_;
  AccumulatorPool<GradAcc> grad_pool_;
  AccumulatorPool<EvalAcc> eval_pool_;
};

}  // namespace sgdbench
