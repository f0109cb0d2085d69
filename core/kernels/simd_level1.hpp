#pragma once
// SimdKernels: the vector-vector and matrix-vector kernels (BLAS levels 1 and 2) and the
// element-wise sigmoid. Tails (lengths not a multiple of the vector width) are handled
// without reading past the end of any array.
#include <algorithm>
#include <cmath>

#include "kernels/dense_forward.hpp"
#include "kernels/simd_canon.hpp"
#include "kernels/simd_fma.hpp"
#include "kernels/simd_kernels.hpp"

namespace sgdbench {

template <class Arch>
void SimdKernels<Arch>::axpy(std::size_t n, float alpha, const float* x, float* y) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t W = B::size;
  const B va(alpha);
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    fmadd<Arch>(va, B::load_unaligned(x + i), B::load_unaligned(y + i)).store_unaligned(y + i);
  }
  for (; i < n; ++i) y[i] = std::fma(alpha, x[i], y[i]);
}

/// out[r] = <a + r·lda, x> for R rows at once, each row with four canonical accumulators
/// (simd_canon.hpp: 16 lanes, in 1, 2 or 4 registers; they hide the FMA latency), then the
/// whole vectors left into the first, one horizontal sum and the scalar tail; dot is the
/// one-row case, so every row has dot's bits, and every instruction set AVX-512's. gemv's
/// groups give 4R independent FMA chains where one dot has 4: one dot of 784 (Nielsen's
/// B = 1 forward) is 13 dependent FMAs on its first accumulator, and 30 of them one after
/// another left the two FMA ports mostly idle.
template <class Arch, std::size_t R>
[[gnu::always_inline]] inline void dot_rows(std::size_t n, const float* a, std::size_t lda,
                                            const float* x, float* out) {
  using C = CanonVec<Arch>;
  constexpr std::size_t L = kCanonLanes;
  C s[R][4];
  for (std::size_t r = 0; r < R; ++r) s[r][0] = s[r][1] = s[r][2] = s[r][3] = C::zero();
  std::size_t i = 0;
  for (; i + 4 * L <= n; i += 4 * L) {
#pragma GCC unroll 4
    for (std::size_t v = 0; v < 4; ++v) {
      const C xv = C::load(x + i + v * L);
#pragma GCC unroll 4
      for (std::size_t r = 0; r < R; ++r)
        s[r][v] = fmadd<Arch>(C::load(a + r * lda + i + v * L), xv, s[r][v]);
    }
  }
  for (; i + L <= n; i += L) {
    const C xv = C::load(x + i);
#pragma GCC unroll 4
    for (std::size_t r = 0; r < R; ++r)
      s[r][0] = fmadd<Arch>(C::load(a + r * lda + i), xv, s[r][0]);
  }
#pragma GCC unroll 4
  for (std::size_t r = 0; r < R; ++r) {
    float sum = hadd<Arch>((s[r][0] + s[r][1]) + (s[r][2] + s[r][3]));
    for (std::size_t j = i; j < n; ++j) sum = std::fma(a[r * lda + j], x[j], sum);
    out[r] = sum;
  }
}

template <class Arch>
float SimdKernels<Arch>::dot(std::size_t n, const float* x, const float* y) {
  float sum;
  dot_rows<Arch, 1>(n, x, 0, y, &sum);
  return sum;
}

