#pragma once
// Activations and costs of Mlp. An activation maps a block of pre-activations in place
// and gives σ'(z) from the activation a = σ(z); a cost gives the loss of one row and
// the output error δ_L = ∂C/∂z_L.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sgdbench {

/// σ(z) = 1 / (1 + e^−z); σ'(z) = a (1 − a).
struct Sigmoid {
  static constexpr std::string_view name = "sigmoid";
  template <class K>
  static void apply(std::size_t n, float* z) {
    K::sigmoid(n, z);
  }
  static float derivative_from_output(float a) { return a * (1.0f - a); }
};

/// C = ½ Σ_j (a_j − y_j)², y the one-hot label (Nielsen, chapter 1);
/// δ_L = (a − y) ⊙ σ'(z_L).
struct QuadraticCost {
  static constexpr std::string_view name = "quadratic";

  /// Loss of one row; writes δ_L into `delta` when it is not null.
  template <class Act>
  static double row(std::size_t n, const float* a, std::uint8_t label, float* delta) {
    double loss = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      const float diff = a[j] - (j == label ? 1.0f : 0.0f);
      loss += 0.5 * static_cast<double>(diff) * diff;
      if (delta != nullptr) delta[j] = diff * Act::derivative_from_output(a[j]);
    }
    return loss;
  }
};

}  // namespace sgdbench
