#include "model/hessian_vector.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>

namespace sgdbench {
namespace {
constexpr std::size_t kChunkRows = 256;  // the fixed summation chunks
}  // namespace

HessianAt::HessianAt(const Dataset& train, double l2, std::size_t classes)
    : train_(&train),
      l2_(l2),
      classes_(classes),
      dim_(classes == 0 ? train.cols : classes * (train.cols + 1)) {}

HessianAt HessianAt::least_squares(const Dataset& train, double l2) {
  return {train, l2, 0};
}

HessianAt HessianAt::softmax(const Dataset& train, std::span<const float> w, double l2) {
  HessianAt h(train, l2, train.classes);
  const std::size_t d = train.cols, k = train.classes;
  h.p_.resize(train.rows * k);
  std::vector<float> x(d);
  for (std::size_t r = 0; r < train.rows; ++r) {
    train.copy_row(r, x.data());
    double* p = h.p_.data() + r * k;
    for (std::size_t c = 0; c < k; ++c) {
      double z = w[k * d + c];
      for (std::size_t i = 0; i < d; ++i) z += static_cast<double>(w[c * d + i]) * x[i];
      p[c] = z;
    }
    const double top = *std::max_element(p, p + k);
    double sum = 0.0;
    for (std::size_t c = 0; c < k; ++c) sum += p[c] = std::exp(p[c] - top);
    for (std::size_t c = 0; c < k; ++c) p[c] /= sum;
  }
  return h;
}

void HessianAt::apply_rows(std::size_t begin, std::size_t end, std::span<const double> v,
                           std::span<double> out) const {
  const std::size_t d = train_->cols;
  std::vector<float> xf(d);
  std::vector<double> x(d), z(std::max<std::size_t>(classes_, 1));
  for (std::size_t r = begin; r < end; ++r) {
    train_->copy_row(r, xf.data());
    std::copy(xf.begin(), xf.end(), x.begin());
    if (classes_ == 0) {  // Xᵀ(Xv)
      double s = 0.0;
      for (std::size_t i = 0; i < d; ++i) s += x[i] * v[i];
      for (std::size_t i = 0; i < d; ++i) out[i] += s * x[i];
      continue;
    }
    const std::size_t k = classes_;
    const double* p = p_.data() + r * k;
    double pz = 0.0;
    for (std::size_t c = 0; c < k; ++c) {  // z = V x̃
      double s = v[k * d + c];
      for (std::size_t i = 0; i < d; ++i) s += v[c * d + i] * x[i];
      z[c] = s;
      pz += p[c] * s;
    }
    for (std::size_t c = 0; c < k; ++c) {  // (diag p − ppᵀ) z, then its outer product with x̃
      const double s = p[c] * (z[c] - pz);
      for (std::size_t i = 0; i < d; ++i) out[c * d + i] += s * x[i];
      out[k * d + c] += s;
    }
  }
}

void HessianAt::apply(std::span<const double> v, std::span<double> out) const {
  const std::size_t rows = train_->rows;
  const std::size_t chunks = (rows + kChunkRows - 1) / kChunkRows;
  std::vector<std::vector<double>> partial(chunks);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1), [&](const auto& range) {
    for (std::size_t c = range.begin(); c != range.end(); ++c) {
      partial[c].assign(dim_, 0.0);
      apply_rows(c * kChunkRows, std::min(rows, (c + 1) * kChunkRows), v, partial[c]);
    }
  });
  const double inv_n = 1.0 / static_cast<double>(rows);
  std::fill(out.begin(), out.end(), 0.0);
  for (const auto& part : partial) {  // in chunk order, whatever ran where
    for (std::size_t i = 0; i < dim_; ++i) out[i] += part[i];
  }
  for (std::size_t i = 0; i < dim_; ++i) out[i] = out[i] * inv_n + l2_ * v[i];
}

}  // namespace sgdbench
