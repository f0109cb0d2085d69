#pragma once
// The extreme eigenvalues of a symmetric operator by the Lanczos iteration with full
// reorthogonalisation (Golub & Van Loan 2013, §10.1), in double. The Ritz values of the
// tridiagonal T_m bracket the spectrum from inside: max θ ≤ λ_max and min θ ≥ λ_min, and
// both converge first at the ends. Stop rule: both extreme Ritz values moved by less than
// `tolerance` relative to the spectrum's width in each of the last 3 iterations.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace sgdbench {

struct ExtremeEigenvalues {
  double top = 0.0;     // the largest Ritz value
  double bottom = 0.0;  // the smallest Ritz value
  int iterations = 0;   // operator applications
  bool converged = false;
  double last_change = 0.0;  // the stop rule's measure at the last iteration
};

/// `apply(v, out)` sets out = A v for a symmetric A of size n. The start vector is drawn
/// from `seed` (the same numbers for any thread count), so the result is reproducible.
ExtremeEigenvalues lanczos_extremes(
    std::size_t n, const std::function<void(std::span<const double>, std::span<double>)>& apply,
    int max_iterations, double tolerance, std::uint64_t seed = 0);

/// The smallest and largest eigenvalues of the symmetric tridiagonal matrix with diagonal
/// `alpha` and off-diagonal `beta` (beta.size() == alpha.size() − 1), by Sturm-sequence
/// bisection to full double precision.
void tridiagonal_extremes(std::span<const double> alpha, std::span<const double> beta,
                          double& lowest, double& highest);

}  // namespace sgdbench
