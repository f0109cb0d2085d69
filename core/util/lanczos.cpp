#include "util/lanczos.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "util/rng.hpp"

namespace sgdbench {
namespace {

double dot(std::span<const double> a, std::span<const double> b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

/// How many eigenvalues of T lie below x (the sign changes of the LDLᵀ pivots).
std::size_t count_below(std::span<const double> alpha, std::span<const double> beta, double x) {
  std::size_t count = 0;
  double q = 1.0;
  for (std::size_t i = 0; i < alpha.size(); ++i) {
    const double b2 = i == 0 ? 0.0 : beta[i - 1] * beta[i - 1];
    q = alpha[i] - x - (i == 0 ? 0.0 : b2 / q);
    if (q == 0.0) q = -1e-300;  // x is an eigenvalue of the leading block: count it below
    if (q < 0.0) ++count;
  }
  return count;
}

/// The k-th smallest eigenvalue (k from 0) of T inside the Gershgorin interval [lo, hi].
double kth_eigenvalue(std::span<const double> alpha, std::span<const double> beta, std::size_t k,
                      double lo, double hi) {
  for (int i = 0; i < 200 && hi - lo > 1e-15 * std::max(std::abs(lo), std::abs(hi)); ++i) {
    const double mid = 0.5 * (lo + hi);
    if (count_below(alpha, beta, mid) > k) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return 0.5 * (lo + hi);
}

}  // namespace

void tridiagonal_extremes(std::span<const double> alpha, std::span<const double> beta,
                          double& lowest, double& highest) {
  double lo = alpha[0], hi = alpha[0];
  for (std::size_t i = 0; i < alpha.size(); ++i) {  // Gershgorin discs
    const double r =
        (i > 0 ? std::abs(beta[i - 1]) : 0.0) + (i + 1 < alpha.size() ? std::abs(beta[i]) : 0.0);
    lo = std::min(lo, alpha[i] - r);
    hi = std::max(hi, alpha[i] + r);
  }
  lowest = kth_eigenvalue(alpha, beta, 0, lo, hi);
  highest = kth_eigenvalue(alpha, beta, alpha.size() - 1, lo, hi);
}

ExtremeEigenvalues lanczos_extremes(
    std::size_t n, const std::function<void(std::span<const double>, std::span<double>)>& apply,
    int max_iterations, double tolerance, std::uint64_t seed) {
  ExtremeEigenvalues out;
  std::vector<std::vector<double>> q;  // the Lanczos basis, kept for reorthogonalisation
  std::vector<double> alpha, beta, w(n);
  std::vector<double> v(n);
  Rng rng(seed, Stream::kInit);
  for (double& x : v) x = rng.normal();
  const double norm0 = std::sqrt(dot(v, v));
  for (double& x : v) x /= norm0;
  const int limit = static_cast<int>(std::min<std::size_t>(max_iterations, n));
  double prev_low = 0.0, prev_high = 0.0;
  int still = 0;  // consecutive iterations under the tolerance
  for (int j = 0; j < limit; ++j) {
    q.push_back(v);
    apply(q.back(), w);
    ++out.iterations;
    alpha.push_back(dot(w, q.back()));
    // w ⟂ every basis vector, twice ("twice is enough", Parlett 1998)
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& qi : q) {
        const double c = dot(w, qi);
        for (std::size_t i = 0; i < n; ++i) w[i] -= c * qi[i];
      }
    }
    double low = 0.0, high = 0.0;
    tridiagonal_extremes(alpha, beta, low, high);
    out.top = high;
    out.bottom = low;
    const double width = std::max(high - low, std::abs(high)) + 1e-300;
    out.last_change = std::max(std::abs(high - prev_high), std::abs(low - prev_low)) / width;
    const double b = std::sqrt(dot(w, w));
    still = j > 0 && out.last_change < tolerance ? still + 1 : 0;
    if (still == 3) {
      out.converged = true;
      break;
    }
    if (b <= 1e-12 * width) {  // an invariant subspace: the Ritz values are exact
      out.converged = true;
      break;
    }
    prev_low = low;
    prev_high = high;
    beta.push_back(b);
    for (std::size_t i = 0; i < n; ++i) v[i] = w[i] / b;
  }
  return out;
}

}  // namespace sgdbench
