#pragma once
// OpenBLAS behind the kernel contract: the yardstick the SIMD kernels are measured
// against, in the micro-benchmarks, the tests and the nielsen/plain/blas/* variants that
// a config can run (built when SGDBENCH_WITH_BLAS is ON).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "kernels/kernel_set.hpp"

namespace sgdbench {

struct BlasKernels {
  static constexpr std::string_view name = "blas";
  SGDBENCH_KERNEL_SET_MEMBERS;  // kernel_set.hpp
  /// OpenBLAS runs its own thread pool; benchmarks pin it to match ours.
  static void set_threads(int threads);
  /// The kernels OpenBLAS chose when it loaded ("Haswell", "SkylakeX", "Zen", ...): Debian
  /// builds it with DYNAMIC_ARCH, and each core type has its own kernels and blocking, so
  /// its own order of the sums.
  static std::string core_name();
};

/// The core type sgdbench pins OpenBLAS to where its results are recorded or checked:
/// Haswell's kernels (AVX2 + FMA) and blocking constants (param.h, not read from the
/// caches) run alike on every x86-64 CPU this suite targets, AMD or Intel, so the blas
/// variants' losses reproduce across CPU kinds. Measured on an Intel Xeon (family 6 model
/// 167) against results made on an AMD EPYC: with each CPU's own choice the blas rows of
/// results/throughput differed in all 1,260 loss and gradient-norm figures.
inline constexpr const char* kPinnedOpenBlasCore = "Haswell";

}  // namespace sgdbench
