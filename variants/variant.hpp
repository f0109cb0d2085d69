#pragma once
// A variant: one choice per compile-time axis, compiled once, registered under a name
// that configs use ("softmax/adam/simd/tbb"). The SGD family is instantiated with both
// batchings (the config's batch size picks: "full" → FullBatch, an integer →
// MiniBatches); SVRG runs on mini-batches, L-BFGS on the full batch.
#include <string>
#include <type_traits>

#include "concepts.hpp"
#include "data/dataset.hpp"
#include "train/batching.hpp"
#include "train/lbfgs.hpp"
#include "train/metrics.hpp"
#include "train/svrg.hpp"
#include "train/trainer.hpp"
#include "variant_registrations.hpp"  // generated: each variant file's register_<name>
#include "variants/registry.hpp"

namespace sgdbench {

template <class Model_, class Update_, class Kernels_, class Exec_>
requires Model<Model_> &&
    (Update<Update_> ||
     Algorithm<Update_>)&&Kernels<Kernels_>&& Execution<Exec_> struct VariantTypes {
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

/// The registry entry of a variant named `name`.
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
  if constexpr (std::is_same_v<U, Svrg>) {
    info.batchings = {"mini"};
  } else if constexpr (std::is_same_v<U, Lbfgs>) {
    info.batchings = {"full"};
  } else {
    info.batchings = {"mini", "full"};
  }
  info.run = [](const ModelSpec& model, const Dataset& train, const Dataset& test,
                const Dataset* validation, const TrainSpec& spec,
                const Observer& observe) -> RunResult {
    const M m(model.widths);
    if constexpr (std::is_same_v<U, Svrg>) {
      SvrgTrainer<M, K, E> trainer(m, spec);
      return trainer.run(train, test, observe, validation);
    } else if constexpr (std::is_same_v<U, Lbfgs>) {
      LbfgsTrainer<M, K, E> trainer(m, spec);
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
  return info;
}

}  // namespace sgdbench
