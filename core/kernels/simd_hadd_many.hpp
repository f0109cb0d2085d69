#pragma once
// hadd_many: the horizontal sums of N vectors, each with the bits of xsimd::hadd.
//
// A dot tile ends with one horizontal sum per entry of C (20 per 4 × 5 or 2 × 10 tile).
// xsimd::hadd reduces one vector at a time: on AVX-512 an extract, two adds, a lane swap
// and two haddps, about 10 instructions of which 6 shuffles. Reducing 16 vectors together
// with the same pairs of lanes takes 15 adds and 30 shuffles in all. The sums are the same
// additions of the same operands in the same order, so the bits are the same, NaN payloads
// included (unit_hadd_many_gives_the_bits_of_xsimd_hadd). Other archs call xsimd::hadd.
#include <cstddef>
#include <type_traits>
#include <xsimd/xsimd.hpp>
#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace sgdbench::gemm_detail {

#if defined(__AVX512F__)
/// xsimd 8's AVX-512 hadd(x) (xsimd_avx512f.hpp, then xsimd_avx.hpp), lane by lane:
///   s_i = x_{i+8} + x_i (i < 8);  t_i = s_i + s_{i+4} (i < 4);
///   u_0 = t_0 + t_1, u_1 = t_2 + t_3;  sum = u_0 + u_1.
/// Here the same four levels for 16 vectors at once. Vector v enters at slot
/// 4 · (v mod 4) + v / 4, so that lane v of the result holds vector v's sum.
inline __m512 hadd16_avx512(const __m512 (&slot)[16]) {
  // The all-ones "maskz" form is the same instruction; GCC 12's unmasked form passes an
  // undefined vector that -Wuninitialized reports.
  constexpr __mmask16 kAll = 0xFFFF;
  __m512 s[8], t[4], u[2];
  for (int j = 0; j < 8; ++j) {  // s: lanes 0-7 from slot 2j, lanes 8-15 from slot 2j+1
    const __m512 a = slot[2 * j], b = slot[2 * j + 1];
    const __m512 lo = _mm512_maskz_shuffle_f32x4(kAll, a, b, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 hi = _mm512_maskz_shuffle_f32x4(kAll, a, b, _MM_SHUFFLE(3, 2, 3, 2));
    s[j] = _mm512_add_ps(hi, lo);
  }
  for (int j = 0; j < 4; ++j) {  // t: 128-bit block q from slot 4j + q
    const __m512 lo =
        _mm512_maskz_shuffle_f32x4(kAll, s[2 * j], s[2 * j + 1], _MM_SHUFFLE(2, 0, 2, 0));
    const __m512 hi =
        _mm512_maskz_shuffle_f32x4(kAll, s[2 * j], s[2 * j + 1], _MM_SHUFFLE(3, 1, 3, 1));
    t[j] = _mm512_add_ps(lo, hi);
  }
  for (int j = 0; j < 2; ++j) {  // u: in block q, slot q then slot 4 + q (of 8j)
    const __m512 even = _mm512_shuffle_ps(t[2 * j], t[2 * j + 1], _MM_SHUFFLE(2, 0, 2, 0));
    const __m512 odd = _mm512_shuffle_ps(t[2 * j], t[2 * j + 1], _MM_SHUFFLE(3, 1, 3, 1));
    u[j] = _mm512_add_ps(even, odd);
  }
  // Block q: slots q, 4 + q, 8 + q, 12 + q, i.e. vectors 4q .. 4q + 3.
  const __m512 even = _mm512_shuffle_ps(u[0], u[1], _MM_SHUFFLE(2, 0, 2, 0));
  const __m512 odd = _mm512_shuffle_ps(u[0], u[1], _MM_SHUFFLE(3, 1, 3, 1));
  return _mm512_add_ps(even, odd);
}
#endif

/// out[v] = xsimd::hadd(x[v]) for v < N, bit for bit.
template <class Arch, std::size_t N>
void hadd_many(const xsimd::batch<float, Arch>* x, float* out) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<Arch, xsimd::avx512bw>) {
    for (std::size_t v0 = 0; v0 < N; v0 += 16) {
      __m512 slot[16];
      for (std::size_t i = 0; i < 16; ++i) {
        const std::size_t v = v0 + 4 * (i % 4) + i / 4;
        slot[i] = v < N ? x[v].data : _mm512_setzero_ps();
      }
      alignas(64) float sums[16];
      _mm512_store_ps(sums, hadd16_avx512(slot));
      for (std::size_t v = v0; v < N && v < v0 + 16; ++v) out[v] = sums[v - v0];
    }
    return;
  }
#endif
  for (std::size_t v = 0; v < N; ++v) out[v] = xsimd::hadd(x[v]);
}

}  // namespace sgdbench::gemm_detail
