#pragma once
// The reference kernels: plain loops, compiled without auto-vectorisation
// (scalar_kernels.cpp), so "scalar vs SIMD" in the benchmarks means what it says.
// Every other kernel set is tested against these.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/trans.hpp"

namespace sgdbench {

struct ScalarKernels {
  static constexpr std::string_view name = "scalar";

  /// C = alpha · op(A) · op(B) + beta · C, op(A) m×k, op(B) k×n, C m×n (row-major).
  /// beta == 0 never reads C.
  static void gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                   const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                   float* c, std::size_t ldc);
  /// y = alpha · op(A) · x + beta · y, A m×n (so y has m entries for kNo, n for kYes).
  static void gemv(Trans ta, std::size_t m, std::size_t n, float alpha, const float* a,
                   std::size_t lda, const float* x, float beta, float* y);
  /// y += alpha · x
  static void axpy(std::size_t n, float alpha, const float* x, float* y);
  static float dot(std::size_t n, const float* x, const float* y);
  /// x ← 1 / (1 + exp(−x)), element-wise.
  static void sigmoid(std::size_t n, float* x);
  /// x ← exp(x), element-wise.
  static void exp(std::size_t n, float* x);
  /// out[i] = float(bytes[i]) · scale, one rounding each (compact byte data sets).
  static void widen_bytes(const std::uint8_t* bytes, std::size_t n, float scale, float* out);
};

}  // namespace sgdbench
