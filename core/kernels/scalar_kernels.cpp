#include "kernels/scalar_kernels.hpp"

#include <cmath>

namespace sgdbench {
namespace {

float element(Trans t, const float* p, std::size_t ld, std::size_t i, std::size_t j) {
  return t == Trans::kNo ? p[i * ld + j] : p[j * ld + i];
}

}  // namespace

void ScalarKernels::gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
                         float alpha, const float* a, std::size_t lda, const float* b,
                         std::size_t ldb, float beta, float* c, std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    float* ci = c + i * ldc;
    for (std::size_t j = 0; j < n; ++j) ci[j] = beta == 0.0f ? 0.0f : beta * ci[j];
    for (std::size_t p = 0; p < k; ++p) {
      const float aip = alpha * element(ta, a, lda, i, p);
      for (std::size_t j = 0; j < n; ++j) ci[j] += aip * element(tb, b, ldb, p, j);
    }
  }
}

void ScalarKernels::gemv(Trans ta, std::size_t m, std::size_t n, float alpha, const float* a,
                         std::size_t lda, const float* x, float beta, float* y) {
  const std::size_t rows = ta == Trans::kNo ? m : n;
  const std::size_t cols = ta == Trans::kNo ? n : m;
  for (std::size_t i = 0; i < rows; ++i) {
    float sum = 0.0f;
    for (std::size_t j = 0; j < cols; ++j) sum += element(ta, a, lda, i, j) * x[j];
    y[i] = alpha * sum + (beta == 0.0f ? 0.0f : beta * y[i]);
  }
}

void ScalarKernels::axpy(std::size_t n, float alpha, const float* x, float* y) {
  for (std::size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

float ScalarKernels::dot(std::size_t n, const float* x, const float* y) {
  float sum = 0.0f;
  for (std::size_t i = 0; i < n; ++i) sum += x[i] * y[i];
  return sum;
}

void ScalarKernels::sigmoid(std::size_t n, float* x) {
  for (std::size_t i = 0; i < n; ++i) x[i] = 1.0f / (1.0f + std::exp(-x[i]));
}

void ScalarKernels::exp(std::size_t n, float* x) {
  for (std::size_t i = 0; i < n; ++i) x[i] = std::exp(x[i]);
}

void ScalarKernels::widen_bytes(const std::uint8_t* bytes, std::size_t n, float scale, float* out) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(bytes[i]) * scale;
}

}  // namespace sgdbench
