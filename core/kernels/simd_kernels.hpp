#pragma once
// SIMD kernels on xsimd batches, one instantiation per instruction set. The arch is a
// type (xsimd::avx2, xsimd::avx512bw, ...); the build compiles the one chosen at
// configure time (SGDBENCH_ARCH, default the build machine's best) as `BestArch`.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/dense_forward.hpp"
#include "kernels/kernel_set.hpp"
#include "kernels/linear_one_pass.hpp"

namespace sgdbench {

/// The best instruction set the build flags enable.
using BestArch = xsimd::default_arch;

template <class Arch>
struct SimdKernels {
  static constexpr std::string_view name = "simd";
  static constexpr std::string_view arch_name() { return Arch::name(); }

  SGDBENCH_KERNEL_SET_MEMBERS;  // kernel_set.hpp: the list and the contracts

  /// Softmax regression's chunk in one pass over its bytes (linear_one_pass.hpp has the
  /// contract; simd_one_pass.hpp the how).
  static bool linear_one_pass(const LinearOnePassArgs& args);

  /// A dense layer's forward with the bias and σ in the GEMM's epilogue (dense_forward.hpp
  /// has the contract; simd_gemm.hpp the how).
  static bool dense_forward(const DenseForwardArgs& args);
};

/// Every instruction set the build flags enable (BestArch is one of them; a static_assert
/// in simd_kernels.cpp checks): simd_kernels.cpp compiles SimdKernels for each, so the
/// tests can hold each against the scalar reference; variants use BestArch. The member
/// definitions live only in that file.
template <class... A>
struct ArchList {};

using EnabledArchs = ArchList<
#if XSIMD_WITH_SSE4_2
    xsimd::sse4_2
#endif
#if XSIMD_WITH_SSE4_2 && XSIMD_WITH_FMA3_AVX2
    ,
#endif
#if XSIMD_WITH_FMA3_AVX2
    xsimd::fma3<xsimd::avx2>
#endif
#if (XSIMD_WITH_SSE4_2 || XSIMD_WITH_FMA3_AVX2) && XSIMD_WITH_AVX512BW
    ,
#endif
#if XSIMD_WITH_AVX512BW
    xsimd::avx512bw
#endif
    >;

// Compiled once, in simd_kernels.cpp: a file that also sees the member definitions (the
// micro-benchmarks, through simd_gemm_packed.hpp) links that copy instead of compiling
// its own.
#if XSIMD_WITH_SSE4_2
extern template struct SimdKernels<xsimd::sse4_2>;
#endif
#if XSIMD_WITH_FMA3_AVX2
extern template struct SimdKernels<xsimd::fma3<xsimd::avx2>>;
#endif
#if XSIMD_WITH_AVX512BW
extern template struct SimdKernels<xsimd::avx512bw>;
#endif

}  // namespace sgdbench
