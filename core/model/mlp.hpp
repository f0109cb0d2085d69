#pragma once
// Mlp<Activation, Cost>: a fully connected network whose forward and backward passes
// run over a whole chunk of rows as matrix products (rows are examples):
//   Z_l = A_{l-1} W_lᵀ + 1 b_lᵀ,   A_l = σ(Z_l) (hidden), output layer by the Cost
//   δ_L = ∂C/∂Z_L,   δ_{l-1} = (δ_l W_l) ⊙ σ'(Z_{l-1})
//   ∂C/∂W_l = δ_lᵀ A_{l-1},   ∂C/∂b_l = 1ᵀ δ_l
// Parameters live in one flat vector, layer by layer: W_l (n_l × n_{l-1}) then b_l.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "kernels/dense_forward.hpp"
#include "kernels/linear_one_pass.hpp"
#include "kernels/trans.hpp"
#include "model/activations.hpp"
#include "model/costs.hpp"
#include "model/rows.hpp"
#include "util/aligned_buffer.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

namespace sgdbench {

template <class Activation, class Cost>
class Mlp {
 public:
  static constexpr bool kClassifier = true;
  static constexpr Init kDefaultInit = Init::kNielsen;

  /// Per-chunk scratch space: activations of every layer and two δ buffers.
  struct Workspace {
    std::size_t rows = 0;
    AlignedBuffer<float> activations;  // Σ_l rows × n_l, l = 1..L
    AlignedBuffer<float> delta, delta_prev;
  };

  explicit Mlp(std::vector<std::size_t> widths) : widths_(std::move(widths)) {
    if (widths_.size() < 2)
      throw Error("model: an MLP needs at least an input and an output width");
    for (std::size_t w : widths_) {
      if (w == 0) throw Error("model: layer widths must be positive");
    }
    std::size_t offset = 0;
    for (std::size_t l = 1; l < widths_.size(); ++l) {
      weight_offset_.push_back(offset);
      offset += widths_[l] * widths_[l - 1];
      bias_offset_.push_back(offset);
      offset += widths_[l];
    }
    num_params_ = offset;
  }

  static std::string family() { return fmt::format("mlp<{}, {}>", Activation::name, Cost::name); }
  const std::vector<std::size_t>& widths() const { return widths_; }
  std::size_t input_dim() const { return widths_.front(); }
  std::size_t output_dim() const { return widths_.back(); }
  std::size_t num_params() const { return num_params_; }
  std::size_t layers() const { return widths_.size() - 1; }

  void init(std::span<float> params, Rng& rng, Init init = kDefaultInit) const {
    for (std::size_t l = 1; l < widths_.size(); ++l) {
      const std::size_t fan_in = widths_[l - 1], fan_out = widths_[l];
      double sd = 1.0;  // Nielsen
      if (init == Init::kXavier) sd = std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
      if (init == Init::kHe) sd = std::sqrt(2.0 / static_cast<double>(fan_in));
      if (init == Init::kZero) sd = 0.0;
      float* w = params.data() + weight_offset_[l - 1];
      for (std::size_t i = 0; i < fan_in * fan_out; ++i)
        w[i] = static_cast<float>(sd * rng.normal());
      float* b = params.data() + bias_offset_[l - 1];
      for (std::size_t i = 0; i < fan_out; ++i) {
        b[i] = init == Init::kNielsen ? static_cast<float>(rng.normal()) : 0.0f;
      }
    }
  }

  void reserve(Workspace& ws, std::size_t rows) const {
    if (ws.rows >= rows) return;
    const std::size_t total = std::accumulate(widths_.begin() + 1, widths_.end(), std::size_t{0});
    const std::size_t widest = *std::max_element(widths_.begin(), widths_.end());
    ws.activations.resize(rows * total);
    ws.delta.resize(rows * widest);
    ws.delta_prev.resize(rows * widest);
    ws.rows = rows;
  }

  /// Adds alpha · Σ_rows ∇C to `grad` and returns Σ_rows C. `grad` may be the parameters
  /// themselves (the fused SGD step, alpha = −η/B): each layer's δ is propagated through
  /// W_l before W_l is updated.
  template <class K>
  double accumulate_gradient(std::span<const float> params, Rows rows, Workspace& ws, float* grad,
                             float alpha = 1.0f) const {
    reserve(ws, rows.count);
    const std::size_t L = layers(), R = rows.count;
    forward_hidden<K>(params, rows, ws);
    const double loss = Cost::template output_layer<Activation, K>(
        R, widths_[L], activation(ws, L, R), rows.y, ws.delta.data(), nullptr);
    for (std::size_t l = L; l >= 1; --l) {
      const std::size_t n_out = widths_[l], n_in = widths_[l - 1];
      const float* a_in = l == 1 ? rows.x : activation(ws, l - 1, R);
      const float* d = ws.delta.data();
      if (l > 1) {
        // δ_{l-1} = (δ_l W_l) ⊙ σ'(Z_{l-1})
        float* dp = ws.delta_prev.data();
        K::gemm(Trans::kNo, Trans::kNo, R, n_in, n_out, 1.0f, d, n_out,
                params.data() + weight_offset_[l - 1], n_in, 0.0f, dp, n_in);
        for (std::size_t i = 0; i < R * n_in; ++i)
          dp[i] *= Activation::derivative_from_output(a_in[i]);
      }
      // ∂C/∂W_l += δ_lᵀ A_{l-1}; ∂C/∂b_l += column sums of δ_l
      K::gemm(Trans::kYes, Trans::kNo, n_out, n_in, R, alpha, d, n_out, a_in, n_in, 1.0f,
              grad + weight_offset_[l - 1], n_in);
      add_bias_gradient(R, n_out, d, alpha, grad + bias_offset_[l - 1]);
      if (l == 1) break;
      std::swap(ws.delta, ws.delta_prev);
    }
    return loss;
  }

