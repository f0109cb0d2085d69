#pragma once
// Synthetic problems generated from a seed by our own generator (util/rng.hpp), so the
// same config gives the same bytes on every machine.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "data/dataset.hpp"

namespace sgdbench {

/// Least squares with a controlled design: X = Z · diag(s), Z ~ N(0, 1) (rows × d),
/// s_j = κ^(−j / (2(d−1))), so cond(XᵀX) ≈ κ; y = X w_true + noise · N(0, 1).
Dataset make_lsq(std::size_t rows, std::size_t d, double noise, double condition,
                 std::uint64_t seed);

/// The exact optimum of F(w) = ½‖Xw − y‖²/n + λ/2 ‖w‖² on `train`, solved in double
/// precision (Cholesky of XᵀX/n + λI), and F(w*).
struct LsqOptimum {
  std::vector<double> w;
  double f = 0.0;
};
LsqOptimum solve_lsq(const Dataset& train, double l2);

/// F(w) = ½‖Xw − y‖²/n = ½ wᵀAw − bᵀw + c with A = XᵀX/n, b = Xᵀy/n, c = ‖y‖²/(2n).
struct Quadratic {
  std::vector<std::vector<double>> a;
  std::vector<double> b;
  double c = 0.0;
};
Quadratic lsq_quadratic(const Dataset& train);

/// F(w) in double precision for a float parameter vector.
double lsq_objective(const Dataset& data, const float* w, double l2);

/// k Gaussian classes in d dimensions: class means ~ separation · N(0, I), points =
/// mean + N(0, I). A large separation makes the classes (almost surely) separable.
Dataset make_gaussian_mixture(std::size_t rows, std::size_t d, std::size_t classes,
                              double separation, std::uint64_t seed);

}  // namespace sgdbench