template <class Arch>
void SimdKernels<Arch>::gemv(Trans ta, std::size_t m, std::size_t n, float alpha, const float* a,
                             std::size_t lda, const float* x, float beta, float* y) {
  if (ta == Trans::kNo) {  // y_i = alpha · <A_i, x> + beta · y_i
    // Rows in groups (dot_rows): 4 with AVX-512's 32 registers (16 accumulators); one with
    // AVX2's 16, where a row's 4 canonical accumulators take 8.
    constexpr std::size_t kRows = kCanonRegs<Arch> == 1 ? 4 : 1;
    float dots[kRows];
    std::size_t i = 0;
    for (; i + kRows <= m; i += kRows) {
      dot_rows<Arch, kRows>(n, a + i * lda, lda, x, dots);
      for (std::size_t r = 0; r < kRows; ++r) {
        const float s = alpha * dots[r];
        y[i + r] = beta == 0.0f ? s : std::fma(beta, y[i + r], s);
      }
    }
    for (; i < m; ++i) {
      const float s = alpha * dot(n, a + i * lda, x);
      y[i] = beta == 0.0f ? s : std::fma(beta, y[i], s);
    }
    return;
  }
  // y = beta · y + Σ_i (alpha · x_i) · A_i : rows of A streamed once, y stays in cache.
  if (beta == 0.0f) {
    std::fill(y, y + n, 0.0f);
  } else if (beta != 1.0f) {
    for (std::size_t j = 0; j < n; ++j) y[j] *= beta;
  }
  for (std::size_t i = 0; i < m; ++i) axpy(n, alpha * x[i], a + i * lda, y);
}

/// Applies a batch → batch map to every element; the tail goes through the same vector
/// formula as every other element (so a value never depends on its position).
template <class Arch, class Map>
void map_in_place(std::size_t n, float* x, Map map) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t W = B::size;
  std::size_t i = 0;
  for (; i + W <= n; i += W) map(B::load_unaligned(x + i)).store_unaligned(x + i);
  if (i < n) {
    alignas(64) float tail[W] = {};
    std::copy(x + i, x + n, tail);
    map(B::load_aligned(tail)).store_aligned(tail);
    std::copy(tail, tail + (n - i), x + i);
  }
}

// xsimd's AVX-512 exp inlines GCC 12 intrinsics that start from `__m512 __Y = __Y;`
// (_mm512_roundscale_round_ps, _mm512_cvttps_epi32, _mm512_slli_epi32). Where GCC keeps an
// out-of-line copy of the caller (as it does with -march=native on Intel Xeon family 6
// model 167, not on AMD EPYC), -Wuninitialized reports that self-initialisation, a false
// positive in a system header that -Werror (CI) turns into a failed build (inlined through
// exp_canon, GCC calls it -Wmaybe-uninitialized). Silenced here, for the functions that
// call exp, and around exp_canon (simd_canon.hpp), and nowhere else.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
/// σ(v) = 1 / (1 + e^−v): SimdKernels::sigmoid and the GEMM's epilogue share the formula.
template <class Arch>
xsimd::batch<float, Arch> sigmoid_batch(xsimd::batch<float, Arch> v) {
  using B = xsimd::batch<float, Arch>;
  return B(1.0f) / (B(1.0f) + exp_canon<Arch>(-v));
}

/// The activation `act` on a batch, with the operations the Activation structs
/// (model/activations.hpp) apply through SimdKernels, so a fused epilogue gives their bits:
/// ReLU as std::max(v, 0) (v < 0 ? 0 : v, which keeps −0 and NaN as they are), tanh as
/// 2σ(2v) − 1. Written twice, here and there: a change to one needs the other
/// (unit_pointwise_batch_gives_the_activations_bits_on_special_values holds them equal).
template <class Arch>
xsimd::batch<float, Arch> pointwise_batch(Pointwise act, xsimd::batch<float, Arch> v) {
  using B = xsimd::batch<float, Arch>;
  switch (act) {
    case Pointwise::kRelu:
      return xsimd::select(v < B(0.0f), B(0.0f), v);
    case Pointwise::kSigmoid:
      return sigmoid_batch<Arch>(v);
    case Pointwise::kTanh:
      return B(2.0f) * sigmoid_batch<Arch>(v * B(2.0f)) - B(1.0f);
    case Pointwise::kIdentity:
      break;
  }
  return v;
}

template <class Arch>
void SimdKernels<Arch>::sigmoid(std::size_t n, float* x) {
  map_in_place<Arch>(n, x, [](xsimd::batch<float, Arch> v) { return sigmoid_batch<Arch>(v); });
}

template <class Arch>
void SimdKernels<Arch>::exp(std::size_t n, float* x) {
  using B = xsimd::batch<float, Arch>;
  map_in_place<Arch>(n, x, [](B v) { return exp_canon<Arch>(v); });
}
#pragma GCC diagnostic pop

}  // namespace sgdbench
