#pragma once
// hadd_many: the horizontal sums of N vectors, each with the bits of xsimd::hadd.
//
// A dot tile ends with one horizontal sum per entry of C (20 per 4 × 5 or 2 × 10 tile, 30 per
// 3 × 10).
// xsimd::hadd reduces one vector at a time: on AVX-512 an extract, two adds, a lane swap
// and two haddps, about 10 instructions of which 6 shuffles. Reducing 16 vectors together
// with the same pairs of lanes takes 15 adds and 30 shuffles in all. The sums are the same
// additions of the same operands in the same order, so the bits are the same, and a NaN
// stays a NaN (unit_hadd_many_gives_the_bits_of_xsimd_hadd; a NaN's payload is not
// reproducible even through xsimd::hadd: GCC swaps commutative operands). Other archs call
// xsimd::hadd. Where k is a multiple of 16, store_tile_sums_avx512 also writes the tile's
// C from the summed vectors, one masked row at a time, instead of 20-30 scalar updates.
// AMD EPYC, 1 thread, medians of 2001-20001 calls: the dot tiles on 100 × 10 × 30 (a
// Nielsen output layer) 5.7 -> 7.5 GFLOP/s, 10 × 100 × 784 88-91 -> 94.
#include <cstddef>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/simd_canon.hpp"
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
  // The all-ones "maskz" forms are the same instructions; GCC 12's unmasked forms pass an
  // undefined vector that -Wuninitialized reports.
  constexpr __mmask16 kAll = 0xFFFF;
  __m512 s[8], t[4], u[2];
  for (std::size_t j = 0; j < 8; ++j) {  // s: lanes 0-7 from slot 2j, lanes 8-15 from slot 2j+1
    const __m512 a = slot[2 * j], b = slot[2 * j + 1];
    const __m512 lo = _mm512_maskz_shuffle_f32x4(kAll, a, b, _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 hi = _mm512_maskz_shuffle_f32x4(kAll, a, b, _MM_SHUFFLE(3, 2, 3, 2));
    s[j] = _mm512_add_ps(hi, lo);
  }
  for (std::size_t j = 0; j < 4; ++j) {  // t: 128-bit block q from slot 4j + q
    const __m512 lo =
        _mm512_maskz_shuffle_f32x4(kAll, s[2 * j], s[2 * j + 1], _MM_SHUFFLE(2, 0, 2, 0));
    const __m512 hi =
        _mm512_maskz_shuffle_f32x4(kAll, s[2 * j], s[2 * j + 1], _MM_SHUFFLE(3, 1, 3, 1));
    t[j] = _mm512_add_ps(lo, hi);
  }
  for (std::size_t j = 0; j < 2; ++j) {  // u: in block q, slot q then slot 4 + q (of 8j)
    const __m512 even =
        _mm512_maskz_shuffle_ps(kAll, t[2 * j], t[2 * j + 1], _MM_SHUFFLE(2, 0, 2, 0));
    const __m512 odd =
        _mm512_maskz_shuffle_ps(kAll, t[2 * j], t[2 * j + 1], _MM_SHUFFLE(3, 1, 3, 1));
    u[j] = _mm512_add_ps(even, odd);
  }
  // Block q: slots q, 4 + q, 8 + q, 12 + q, i.e. vectors 4q .. 4q + 3.
  const __m512 even = _mm512_maskz_shuffle_ps(kAll, u[0], u[1], _MM_SHUFFLE(2, 0, 2, 0));
  const __m512 odd = _mm512_maskz_shuffle_ps(kAll, u[0], u[1], _MM_SHUFFLE(3, 1, 3, 1));
  return _mm512_add_ps(even, odd);
}

/// Lane v of the result: xsimd::hadd(x[v0 + v]) for v0 + v < N (zero past N).
template <std::size_t N>
__m512 hadd16_slots(const CanonVec<xsimd::avx512bw>* x, std::size_t v0) {
  __m512 slot[16];
  for (std::size_t i = 0; i < 16; ++i) {
    const std::size_t v = v0 + 4 * (i % 4) + i / 4;
    slot[i] = v < N ? x[v].r[0].data : _mm512_setzero_ps();
  }
  return hadd16_avx512(slot);
}

/// The dot tile's last step where no scalar tail follows (k a multiple of 16), for
/// RT × CT ≤ 32 sums: c[r·ldc + q] = alpha · s or fma(beta, c, alpha · s), s =
/// xsimd::hadd(x[r·CT + q]) — the scalar epilogue's operations, one masked vector per row
/// of the tile, with no trip through memory for the sums.
template <std::size_t RT, std::size_t CT>
void store_tile_sums_avx512(const CanonVec<xsimd::avx512bw>* x, float alpha, float beta, float* c,
                            std::size_t ldc) {
  static_assert(RT * CT <= 32 && CT <= 16);
  constexpr std::size_t N = RT * CT;
  const __m512 group0 = hadd16_slots<N>(x, 0);
  __m512 group1 = _mm512_setzero_ps();
  if constexpr (N > 16) group1 = hadd16_slots<N>(x, 16);
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  constexpr __mmask16 kRow = static_cast<__mmask16>((1u << CT) - 1);
  for (std::size_t r = 0; r < RT; ++r) {
    // Lanes r·CT .. r·CT + CT − 1 of the 32 sums, moved to lanes 0 .. CT − 1.
    const __m512i idx =
        _mm512_add_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                         _mm512_set1_epi32(static_cast<int>(r * CT)));
    const __m512 s = _mm512_permutex2var_ps(group0, idx, group1);
    float* cr = c + r * ldc;
    const __m512 as = _mm512_mul_ps(va, s);
    const __m512 out = beta == 0.0f ? as : _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(kRow, cr), as);
    _mm512_mask_storeu_ps(cr, kRow, out);
  }
}
#endif

/// out[v] = hadd(x[v]) (simd_canon.hpp) for v < N, bit for bit.
template <class Arch, std::size_t N>
void hadd_many(const CanonVec<Arch>* x, float* out) {
#if defined(__AVX512F__)
  if constexpr (std::is_same_v<Arch, xsimd::avx512bw>) {
    for (std::size_t v0 = 0; v0 < N; v0 += 16) {
      alignas(64) float sums[16];
      _mm512_store_ps(sums, hadd16_slots<N>(x, v0));
      for (std::size_t v = v0; v < N && v < v0 + 16; ++v) out[v] = sums[v - v0];
    }
    return;
  }
#endif
  for (std::size_t v = 0; v < N; ++v) out[v] = hadd<Arch>(x[v]);
}

}  // namespace sgdbench::gemm_detail
