#pragma once
// Nesterov accelerated gradient (Nesterov 1983; Sutskever et al. 2013), in the
// look-ahead-free form PyTorch uses:
//   v ← μ v + g,   w ← w − η (g + μ v).
#include <span>
#include <string_view>

#include "train/update/momentum.hpp"
#include "train/update/update_params.hpp"

namespace sgdbench {

/// Momentum's velocity and μ (the same /update/momentum key), its own step.
struct Nesterov : Momentum {
  static constexpr std::string_view name = "nesterov";
  using Momentum::Momentum;

  template <class K>
  void apply(State& s, StepInput in, std::span<const float> grad_sum, std::span<float> w) const {
    velocity_step<true>(s, in, grad_sum, w);
  }
};

}  // namespace sgdbench
