#pragma once
// OpenBLAS behind the kernel contract: the yardstick the SIMD kernels are measured
// against, in the micro-benchmarks, the tests and the nielsen/plain/blas/* variants that
// a config can run (built when SGDBENCH_WITH_BLAS is ON).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/trans.hpp"

namespace sgdbench {

struct BlasKernels {
  static constexpr std::string_view name = "blas";
  static void gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                   const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                   float* c, std::size_t ldc);
  static void gemv(Trans ta, std::size_t m, std::size_t n, float alpha, const float* a,
                   std::size_t lda, const float* x, float beta, float* y);
  static void axpy(std::size_t n, float alpha, const float* x, float* y);
  static float dot(std::size_t n, const float* x, const float* y);
  static void sigmoid(std::size_t n, float* x);
  static void exp(std::size_t n, float* x);
  static void widen_bytes(const std::uint8_t* bytes, std::size_t n, float scale, float* out);
  /// OpenBLAS runs its own thread pool; benchmarks pin it to match ours.
  static void set_threads(int threads);
};

}  // namespace sgdbench
