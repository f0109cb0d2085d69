// The one place SimdKernels is compiled, for the arch the build flags select.
// GCC 12 warns that _mm512_undefined_ps() (used inside xsimd::exp by its own AVX-512
// intrinsics header) "may be used uninitialized": a false positive by design.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "kernels/simd_gemm.hpp"
#include "kernels/simd_level1.hpp"

namespace sgdbench {
template struct SimdKernels<BestArch>;
}  // namespace sgdbench
