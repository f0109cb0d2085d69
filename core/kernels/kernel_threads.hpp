#pragma once
// How many threads one kernel call may split its work across (SimdKernels::gemm on large
// products). The execution policy decides (its kernel_threads; GradientEngine sets it on
// the calling thread for every gradient, fused step and evaluation): Sequential says 1, so
// a "seq" variant stays on one core whatever TBB could offer; the TBB policies leave the
// limit open, and the kernel then uses what TBB's arena and tbb::global_control (a run's
// thread count) allow. The kernels are static functions called from inside the models,
// so the decision travels as this thread-local limit rather than as a parameter.
// Splitting never changes bits: each slice of C is the same serial GEMM.
#include <cstddef>
#include <limits>

namespace sgdbench {

/// No limit beyond TBB's.
inline constexpr std::size_t kAnyKernelThreads = std::numeric_limits<std::size_t>::max();

inline thread_local std::size_t t_kernel_thread_limit = kAnyKernelThreads;

/// The limit for kernel calls on this thread.
inline std::size_t kernel_thread_limit() {
  return t_kernel_thread_limit;
}

/// Sets the limit for this thread while in scope.
class KernelThreadLimit {
 public:
  explicit KernelThreadLimit(std::size_t limit) : saved_(t_kernel_thread_limit) {
    t_kernel_thread_limit = limit;
  }
  ~KernelThreadLimit() { t_kernel_thread_limit = saved_; }
  KernelThreadLimit(const KernelThreadLimit&) = delete;
  KernelThreadLimit& operator=(const KernelThreadLimit&) = delete;

 private:
  std::size_t saved_;
};

}  // namespace sgdbench
