#pragma once
// Momentum (heavy ball, Polyak 1964), in the form PyTorch's SGD uses:
//   v ← μ v + g,   w ← w − η v.
#include <cstddef>
#include <span>
#include <string_view>

#include "train/update/update_params.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

struct Momentum {
  static constexpr std::string_view name = "momentum";
  static constexpr HyperParam kMomentum{"momentum", 0.9,   0.0,
                                        0.999999,   false, "μ, the velocity's decay"};
  static constexpr HyperParam kHyperParams[] = {kMomentum};
  float mu;
  explicit Momentum(const HyperParams& p = {}) : mu(p.as_float(kMomentum)) {}

  using State = PerParameter;  // the velocity v

  template <class K>
  void apply(State& s, StepInput in, std::span<const float> grad_sum, std::span<float> w) const {
    velocity_step<false>(s, in, grad_sum, w);
  }

 protected:
  /// v ← μ v + g, then w ← w − η v, or with `kNesterov` w ← w − η (g + μ v).
  template <bool kNesterov>
  void velocity_step(State& s, StepInput in, std::span<const float> grad_sum,
                     std::span<float> w) const {
    float* v = s.value.data();
    for (std::size_t i = 0; i < w.size(); ++i) {
      const float g = in.gradient(grad_sum, w, i);
      v[i] = mu * v[i] + g;
      if constexpr (kNesterov) {
        w[i] -= in.lr * (g + mu * v[i]);
      } else {
        w[i] -= in.lr * v[i];
      }
    }
  }
};

}  // namespace sgdbench
