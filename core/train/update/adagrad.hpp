#pragma once
// AdaGrad (Duchi, Hazan & Singer 2011):
//   G ← G + g²,   w ← w − η g / (√G + ε).
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>

#include "train/update/update_params.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

struct AdaGrad {
  static constexpr std::string_view name = "adagrad";
  static constexpr HyperParam kEps{
      "eps", 1e-8, 1e-30, 1.0, false, "ε, added to the root of the squared-gradient average"};
  static constexpr HyperParam kHyperParams[] = {kEps};
  float eps;
  explicit AdaGrad(const HyperParams& p = {}) : eps(p.as_float(kEps)) {}

  using State = PerParameter;  // Σ g², per parameter

  template <class K>
  void apply(State& s, StepInput in, std::span<const float> grad_sum, std::span<float> w) const {
    float* G = s.value.data();
    for (std::size_t i = 0; i < w.size(); ++i) {
      const float g = in.gradient(grad_sum, w, i);
      G[i] += g * g;
      w[i] -= in.lr * g / (std::sqrt(G[i]) + eps);
    }
  }
};

}  // namespace sgdbench
