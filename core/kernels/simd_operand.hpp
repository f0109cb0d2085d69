#pragma once
// The operands the dot tiles and rank-1 blocks read rows from: floats, or bytes widened
// on the fly (ByteRows: x = float(byte) · scale, the value widen_bytes stores, one
// rounding each). A tile templated on its operand type computes the same products in the
// same order from either, so the one-pass kernel (simd_one_pass.hpp) keeps the bits of
// the widen-then-GEMM calls without writing the floats anywhere.
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>
#if defined(__SSE4_1__)
#include <immintrin.h>
#endif

namespace sgdbench::gemm_detail {

/// Byte rows read as floats; `+` moves by elements, as on a float pointer.
struct ByteRows {
  const std::uint8_t* p;
  float scale;
  ByteRows operator+(std::size_t n) const { return {p + n, scale}; }
};

inline float scalar_at(const float* a, std::size_t i) {
  return a[i];
}
inline float scalar_at(ByteRows a, std::size_t i) {
  return static_cast<float>(a.p[i]) * a.scale;
}

/// Bytes per element of an operand.
template <class Rows>
inline constexpr std::size_t kElementBytes = std::is_same_v<Rows, ByteRows> ? 1 : sizeof(float);

inline const void* address(const float* a) {
  return a;
}
inline const void* address(ByteRows a) {
  return a.p;
}

/// The W floats at a (a vector load, or W bytes widened and scaled).
template <class Arch>
xsimd::batch<float, Arch> load_vec(const float* a) {
  return xsimd::batch<float, Arch>::load_unaligned(a);
}

template <class Arch>
xsimd::batch<float, Arch> load_vec(ByteRows a) {
  using B = xsimd::batch<float, Arch>;
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<Arch, xsimd::avx512bw>) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a.p));
    // The all-ones "maskz" forms: see simd_widen.hpp (GCC 12's false warnings).
    const __m512 f = _mm512_maskz_cvtepi32_ps(__mmask16(0xFFFF),
                                              _mm512_maskz_cvtepu8_epi32(__mmask16(0xFFFF), b));
    return B(_mm512_mul_ps(f, _mm512_set1_ps(a.scale)));
  }
#endif
#if defined(__AVX2__)
  if constexpr (std::is_same_v<Arch, xsimd::fma3<xsimd::avx2>>) {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(a.p));
    return B(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)), _mm256_set1_ps(a.scale)));
  }
#endif
  alignas(64) float f[B::size];
  for (std::size_t i = 0; i < B::size; ++i) f[i] = scalar_at(a, i);
  return B::load_aligned(f);
}

}  // namespace sgdbench::gemm_detail
