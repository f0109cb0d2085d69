#pragma once
// Hidden-layer activations of Mlp. An activation maps a block of pre-activations in
// place (through the kernels, so it vectorises) and gives σ'(z) from a = σ(z). `pointwise`
// names the same map for a GEMM epilogue (dense_forward.hpp), which must give apply's bits:
// pointwise_batch (kernels/simd_level1.hpp) writes the formulas again, so a change to one
// here needs the same change there (a unit test holds them equal).
#include <algorithm>
#include <cstddef>
#include <string_view>

#include "kernels/dense_forward.hpp"

namespace sgdbench {

/// σ(z) = 1 / (1 + e^−z); σ'(z) = a (1 − a).
struct Sigmoid {
  static constexpr std::string_view name = "sigmoid";
  static constexpr Pointwise pointwise = Pointwise::kSigmoid;
  template <class K>
  static void apply(std::size_t n, float* z) {
    K::sigmoid(n, z);
  }
  static float derivative_from_output(float a) { return a * (1.0f - a); }
};

/// tanh(z) = 2σ(2z) − 1; tanh'(z) = 1 − a².
struct Tanh {
  static constexpr std::string_view name = "tanh";
  static constexpr Pointwise pointwise = Pointwise::kTanh;
  template <class K>
  static void apply(std::size_t n, float* z) {
    for (std::size_t i = 0; i < n; ++i) z[i] *= 2.0f;
    K::sigmoid(n, z);
    for (std::size_t i = 0; i < n; ++i) z[i] = 2.0f * z[i] - 1.0f;
  }
  static float derivative_from_output(float a) { return 1.0f - a * a; }
};

/// ReLU(z) = max(0, z); ReLU'(z) = 1 for z > 0, else 0 (Nair & Hinton 2010).
struct Relu {
  static constexpr std::string_view name = "relu";
  static constexpr Pointwise pointwise = Pointwise::kRelu;
  template <class K>
  static void apply(std::size_t n, float* z) {
    for (std::size_t i = 0; i < n; ++i) z[i] = std::max(z[i], 0.0f);
  }
  static float derivative_from_output(float a) { return a > 0.0f ? 1.0f : 0.0f; }
};

/// The identity: for models without hidden layers (Softmax).
struct Identity {
  static constexpr std::string_view name = "identity";
  static constexpr Pointwise pointwise = Pointwise::kIdentity;
  template <class K>
  static void apply(std::size_t /*n*/, float* /*z*/) {}
  static float derivative_from_output(float /*a*/) { return 1.0f; }
};

}  // namespace sgdbench
