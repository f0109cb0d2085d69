#pragma once
// OpenBLAS behind the kernel contract: the yardstick the SIMD kernels are measured
// against, in the micro-benchmarks, the tests and the nielsen/plain/blas/* variants that
// a config can run (built when SGDBENCH_WITH_BLAS is ON).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/kernel_set.hpp"

namespace sgdbench {

struct BlasKernels {
  static constexpr std::string_view name = "blas";
  SGDBENCH_KERNEL_SET_MEMBERS;  // kernel_set.hpp
  /// OpenBLAS runs its own thread pool; benchmarks pin it to match ours.
  static void set_threads(int threads);
};

}  // namespace sgdbench