  /// accumulate_gradient for compact (byte) rows read once, where the kernel set offers
  /// it for a one-layer model (softmax regression): the same bits, or nullopt having
  /// done nothing, and the caller widens the rows and calls accumulate_gradient. `next`:
  /// the rows the caller reads after these (prefetched; none: count 0).
  template <class K>
  std::optional<double> accumulate_gradient_one_pass(std::span<const float> params, Rows rows,
                                                     Workspace& ws, float* grad, float alpha,
                                                     Rows next) const {
    if constexpr (!KernelsWithOnePass<K>) {
      return std::nullopt;
    } else {
      if (layers() != 1 || rows.x8 == nullptr) return std::nullopt;
      reserve(ws, rows.count);
      const std::size_t R = rows.count, n_out = widths_[1], n_in = widths_[0];
      float* z = activation(ws, 1, R);
      float* d = ws.delta.data();
      fill_with_bias(params, 1, R, z);
      double loss = 0.0;
      auto output_layer = [&](std::size_t first, std::size_t count) {
        loss += Cost::template output_layer<Activation, K>(
            count, n_out, z + first * n_out, rows.y + first, d + first * n_out, nullptr);
      };
      const LinearOnePassArgs args{.rows = R,
                                   .n_out = n_out,
                                   .n_in = n_in,
                                   .x8 = rows.x8,
                                   .scale = rows.x8_scale,
                                   .w = params.data() + weight_offset_[0],
                                   .z = z,
                                   .delta = d,
                                   .output_layer = RowBlockFn(output_layer),
                                   .alpha = alpha,
                                   .g = grad + weight_offset_[0],
                                   .next_x8 = next.x8,
                                   .next_bytes = next.x8 == nullptr ? 0 : next.count * n_in};
      if (!K::linear_one_pass(args)) return std::nullopt;
      add_bias_gradient(R, n_out, d, alpha, grad + bias_offset_[0]);
      return loss;
    }
  }

  /// Σ_rows C and the number of rows whose largest output is the label.
  template <class K>
  EvalSums evaluate(std::span<const float> params, Rows rows, Workspace& ws) const {
    reserve(ws, rows.count);
    forward_hidden<K>(params, rows, ws);
    EvalSums sums;
    sums.loss = Cost::template output_layer<Activation, K>(rows.count, output_dim(),
                                                           activation(ws, layers(), rows.count),
                                                           rows.y, nullptr, &sums.correct);
    return sums;
  }

 private:
  /// Each of the R rows of z (layer l) set to the layer's bias: the GEMM then adds X·Wᵀ
  /// with beta = 1.
  void fill_with_bias(std::span<const float> params, std::size_t l, std::size_t R, float* z) const {
    const float* bias = params.data() + bias_offset_[l - 1];
    for (std::size_t r = 0; r < R; ++r) std::copy_n(bias, widths_[l], z + r * widths_[l]);
  }

  static void add_bias_gradient(std::size_t R, std::size_t n_out, const float* d, float alpha,
                                float* gb) {
    for (std::size_t r = 0; r < R; ++r) {
      for (std::size_t j = 0; j < n_out; ++j) gb[j] += alpha * d[r * n_out + j];
    }
  }

  // Activations of layer l (1..L) for a chunk of R rows; layers are stored back to back.
  float* activation(Workspace& ws, std::size_t l, std::size_t R) const {
    std::size_t offset = 0;
    for (std::size_t i = 1; i < l; ++i) offset += R * widths_[i];
    return ws.activations.data() + offset;
  }

  /// Z_l for every layer, σ applied to the hidden ones; the output layer is left as Z_L.
  template <class K>
  void forward_hidden(std::span<const float> params, Rows rows, Workspace& ws) const {
    const std::size_t R = rows.count;
    const float* a_in = rows.x;
    for (std::size_t l = 1; l <= layers(); ++l) {
      const std::size_t n_out = widths_[l], n_in = widths_[l - 1];
      float* z = activation(ws, l, R);
      const bool hidden = l < layers();
      const float* w = params.data() + weight_offset_[l - 1];
      const DenseForwardArgs args{.rows = R,
                                  .n_out = n_out,
                                  .n_in = n_in,
                                  .x = a_in,
                                  .w = w,
                                  .bias = params.data() + bias_offset_[l - 1],
                                  .act = hidden ? Activation::pointwise : Pointwise::kIdentity,
                                  .z = z};
      bool fused = false;  // K::dense_forward where the kernel set has it: the same bits
      if constexpr (KernelsWithDenseForward<K>) fused = K::dense_forward(args);
      if (!fused) {
        fill_with_bias(params, l, R, z);
        K::gemm(Trans::kNo, Trans::kYes, R, n_out, n_in, 1.0f, a_in, n_in, w, n_in, 1.0f, z, n_out);
        if (hidden) Activation::template apply<K>(R * n_out, z);
      }
      a_in = z;
    }
  }

  std::vector<std::size_t> widths_;
  std::vector<std::size_t> weight_offset_, bias_offset_;
  std::size_t num_params_ = 0;
};

}  // namespace sgdbench
