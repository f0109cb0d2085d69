#pragma once
// SimdKernels<Arch>::widen_bytes: out[i] = float(bytes[i]) · scale for compact (byte)
// data sets, one rounding each, so the same bits as the scalar loop and as a float data
// set built with that formula. xsimd 8 has no u8 → i32 widening, so the AVX-512 and AVX2
// paths use the intrinsics of the arch the kernels are instantiated for.
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "kernels/simd_kernels.hpp"

namespace sgdbench {

template <class Arch>
void SimdKernels<Arch>::widen_bytes(const std::uint8_t* bytes, std::size_t n, float scale,
                                    float* out) {
  std::size_t i = 0;
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<Arch, xsimd::avx512bw>) {
    const __m512 s = _mm512_set1_ps(scale);
    for (; i + 16 <= n; i += 16) {
      const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
      // The all-ones "maskz" forms are the same instructions; GCC 12's unmasked forms pass
      // an undefined vector that -Wmaybe-uninitialized reports (8 false warnings).
      const __m512i wide = _mm512_maskz_cvtepu8_epi32(__mmask16(0xFFFF), b);
      _mm512_storeu_ps(out + i,
                       _mm512_mul_ps(_mm512_maskz_cvtepi32_ps(__mmask16(0xFFFF), wide), s));
    }
  }
#endif
#if defined(__AVX2__)
  if constexpr (std::is_same_v<Arch, xsimd::fma3<xsimd::avx2>>) {
    const __m256 s = _mm256_set1_ps(scale);
    for (; i + 8 <= n; i += 8) {
      const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes + i));
      _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)), s));
    }
  }
#endif
  for (; i < n; ++i) out[i] = static_cast<float>(bytes[i]) * scale;
}

}  // namespace sgdbench
