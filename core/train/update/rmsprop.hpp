#pragma once
// RMSProp (Tieleman & Hinton 2012, lecture 6.5):
//   s ← ρ s + (1 − ρ) g²,   w ← w − η g / (√s + ε).
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>

#include "train/update/adagrad.hpp"
#include "train/update/update_params.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

struct RmsProp {
  static constexpr std::string_view name = "rmsprop";
  static constexpr HyperParam kRho{"rho",    0.9,   0.0,
                                   0.999999, false, "ρ, the squared-gradient average's decay"};
  static constexpr HyperParam kEps = AdaGrad::kEps;  // the same ε key
  static constexpr HyperParam kHyperParams[] = {kRho, kEps};
  float rho, eps;
  explicit RmsProp(const HyperParams& p = {}) : rho(p.as_float(kRho)), eps(p.as_float(kEps)) {}

  using State = PerParameter;  // the running mean of g²

  template <class K>
  void apply(State& st, StepInput in, std::span<const float> grad_sum, std::span<float> w) const {
    float* s = st.value.data();
    for (std::size_t i = 0; i < w.size(); ++i) {
      const float g = in.gradient(grad_sum, w, i);
      s[i] = rho * s[i] + (1.0f - rho) * g * g;
      w[i] -= in.lr * g / (std::sqrt(s[i]) + eps);
    }
  }
};

}  // namespace sgdbench
