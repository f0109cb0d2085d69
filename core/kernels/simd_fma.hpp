#pragma once
// fmadd<Arch>(a, b, c) = a·b + c in one rounding. xsimd 8.1 has no AVX-512 fma: its
// generic fallback is a multiply then an add, which the build's -ffp-contract=off keeps
// as two instructions and two roundings. That halved the AVX-512 GEMM's peak (measured
// with BM_gemm: 62 GFLOP/s before, see results/micro). The intrinsic fixes it. The same
// holds for SSE4.2's 4 lanes where the build has FMA (x86-64-v3 and up): fused there too,
// so that its kernels keep the canonical bits (simd_canon.hpp). A build without FMA
// (x86-64-v2) rounds twice, and its SSE4.2 kernels are not canonical.
#include <xsimd/xsimd.hpp>
#if XSIMD_WITH_AVX512F || defined(__FMA__)
#include <immintrin.h>
#endif
#include <type_traits>

namespace sgdbench {

template <class Arch>
inline xsimd::batch<float, Arch> fmadd(const xsimd::batch<float, Arch>& a,
                                       const xsimd::batch<float, Arch>& b,
                                       const xsimd::batch<float, Arch>& c) {
#if XSIMD_WITH_AVX512F
  if constexpr (std::is_base_of_v<xsimd::avx512f, Arch>) return _mm512_fmadd_ps(a, b, c);
#endif
#if defined(__FMA__) && XSIMD_WITH_SSE4_2
  if constexpr (std::is_same_v<Arch, xsimd::sse4_2>) return _mm_fmadd_ps(a, b, c);
#endif
  return xsimd::fma(a, b, c);
}

}  // namespace sgdbench
