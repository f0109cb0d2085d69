#pragma once
// A variant: one choice per compile-time axis, compiled once, registered under a name
// that configs use ("softmax/adam/simd/tbb"). An update rule is instantiated with both
// batchings (the run's BatchSize picks: full → FullBatch, n → MiniBatches); an algorithm
// with its own loop (SVRG, L-BFGS) with the batchings it names.
#include <concepts>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "concepts.hpp"
#include "data/dataset.hpp"
#include "train/batching.hpp"
#include "train/metrics.hpp"
#include "train/trainer.hpp"
#include "variant_registrations.hpp"  // generated: each variant file's register_<name>
#include "variants/registry.hpp"

namespace sgdbench {

template <class Model_, class Update_, class Kernels_, class Exec_>
requires Model<Model_> &&
    (Update<Update_> ||
     OwnLoop<Update_>)&&Kernels<Kernels_>&& Execution<Exec_> struct VariantTypes {
  using ModelType = Model_;
  using UpdateType = Update_;
  using KernelsType = Kernels_;
  using ExecType = Exec_;
};

template <class K>
std::string kernels_arch() {
  if constexpr (requires { K::arch_name(); }) {
    return std::string(K::arch_name());
  } else {
    return "-";
  }
}

/// Steps of Trainer<M, U, B, K, E> one at a time over the batches of one shuffled epoch,
/// round and round (VariantInfo::stepper).
template <class M, class U, class B, class K, class E>
std::function<double()> single_steps(const ModelSpec& model, const Dataset& train,
                                     const TrainSpec& spec) {
  struct State {
    State(const ModelSpec& model, const Dataset& train, const TrainSpec& spec)
        : trainer(M(model.widths), spec), batches(train, spec.batch.rows(train.rows), spec.seed) {}
    Trainer<M, U, B, K, E> trainer;
    B batches;
    std::size_t step = 0;
  };
  auto state = std::make_shared<State>(model, train, spec);
  state->batches.begin_epoch();
  return [state] {
    const double loss = state->trainer.step(state->batches.batch(state->step));
    state->step = (state->step + 1) % state->batches.steps_per_epoch();
    return loss;
  };
}

/// What make_variant calls on an OwnLoop algorithm's trainer T for model M: built from
/// (model, spec), run(train, test, observe, validation) → RunResult. Checked with the real
/// types, so an algorithm whose trainer does not fit fails here, naming the concept.
template <class T, class M>
concept RunsItsOwnLoop = std::constructible_from<T, const M&, const TrainSpec&> &&
    requires(T t, const Dataset& d, const Observer& observe) {
  { t.run(d, d, observe, &d) } -> std::same_as<RunResult>;
};

/// The registry entry of a variant named `name`. An update rule runs in Trainer with the
/// batching the run's batch size asks for; an algorithm that owns its loop (OwnLoop) runs
/// its own trainer on the batchings it names.
template <class V>
VariantInfo make_variant(std::string name) {
  using M = typename V::ModelType;
  using U = typename V::UpdateType;
  using K = typename V::KernelsType;
  using E = typename V::ExecType;
  VariantInfo info;
  info.name = std::move(name);
  info.model = M::family();
  info.classifier = M::kClassifier;
  info.update = std::string(U::name);
  info.kernels = std::string(K::name);
  info.arch = kernels_arch<K>();
  info.exec = std::string(E::name);
  info.deterministic = E::deterministic;
  info.collective = E::collective;
  const std::span<const HyperParam> hyper(U::kHyperParams);
  info.hyper_params.assign(hyper.begin(), hyper.end());
  if constexpr (OwnLoop<U>) {
    for (std::string_view b : U::kBatchings) info.batchings.emplace_back(b);
  } else {
    info.batchings = {std::string(MiniBatches::name), std::string(FullBatch::name)};
  }
  info.run = [](const ModelSpec& model, const Dataset& train, const Dataset& test,
                const Dataset* validation, const TrainSpec& spec,
                const Observer& observe) -> RunResult {
    const M m(model.widths);
    if constexpr (OwnLoop<U>) {
      using OwnTrainer = typename U::template Trainer<M, K, E>;
      static_assert(RunsItsOwnLoop<OwnTrainer, M>,
                    "an OwnLoop trainer is built from (model, "
                    "TrainSpec) and run(train, test, observe, "
                    "validation) returns a RunResult");
      OwnTrainer trainer(m, spec);
      return trainer.run(train, test, observe, validation);
    } else {
      if (spec.batch.is_full()) {
        Trainer<M, U, FullBatch, K, E> trainer(m, spec);
        return trainer.run(train, test, observe, validation);
      }
      Trainer<M, U, MiniBatches, K, E> trainer(m, spec);
      return trainer.run(train, test, observe, validation);
    }
  };
  if constexpr (!OwnLoop<U>) {
    info.stepper = [](const ModelSpec& model, const Dataset& train,
                      const TrainSpec& spec) -> std::function<double()> {
      if (spec.batch.is_full()) return single_steps<M, U, FullBatch, K, E>(model, train, spec);
      return single_steps<M, U, MiniBatches, K, E>(model, train, spec);
    };
  }
  return info;
}

}  // namespace sgdbench
