#pragma once
// Exact Hessian–vector products of the two convex objectives, in double, at a fixed point:
//   least squares  F(w) = ½‖Xw − y‖²/n + λ/2 ‖w‖²          H v = Xᵀ(Xv)/n + λv;
//   softmax regression (W: k×d row-major, then the k biases; x̃ = [x, 1])
//     F(W) = −(1/n) Σ log p_{y_i}(x_i) + λ/2 ‖W‖²,  p = softmax(W x̃),
//     H v = (1/n) Σ_i [(diag p_i − p_i p_iᵀ)(V x̃_i)] x̃_iᵀ + λv.
// Plain double loops written from the formulas, not the float kernels: they measure κ at the
// optimum (issue 38), where a finite difference of float gradients would be too coarse.
// Rows are summed in fixed chunks in a fixed order: the same bits for any thread count.
#include <cstddef>
#include <span>
#include <vector>

#include "data/dataset.hpp"

namespace sgdbench {

class HessianAt {
 public:
  /// Least squares on `train` (its Hessian does not depend on the point).
  static HessianAt least_squares(const Dataset& train, double l2);
  /// Softmax regression on `train` at the parameters `w` (the model's layout).
  static HessianAt softmax(const Dataset& train, std::span<const float> w, double l2);

  std::size_t dim() const { return dim_; }
  /// out = H v.
  void apply(std::span<const double> v, std::span<double> out) const;

 private:
  HessianAt(const Dataset& train, double l2, std::size_t classes);
  void apply_rows(std::size_t begin, std::size_t end, std::span<const double> v,
                  std::span<double> out) const;

  const Dataset* train_;
  double l2_;
  std::size_t classes_;  // 0: least squares
  std::size_t dim_;
  std::vector<double> p_;  // softmax probabilities, rows × classes
};

}  // namespace sgdbench
