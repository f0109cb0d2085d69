// The one place SimdKernels is compiled: for every arch in EnabledArchs.
// GCC 12 warns that _mm512_undefined_ps() (used inside xsimd::exp by its own AVX-512
// intrinsics header) "may be used uninitialized": a false positive by design.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "kernels/simd_gemm.hpp"
#include "kernels/simd_level1.hpp"
#include "kernels/simd_one_pass.hpp"
#include "kernels/simd_widen.hpp"

namespace sgdbench {
#if XSIMD_WITH_SSE4_2
template struct SimdKernels<xsimd::sse4_2>;
#endif
#if XSIMD_WITH_FMA3_AVX2
template struct SimdKernels<xsimd::fma3<xsimd::avx2>>;
#endif
#if XSIMD_WITH_AVX512BW
template struct SimdKernels<xsimd::avx512bw>;
#endif

static_assert(std::is_same_v<BestArch, xsimd::sse4_2> ||
                  std::is_same_v<BestArch, xsimd::fma3<xsimd::avx2>> ||
                  std::is_same_v<BestArch, xsimd::avx512bw>,
              "the build's best arch is not instantiated above: add it here and to EnabledArchs");
}  // namespace sgdbench
