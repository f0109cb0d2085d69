#pragma once
// A variant: one choice per compile-time axis, compiled once, registered under a name
// that configs use ("nielsen/simd/tbb"). Batching (full batch or mini-batches) is chosen
// per run from the config's batch size, so both are instantiated for every variant.
#include <string>

#include "concepts.hpp"
#include "data/dataset.hpp"
#include "train/batching.hpp"
#include "train/metrics.hpp"
#include "train/trainer.hpp"
#include "variants/registry.hpp"

namespace sgdbench {

template <class Model_, class Update_, class Kernels_, class Exec_>
  requires Model<Model_> && Update<Update_> && Kernels<Kernels_> && Execution<Exec_>
struct VariantTypes {
  using ModelType = Model_;
  using UpdateType = Update_;
  using KernelsType = Kernels_;
  using ExecType = Exec_;
  template <class Batching_>
  using TrainerType = Trainer<Model_, Update_, Batching_, Kernels_, Exec_>;
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
  VariantInfo info;
  info.name = std::move(name);
  info.model = M::family();
  info.update = std::string(V::UpdateType::name);
  info.kernels = std::string(V::KernelsType::name);
  info.arch = kernels_arch<typename V::KernelsType>();
  info.exec = std::string(V::ExecType::name);
  info.deterministic = V::ExecType::deterministic;
  info.run = [](const ModelSpec& model, const Dataset& train, const Dataset& test,
                const TrainSpec& spec, bool full_batch, const Observer& observe) {
    const M m(model.widths);
    if (full_batch) {
      typename V::template TrainerType<FullBatch> trainer(m, spec);
      return trainer.run(train, test, observe);
    }
    typename V::template TrainerType<MiniBatches> trainer(m, spec);
    return trainer.run(train, test, observe);
  };
  return info;
}

}  // namespace sgdbench
