#pragma once
// Plain: w ← w − η g, g = (1/B) Σ_{x ∈ batch} ∇C_x (+ λw). The stochastic gradient step of
// Robbins & Monro (1951); Nielsen, chapter 1. Stateless: the template for your own rule.
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "train/update/update_params.hpp"

namespace sgdbench {

struct Plain {
  static constexpr std::string_view name = "plain";
  static constexpr std::array<HyperParam, 0> kHyperParams{};
  /// w ← w − (η/B) Σ∇C can be applied as the backward pass forms each layer's gradient.
  static constexpr bool kFusesIntoBackward = true;
  explicit Plain(const HyperParams& /*params*/ = {}) {}

  /// Per-run state: none.
  struct State {
    explicit State(std::size_t /*num_params*/) {}
  };

  template <class K>
  void apply(State& /*state*/, StepInput in, std::span<const float> grad_sum,
             std::span<float> w) const {
    if (in.l2 == 0.0f) {  // one fused pass: w += (−η/B) Σ∇
      K::axpy(w.size(), -in.lr * in.scale, grad_sum.data(), w.data());
      return;
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
      w[i] -= in.lr * (in.scale * grad_sum[i] + in.l2 * w[i]);
    }
  }
};

}  // namespace sgdbench
