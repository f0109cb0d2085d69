#pragma once
// An update rule kept outside core/, compiled in with -DSGDBENCH_USER_VARIANTS=DIR (the
// test tests/scripts/user_variants.sh does so with this folder). Signum (Bernstein et al.
// 2018, "signSGD"): sign descent on a momentum average,
//   m ← β m + (1 − β) g,   w ← w − η sign(m).
#include <cstddef>
#include <span>
#include <string_view>

#include "train/update/update_params.hpp"

namespace sgdbench {

struct Signum {
  static constexpr std::string_view name = "signum";
  static constexpr HyperParam kBeta{"signum_beta", 0.9,   0.0,
                                    0.999999,      false, "β, the momentum average's decay"};
  static constexpr HyperParam kHyperParams[] = {kBeta};
  float beta;
  explicit Signum(const HyperParams& p = {}) : beta(p.as_float(kBeta)) {}

  using State = PerParameter;  // the momentum average m

  template <class K>
  void apply(State& s, StepInput in, std::span<const float> grad_sum, std::span<float> w) const {
    for (std::size_t i = 0; i < w.size(); ++i) {
      float& m = s.value[i];
      m = beta * m + (1.0f - beta) * in.gradient(grad_sum, w, i);
      w[i] -= in.lr * (m > 0.0f ? 1.0f : (m < 0.0f ? -1.0f : 0.0f));
    }
  }
};

}  // namespace sgdbench
