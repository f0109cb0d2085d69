#pragma once
// The canonical vector: the one order of floating-point operations every instruction set
// reproduces. The committed results were made with AVX-512, so its order is the canon: a
// sum of products accumulates in 16 lanes, one per k mod 16, and ends with AVX-512's
// horizontal-sum tree. A narrower build holds one canonical vector in 16 / W registers
// (two with AVX2, four with SSE4.2) and runs the same fused multiply-adds on the same lanes,
// then the same tree, so every bit is AVX-512's. With AVX-512 it is one register and the
// code is what it was before. Element-wise kernels (axpy, the maps) have no order to keep;
// the elementary functions get AVX-512's operation sequence from exp_canon below.
#include <cstddef>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "kernels/simd_fma.hpp"
#include "kernels/simd_operand.hpp"

namespace sgdbench {

/// Lanes of the canonical vector: AVX-512's 16 floats.
inline constexpr std::size_t kCanonLanes = 16;

/// Columns of the packed GEMM's whole-tile blocks and rows of its whole-row groups: the
/// entries past the last whole block (or group) of C take the edge formula
/// (simd_gemm_packed.hpp). AVX-512's 8 × 2W tile set them; every build keeps them.
inline constexpr std::size_t kCanonEdgeCols = 2 * kCanonLanes, kCanonEdgeRows = 8;

/// Whether Arch's kernels keep the canonical bits: every arch with fused multiply-adds.
/// SSE4.2 fuses only where the build has FMA (simd_fma.hpp); a build for x86-64-v2
/// rounds twice there, and its SIMD figures differ from the committed ones.
template <class Arch>
inline constexpr bool kCanonicalBits =
#if defined(__FMA__)
    true;
#else
    !std::is_same_v<Arch, xsimd::sse4_2>;
#endif

/// Registers of Arch per canonical vector.
template <class Arch>
inline constexpr std::size_t kCanonRegs = kCanonLanes / xsimd::batch<float, Arch>::size;

/// 16 float lanes in kCanonRegs<Arch> registers; r[j] holds lanes j·W .. j·W + W − 1.
template <class Arch>
struct CanonVec {
  using B = xsimd::batch<float, Arch>;
  static constexpr std::size_t W = B::size, K = kCanonRegs<Arch>;
  static_assert(K * W == kCanonLanes);
  B r[K];

  [[gnu::always_inline]] static CanonVec zero() {
    CanonVec v;
#pragma GCC unroll 4
    for (std::size_t j = 0; j < K; ++j) v.r[j] = B(0.0f);
    return v;
  }
  /// The 16 floats at a: floats or bytes widened (simd_operand.hpp).
  template <class Rows>
  [[gnu::always_inline]] static CanonVec load(Rows a) {
    CanonVec v;
#pragma GCC unroll 4
    for (std::size_t j = 0; j < K; ++j) v.r[j] = gemm_detail::load_vec<Arch>(a + j * W);
    return v;
  }
};

/// a · b + c, one rounding per lane.
template <class Arch>
[[gnu::always_inline]] inline CanonVec<Arch> fmadd(const CanonVec<Arch>& a, const CanonVec<Arch>& b,
                                                   const CanonVec<Arch>& c) {
  CanonVec<Arch> out;
#pragma GCC unroll 4
  for (std::size_t j = 0; j < CanonVec<Arch>::K; ++j)
    out.r[j] = fmadd<Arch>(a.r[j], b.r[j], c.r[j]);
  return out;
}

template <class Arch>
[[gnu::always_inline]] inline CanonVec<Arch> operator+(const CanonVec<Arch>& a,
                                                       const CanonVec<Arch>& b) {
  CanonVec<Arch> out;
#pragma GCC unroll 4
  for (std::size_t j = 0; j < CanonVec<Arch>::K; ++j) out.r[j] = a.r[j] + b.r[j];
  return out;
}

/// The sum of the 16 lanes by xsimd 8's AVX-512 hadd tree (xsimd_avx512f.hpp, then
/// xsimd_avx.hpp): s_i = x_{i+8} + x_i (i < 8), t_i = s_i + s_{i+4} (i < 4),
/// (t_0 + t_1) + (t_2 + t_3). AVX2's own hadd is the last three levels of it on 8 lanes
/// (s); SSE's is the last two on 4 (t).
template <class Arch>
[[gnu::always_inline]] inline float hadd(const CanonVec<Arch>& x) {
  constexpr std::size_t K = CanonVec<Arch>::K;
  if constexpr (K == 1) {
    return xsimd::hadd(x.r[0]);
  } else if constexpr (K == 2) {
    return xsimd::hadd(x.r[1] + x.r[0]);
  } else {
    static_assert(K == 4, "a canonical vector is 1, 2 or 4 registers");
    return xsimd::hadd((x.r[2] + x.r[0]) + (x.r[3] + x.r[1]));
  }
}

/// The arch whose xsimd elementary functions (exp) run AVX-512's operation sequence for
/// Arch's registers. xsimd 8.1 has no AVX-512 fma: there its exp's polynomial rounds each
/// multiply and add, while fma3<avx2> fuses them. The non-FMA arch under an fma3<…> runs
/// the generic multiply-then-add, so the same roundings (unit_exp_gives_avx512s_bits).
template <class Arch>
struct ExpArch {
  using type = Arch;
};
template <class Base>
struct ExpArch<xsimd::fma3<Base>> {
  using type = Base;
};

// GCC 12's AVX-512 intrinsics inside xsimd::exp: see simd_level1.hpp's sigmoid_batch.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
/// exp with AVX-512's bits on every instruction set.
template <class Arch>
xsimd::batch<float, Arch> exp_canon(xsimd::batch<float, Arch> v) {
  using E = typename ExpArch<Arch>::type;
  if constexpr (std::is_same_v<E, Arch>) {
    return xsimd::exp(v);
  } else {
    return xsimd::batch<float, Arch>(xsimd::exp(xsimd::batch<float, E>(v.data)).data);
  }
}
#pragma GCC diagnostic pop

}  // namespace sgdbench
