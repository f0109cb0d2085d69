#pragma once
// Linear least squares (lsq, as variants and datasets name it): F(w) = ½‖Xw − y‖² / n, per row C =
// ½ (x·w − y)², ∇C summed over a chunk = Xᵀ (Xw − y). widths = {d, 1}; no bias (the synthetic
// problems are generated without one, so their optimum w* is exact).
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "kernels/trans.hpp"
#include "model/rows.hpp"
#include "util/aligned_buffer.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

namespace sgdbench {

class Lsq {
 public:
  static constexpr bool kClassifier = false;
  static constexpr Init kDefaultInit = Init::kZero;

  struct Workspace {
    AlignedBuffer<float> residual;
  };

  explicit Lsq(const std::vector<std::size_t>& widths) {
    if (widths.size() != 2 || widths[1] != 1) {
      throw Error("model: least squares has widths {inputs, 1}");
    }
    d_ = widths[0];
  }

  static std::string family() { return "lsq"; }
  std::size_t input_dim() const { return d_; }
  std::size_t output_dim() const { return 1; }
  std::size_t num_params() const { return d_; }

  void init(std::span<float> params, Rng& rng, Init init = kDefaultInit) const {
    for (float& p : params) p = init == Init::kZero ? 0.0f : static_cast<float>(rng.normal());
  }
  void reserve(Workspace& ws, std::size_t rows) const {
    if (ws.residual.size() < rows) ws.residual.resize(rows);
  }

  template <class K>
  double accumulate_gradient(std::span<const float> params, Rows rows, Workspace& ws, float* grad,
                             float alpha = 1.0f) const {
    const double loss = residuals<K>(params, rows, ws);  // reads w before grad may alias it
    K::gemv(Trans::kYes, rows.count, d_, alpha, rows.x, d_, ws.residual.data(), 1.0f, grad);
    return loss;
  }

  template <class K>
  EvalSums evaluate(std::span<const float> params, Rows rows, Workspace& ws) const {
    return {residuals<K>(params, rows, ws), 0};
  }

 private:
  /// r = Xw − y into the workspace; returns ½‖r‖².
  template <class K>
  double residuals(std::span<const float> params, Rows rows, Workspace& ws) const {
    reserve(ws, rows.count);
    float* r = ws.residual.data();
    K::gemv(Trans::kNo, rows.count, d_, 1.0f, rows.x, d_, params.data(), 0.0f, r);
    double loss = 0.0;
    for (std::size_t i = 0; i < rows.count; ++i) {
      r[i] -= rows.target[i];
      loss += 0.5 * static_cast<double>(r[i]) * r[i];
    }
    return loss;
  }

  std::size_t d_ = 0;
};

}  // namespace sgdbench
