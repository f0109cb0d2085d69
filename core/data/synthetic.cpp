#include "data/synthetic.hpp"

#include <fmt/format.h>

#include <cmath>

#include "util/error.hpp"
#include "util/rng.hpp"

namespace sgdbench {

Dataset make_lsq(std::size_t rows, std::size_t d, double noise, double condition,
                 std::uint64_t seed) {
  if (rows == 0 || d == 0 || !(condition >= 1.0) || !(noise >= 0.0)) {
    throw Error("synthetic least squares: needs rows, d > 0, condition ≥ 1, noise ≥ 0");
  }
  Rng rng(seed, Stream::kSplit);
  std::vector<double> scale(d), w_true(d);
  for (std::size_t j = 0; j < d; ++j) {
    const double t = d == 1 ? 0.0 : static_cast<double>(j) / static_cast<double>(d - 1);
    scale[j] = std::pow(condition, -0.5 * t);
    w_true[j] = rng.normal();
  }
  Dataset ds;
  ds.name = "synthetic-lsq";
  ds.rows = rows;
  ds.cols = d;
  ds.classes = 0;
  ds.x.resize(rows * d);
  ds.targets.resize(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    double y = 0.0;
    for (std::size_t j = 0; j < d; ++j) {
      const auto x = static_cast<float>(rng.normal() * scale[j]);
      ds.x[i * d + j] = x;
      y += x * w_true[j];
    }
    ds.targets[i] = static_cast<float>(y + noise * rng.normal());
  }
  return ds;
}

LsqOptimum solve_lsq(const Dataset& train, double l2) {
  const std::size_t d = train.cols, n = train.rows;
  std::vector<double> a(d * d, 0.0), b(d, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const float* x = train.row(i);
    for (std::size_t j = 0; j < d; ++j) {
      b[j] += x[j] * static_cast<double>(train.targets[i]);
      for (std::size_t k = 0; k <= j; ++k) a[j * d + k] += static_cast<double>(x[j]) * x[k];
    }
  }
  for (std::size_t j = 0; j < d; ++j) {
    b[j] /= static_cast<double>(n);
    for (std::size_t k = 0; k <= j; ++k) a[j * d + k] /= static_cast<double>(n);
    a[j * d + j] += l2;
  }
  // Cholesky A = L Lᵀ in the lower triangle, then two triangular solves.
  for (std::size_t j = 0; j < d; ++j) {
    for (std::size_t k = 0; k < j; ++k) a[j * d + j] -= a[j * d + k] * a[j * d + k];
    if (!(a[j * d + j] > 0.0)) throw Error("synthetic least squares: XᵀX is singular");
    a[j * d + j] = std::sqrt(a[j * d + j]);
    for (std::size_t i = j + 1; i < d; ++i) {
      for (std::size_t k = 0; k < j; ++k) a[i * d + j] -= a[i * d + k] * a[j * d + k];
      a[i * d + j] /= a[j * d + j];
    }
  }
  LsqOptimum opt;
  opt.w = b;
  for (std::size_t i = 0; i < d; ++i) {
    for (std::size_t k = 0; k < i; ++k) opt.w[i] -= a[i * d + k] * opt.w[k];
    opt.w[i] /= a[i * d + i];
  }
  for (std::size_t i = d; i-- > 0;) {
    for (std::size_t k = i + 1; k < d; ++k) opt.w[i] -= a[k * d + i] * opt.w[k];
    opt.w[i] /= a[i * d + i];
  }
  double f = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    double r = -static_cast<double>(train.targets[i]);
    for (std::size_t j = 0; j < d; ++j) r += train.row(i)[j] * opt.w[j];
    f += 0.5 * r * r;
  }
  double reg = 0.0;
  for (double v : opt.w) reg += v * v;
  opt.f = f / static_cast<double>(n) + 0.5 * l2 * reg;
  return opt;
}

Quadratic lsq_quadratic(const Dataset& train) {
  const std::size_t d = train.cols;
  const auto n = static_cast<double>(train.rows);
  Quadratic q{std::vector<std::vector<double>>(d, std::vector<double>(d, 0.0)),
              std::vector<double>(d, 0.0), 0.0};
  for (std::size_t i = 0; i < train.rows; ++i) {
    const float* x = train.row(i);
    const double y = train.targets[i];
    for (std::size_t j = 0; j < d; ++j) {
      q.b[j] += x[j] * y / n;
      for (std::size_t k = 0; k < d; ++k) q.a[j][k] += static_cast<double>(x[j]) * x[k] / n;
    }
    q.c += 0.5 * y * y / n;
  }
  return q;
}

double lsq_objective(const Dataset& data, const float* w, double l2) {
  double f = 0.0;
  for (std::size_t i = 0; i < data.rows; ++i) {
    double r = -static_cast<double>(data.targets[i]);
    for (std::size_t j = 0; j < data.cols; ++j) r += static_cast<double>(data.row(i)[j]) * w[j];
    f += 0.5 * r * r;
  }
  double reg = 0.0;
  for (std::size_t j = 0; j < data.cols; ++j) reg += static_cast<double>(w[j]) * w[j];
  return f / static_cast<double>(data.rows) + 0.5 * l2 * reg;
}

Dataset make_gaussian_mixture(std::size_t rows, std::size_t d, std::size_t classes,
                              double separation, std::uint64_t seed) {
  if (rows == 0 || d == 0 || classes < 2 || classes > 256) {
    throw Error("gaussian mixture: needs rows, d > 0 and 2..256 classes");
  }
  Rng rng(seed, Stream::kSplit);
  std::vector<double> means(classes * d);
  for (double& m : means) m = separation * rng.normal();
  Dataset ds;
  ds.name = "gaussian-mixture";
  ds.rows = rows;
  ds.cols = d;
  ds.classes = classes;
  ds.x.resize(rows * d);
  for (std::size_t i = 0; i < rows; ++i) {
    const auto c = static_cast<std::size_t>(rng.below(classes));
    ds.y.push_back(static_cast<std::uint8_t>(c));
    for (std::size_t j = 0; j < d; ++j) {
      ds.x[i * d + j] = static_cast<float>(means[c * d + j] + rng.normal());
    }
  }
  return ds;
}

}  // namespace sgdbench
