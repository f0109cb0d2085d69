#include "kernels/blas_kernels.hpp"

#include <cblas.h>

#include "kernels/scalar_kernels.hpp"

namespace sgdbench {
namespace {
CBLAS_TRANSPOSE to_cblas(Trans t) {
  return t == Trans::kNo ? CblasNoTrans : CblasTrans;
}
int to_int(std::size_t v) {
  return static_cast<int>(v);
}
}  // namespace

void BlasKernels::gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                       const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                       float* c, std::size_t ldc) {
  cblas_sgemm(CblasRowMajor, to_cblas(ta), to_cblas(tb), to_int(m), to_int(n), to_int(k), alpha, a,
              to_int(lda), b, to_int(ldb), beta, c, to_int(ldc));
}

void BlasKernels::gemv(Trans ta, std::size_t m, std::size_t n, float alpha, const float* a,
                       std::size_t lda, const float* x, float beta, float* y) {
  cblas_sgemv(CblasRowMajor, to_cblas(ta), to_int(m), to_int(n), alpha, a, to_int(lda), x, 1, beta,
              y, 1);
}

void BlasKernels::axpy(std::size_t n, float alpha, const float* x, float* y) {
  cblas_saxpy(to_int(n), alpha, x, 1, y, 1);
}

float BlasKernels::dot(std::size_t n, const float* x, const float* y) {
  return cblas_sdot(to_int(n), x, 1, y, 1);
}

// BLAS has no element-wise maps; the reference one serves.
void BlasKernels::sigmoid(std::size_t n, float* x) {
  ScalarKernels::sigmoid(n, x);
}

void BlasKernels::exp(std::size_t n, float* x) {
  ScalarKernels::exp(n, x);
}

void BlasKernels::widen_bytes(const std::uint8_t* bytes, std::size_t n, float scale, float* out) {
  ScalarKernels::widen_bytes(bytes, n, scale, out);
}

void BlasKernels::set_threads(int threads) {
  openblas_set_num_threads(threads);
}

std::string BlasKernels::core_name() {
  const char* name = openblas_get_corename();
  return name == nullptr ? "unknown" : name;
}

}  // namespace sgdbench
