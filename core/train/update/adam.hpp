#pragma once
// Adam (Kingma & Ba 2015), with bias correction:
//   m ← β₁ m + (1 − β₁) g,   v ← β₂ v + (1 − β₂) g²,
//   m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ),   w ← w − η m̂ / (√v̂ + ε).
#include <cmath>
#include <cstddef>
#include <span>
#include <string_view>

#include "train/update/adagrad.hpp"
#include "train/update/update_params.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

struct Adam {
  static constexpr std::string_view name = "adam";
  static constexpr HyperParam kBeta1{"beta1",  0.9,   0.0,
                                     0.999999, false, "β₁, the gradient average's decay"};
  static constexpr HyperParam kBeta2{"beta2",  0.999, 0.0,
                                     0.999999, false, "β₂, the squared-gradient average's decay"};
  static constexpr HyperParam kEps = AdaGrad::kEps;  // the same ε key
  static constexpr HyperParam kHyperParams[] = {kBeta1, kBeta2, kEps};
  float beta1, beta2, eps;
  explicit Adam(const HyperParams& p = {})
      : beta1(p.as_float(kBeta1)), beta2(p.as_float(kBeta2)), eps(p.as_float(kEps)) {}

  struct State {
    AlignedBuffer<float> m, v;
    std::size_t t = 0;
    explicit State(std::size_t n) : m(n), v(n) {}
  };

  template <class K>
  void apply(State& s, StepInput in, std::span<const float> grad_sum, std::span<float> w) const {
    ++s.t;
    const auto t = static_cast<double>(s.t);
    const auto c1 = static_cast<float>(1.0 / (1.0 - std::pow(double{beta1}, t)));
    const auto c2 = static_cast<float>(1.0 / (1.0 - std::pow(double{beta2}, t)));
    float* m = s.m.data();
    float* v = s.v.data();
    for (std::size_t i = 0; i < w.size(); ++i) {
      const float g = in.gradient(grad_sum, w, i);
      m[i] = beta1 * m[i] + (1.0f - beta1) * g;
      v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
      w[i] -= in.lr * (m[i] * c1) / (std::sqrt(v[i] * c2) + eps);
    }
  }
};

}  // namespace sgdbench
