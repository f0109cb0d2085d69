// Hessian–vector products and the Lanczos extremes (model/hessian_vector.hpp,
// util/lanczos.hpp): against dense eigenvalues, an analytic 2-D answer, a finite difference
// of an independent double-precision gradient, and across thread counts.
#include <tbb/global_control.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <span>
#include <vector>

#include "data/synthetic.hpp"
#include "model/hessian_vector.hpp"
#include "test_helpers.hpp"
#include "util/lanczos.hpp"

using namespace sgdbench;

namespace {

constexpr double kTolerance = 1e-10;

ExtremeEigenvalues extremes_of(const HessianAt& h) {
  return lanczos_extremes(
      h.dim(), [&](std::span<const double> v, std::span<double> out) { h.apply(v, out); }, 300,
      kTolerance);
}

/// The eigenvalues of a small symmetric matrix by cyclic Jacobi rotations (dense, double).
std::vector<double> jacobi_eigenvalues(std::vector<std::vector<double>> a) {
  const std::size_t n = a.size();
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (std::size_t p = 0; p < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (std::size_t p = 0; p < n; ++p) {
      for (std::size_t q = p + 1; q < n; ++q) {
        if (a[p][q] == 0.0) continue;
        const double theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
        const double t =
            (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1.0 / std::sqrt(t * t + 1), s = t * c;
        for (std::size_t k = 0; k < n; ++k) {  // columns p, q
          const double akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (std::size_t k = 0; k < n; ++k) {  // rows p, q
          const double apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
    }
  }
  std::vector<double> e(n);
  for (std::size_t i = 0; i < n; ++i) e[i] = a[i][i];
  std::sort(e.begin(), e.end());
  return e;
}

/// XᵀX/n + λI of a regression set, formed densely.
std::vector<std::vector<double>> dense_lsq_hessian(const Dataset& data, double l2) {
  std::vector<std::vector<double>> a(data.cols, std::vector<double>(data.cols, 0.0));
  for (std::size_t r = 0; r < data.rows; ++r) {
    for (std::size_t i = 0; i < data.cols; ++i)
      for (std::size_t j = 0; j < data.cols; ++j)
        a[i][j] += static_cast<double>(data.row(r)[i]) * data.row(r)[j] / data.rows;
  }
  for (std::size_t i = 0; i < data.cols; ++i) a[i][i] += l2;
  return a;
}

/// ∇F of L2 softmax regression in double, written apart from HessianAt (W k×d, then b).
std::vector<double> softmax_gradient(const Dataset& data, const std::vector<double>& w, double l2) {
  const std::size_t d = data.cols, k = data.classes;
  std::vector<double> g(w.size(), 0.0), p(k);
  for (std::size_t r = 0; r < data.rows; ++r) {
    double top = -1e300, sum = 0.0;
    for (std::size_t c = 0; c < k; ++c) {
      p[c] = w[k * d + c];
      for (std::size_t i = 0; i < d; ++i) p[c] += w[c * d + i] * data.row(r)[i];
      top = std::max(top, p[c]);
    }
    for (double& v : p) sum += v = std::exp(v - top);
    for (std::size_t c = 0; c < k; ++c) {
      const double e = p[c] / sum - (c == data.y[r] ? 1.0 : 0.0);
      for (std::size_t i = 0; i < d; ++i) g[c * d + i] += e * data.row(r)[i] / data.rows;
      g[k * d + c] += e / data.rows;
    }
  }
  for (std::size_t i = 0; i < w.size(); ++i) g[i] += l2 * w[i];
  return g;
}

}  // namespace

TEST_CASE("unit_lanczos_finds_both_ends_of_a_known_spectrum", "[hessian]") {
  // diag(1, 2, …, 400) scaled: κ = 400
  const std::size_t n = 400;
  const auto e = lanczos_extremes(
      n,
      [&](std::span<const double> v, std::span<double> out) {
        for (std::size_t i = 0; i < n; ++i) out[i] = 0.5 * static_cast<double>(i + 1) * v[i];
      },
      400, kTolerance);
  CHECK(e.converged);
  CHECK(e.top == Approx(200.0).epsilon(1e-8));
  CHECK(e.bottom == Approx(0.5).epsilon(1e-6));
}

TEST_CASE("unit_least_squares_hessian_extremes_match_dense_eigenvalues", "[hessian]") {
  const Dataset data = make_lsq(300, 7, 0.1, 50.0, 11);
  const double l2 = 1e-3;
  const auto dense = jacobi_eigenvalues(dense_lsq_hessian(data, l2));
  const auto e = extremes_of(HessianAt::least_squares(data, l2));
  CHECK(e.converged);
  CHECK(e.top == Approx(dense.back()).epsilon(1e-9));
  CHECK(e.bottom == Approx(dense.front()).epsilon(1e-8));
  CHECK(e.top / e.bottom > 10.0);  // the generator's conditioning is there to be measured
}

TEST_CASE("unit_two_dimensional_hessian_has_the_analytic_eigenvalues", "[hessian]") {
  // rows (1, 0), (0, 2), (1, 1): XᵀX/3 = [[2, 1], [1, 5]]/3, eigenvalues (7 ± √13)/6
  Dataset data;
  data.rows = 3;
  data.cols = 2;
  data.x.resize(6);
  const float rows[] = {1, 0, 0, 2, 1, 1};
  std::copy(std::begin(rows), std::end(rows), data.x.data());
  data.targets = {0, 0, 0};
  const auto e = extremes_of(HessianAt::least_squares(data, 0.0));
  CHECK(e.top == Approx((7.0 + std::sqrt(13.0)) / 6.0).epsilon(1e-12));
  CHECK(e.bottom == Approx((7.0 - std::sqrt(13.0)) / 6.0).epsilon(1e-12));
}

TEST_CASE("unit_softmax_hessian_vector_is_the_derivative_of_the_gradient", "[hessian]") {
  const Dataset data = make_gaussian_mixture(120, 5, 3, 1.0, 4);
  const double l2 = 1e-2;
  const std::size_t n = 3 * (5 + 1);
  const auto wf = test::random_vector(n, 1), vf = test::random_vector(n, 2);
  const std::vector<double> w(wf.begin(), wf.end()), v(vf.begin(), vf.end());
  std::vector<double> hv(n);
  HessianAt::softmax(data, std::vector<float>(w.begin(), w.end()), l2).apply(v, hv);
  const double eps = 1e-5;
  std::vector<double> plus = w, minus = w;
  for (std::size_t i = 0; i < n; ++i) {
    plus[i] += eps * v[i];
    minus[i] -= eps * v[i];
  }
  const auto gp = softmax_gradient(data, plus, l2), gm = softmax_gradient(data, minus, l2);
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(hv[i] == Approx((gp[i] - gm[i]) / (2 * eps)).margin(1e-8));
  }
}

TEST_CASE("unit_hessian_vector_products_are_the_same_bits_for_any_thread_count", "[hessian]") {
  const Dataset data = make_gaussian_mixture(3000, 20, 4, 1.0, 9);
  const auto wf = test::random_vector(4 * 21, 3), vf = test::random_vector(4 * 21, 4);
  const std::vector<double> v(vf.begin(), vf.end());
  const HessianAt h = HessianAt::softmax(data, wf, 1e-3);
  std::vector<double> one(v.size()), two(v.size());
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    h.apply(v, one);
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    h.apply(v, two);
  }
  CHECK(one == two);
}
