#pragma once
// The static members every kernel set declares (ScalarKernels, SimdKernels<Arch>,
// BlasKernels; the Kernels concept in concepts.hpp checks them), written once so that the
// sets cannot drift apart, as BLIS writes its prototypes. Row-major; the contracts:
//   gemm  C = alpha · op(A) · op(B) + beta · C, op(A) m×k, op(B) k×n, C m×n;
//         beta == 0 never reads C
//   gemv  y = alpha · op(A) · x + beta · y, A m×n (y has m entries for kNo, n for kYes)
//   axpy  y += alpha · x;    dot  Σ x_i y_i
//   sigmoid  x ← 1 / (1 + exp(−x)),   exp  x ← exp(x): element-wise, in place
//   widen_bytes  out[i] = float(bytes[i]) · scale, one rounding each (compact data sets)
#include <cstddef>
#include <cstdint>

#include "kernels/trans.hpp"

// NOLINTNEXTLINE(cppcoreguidelines-macro-usage): one declaration list for three structs
#define SGDBENCH_KERNEL_SET_MEMBERS                                                              \
  static void gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha, \
                   const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, \
                   float* c, std::size_t ldc);                                                   \
  static void gemv(Trans ta, std::size_t m, std::size_t n, float alpha, const float* a,          \
                   std::size_t lda, const float* x, float beta, float* y);                       \
  static void axpy(std::size_t n, float alpha, const float* x, float* y);                        \
  static float dot(std::size_t n, const float* x, const float* y);                               \
  static void sigmoid(std::size_t n, float* x);                                                  \
  static void exp(std::size_t n, float* x);                                                      \
  static void widen_bytes(const std::uint8_t* bytes, std::size_t n, float scale, float* out)
