#pragma once
// Nesterov accelerated gradient (Nesterov 1983; Sutskever et al. 2013), in the
// look-ahead-free form PyTorch uses:
//   v ← μ v + g,   w ← w − η (g + μ v).
#include <cstddef>
#include <span>
#include <string_view>

#include "train/update/momentum.hpp"
#include "train/update/update_params.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

struct Nesterov {
  static constexpr std::string_view name = "nesterov";
  static constexpr HyperParam kMomentum = Momentum::kMomentum;  // the same μ key
  static constexpr HyperParam kHyperParams[] = {kMomentum};
  float mu;
  explicit Nesterov(const HyperParams& p = {}) : mu(p.as_float(kMomentum)) {}

  struct State {
    AlignedBuffer<float> velocity;
    explicit State(std::size_t n) : velocity(n) {}
  };

  template <class K>
  void apply(State& s, StepInput in, std::span<const float> grad_sum, std::span<float> w) const {
    float* v = s.velocity.data();
    for (std::size_t i = 0; i < w.size(); ++i) {
      const float g = in.scale * grad_sum[i] + in.l2 * w[i];
      v[i] = mu * v[i] + g;
      w[i] -= in.lr * (g + mu * v[i]);
    }
  }
};

}  // namespace sgdbench
