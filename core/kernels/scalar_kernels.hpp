#pragma once
// The reference kernels: plain loops, compiled without auto-vectorisation
// (scalar_kernels.cpp), so "scalar vs SIMD" in the benchmarks means what it says.
// Every other kernel set is tested against these.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "kernels/kernel_set.hpp"

namespace sgdbench {

struct ScalarKernels {
  static constexpr std::string_view name = "scalar";

  SGDBENCH_KERNEL_SET_MEMBERS;  // kernel_set.hpp: the list and the contracts
};

}  // namespace sgdbench
