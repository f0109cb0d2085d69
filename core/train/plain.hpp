#pragma once
// Update rule: the plain gradient step w ← w − (η / B) Σ_{x ∈ batch} ∇C_x
// (Robbins & Monro 1951; Nielsen, chapter 1). No state.
#include <cstddef>
#include <span>
#include <string_view>

namespace sgdbench {

struct Plain {
  static constexpr std::string_view name = "plain";

  /// Per-run state (none for the plain step); the template for stateful rules.
  struct State {
    explicit State(std::size_t /*num_params*/) {}
  };

  template <class K>
  static void apply(State& /*state*/, float lr, std::size_t batch_rows,
                    std::span<const float> grad_sum, std::span<float> params) {
    K::axpy(params.size(), -lr / static_cast<float>(batch_rows), grad_sum.data(), params.data());
  }
};

}  // namespace sgdbench
