// hadd_many (kernels/simd_hadd_many.hpp), the dot tiles' horizontal sums: the bits of
// AVX-512's xsimd::hadd tree (simd_canon.hpp) on every canonical vector, on every arch the
// kernels are built for, against the tree written out in scalar code.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "kernels/simd_hadd_many.hpp"
#include "kernels/simd_kernels.hpp"

namespace sgdbench {
namespace {

std::uint32_t bits_of(float v) {
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return u;
}

float nan_with_payload(std::uint32_t payload) {
  const std::uint32_t u = 0x7fc00000u | (payload & 0x3fffffu);
  float v;
  std::memcpy(&v, &u, sizeof v);
  return v;
}

/// The 16 lanes summed by xsimd 8's AVX-512 hadd tree, in scalar code.
float canonical_tree(const float (&x)[16]) {
  float s[8], t[4];
  for (int i = 0; i < 8; ++i) s[i] = x[i + 8] + x[i];
  for (int i = 0; i < 4; ++i) t[i] = s[i] + s[i + 4];
  return (t[0] + t[1]) + (t[2] + t[3]);
}

template <class Arch>
CanonVec<Arch> canon_of(const float (&lanes)[16]) {
  using C = CanonVec<Arch>;
  C v;
  for (std::size_t j = 0; j < C::K; ++j) v.r[j] = C::B::load_unaligned(lanes + j * C::W);
  return v;
}

/// N vectors whose sums depend on the order of the additions: lanes mix magnitudes from
/// 1e-6 to 1e8 with both signs, so pairing lanes differently from xsimd::hadd changes the
/// rounded sum. Some vectors hold NaNs or +inf and -inf, which must come out NaN. A NaN's
/// payload is not compared: x86 keeps the first operand's, and GCC swaps the operands of
/// commutative adds, so even two calls of xsimd::hadd may differ (measured: fma3+avx2).
template <class Arch, std::size_t N>
void check_against_hadd(std::mt19937& rng) {
  constexpr std::size_t W = kCanonLanes;
  std::uniform_real_distribution<float> mantissa(1.0f, 2.0f);
  std::uniform_int_distribution<int> exponent(-20, 27);
  std::vector<CanonVec<Arch>> x(N);
  std::vector<float> want(N);
  for (std::size_t v = 0; v < N; ++v) {
    float lanes[W];
    for (std::size_t i = 0; i < W; ++i)
      lanes[i] = std::ldexp(mantissa(rng), exponent(rng)) * (rng() % 2 == 0 ? 1.0f : -1.0f);
    if (v % 5 == 3) {  // two NaNs with different payloads
      lanes[rng() % W] = nan_with_payload(1 + v);
      lanes[rng() % W] = nan_with_payload(0x1000 + v);
    }
    if (v % 7 == 5) {  // inf - inf
      lanes[0] = std::numeric_limits<float>::infinity();
      lanes[W - 1] = -std::numeric_limits<float>::infinity();
    }
    x[v] = canon_of<Arch>(lanes);
    want[v] = canonical_tree(lanes);
  }
  std::vector<float> out(N + 1, 12345.0f);
  gemm_detail::hadd_many<Arch, N>(x.data(), out.data());
  for (std::size_t v = 0; v < N; ++v) {
    INFO("arch " << Arch::name() << ", N = " << N << ", vector " << v);
    if (std::isnan(want[v]))
      REQUIRE(std::isnan(out[v]));
    else
      REQUIRE(bits_of(out[v]) == bits_of(want[v]));
  }
  REQUIRE(out[N] == 12345.0f);  // nothing written past N
}

#if XSIMD_WITH_AVX512BW
/// The dot tile's vector epilogue against its scalar one, on sums that depend on the
/// pairing: c = alpha · hadd(x) where beta = 0 (NaN in c ignored), else fma(beta, c,
/// alpha · hadd(x)); entries past each row's CT columns untouched.
template <std::size_t RT, std::size_t CT>
void check_tile_store(std::mt19937& rng, float alpha, float beta) {
  std::uniform_real_distribution<float> mantissa(1.0f, 2.0f);
  std::uniform_int_distribution<int> exponent(-20, 27);
  auto value = [&] {
    return std::ldexp(mantissa(rng), exponent(rng)) * (rng() % 2 == 0 ? 1.0f : -1.0f);
  };
  std::vector<CanonVec<xsimd::avx512bw>> x(RT * CT);
  std::vector<float> sums(RT * CT);
  for (std::size_t v = 0; v < x.size(); ++v) {
    float lanes[16];
    for (float& l : lanes) l = value();
    x[v] = canon_of<xsimd::avx512bw>(lanes);
    sums[v] = canonical_tree(lanes);
  }
  constexpr std::size_t ldc = CT + 3;
  std::vector<float> c(RT * ldc), want(RT * ldc);
  for (std::size_t i = 0; i < c.size(); ++i)
    c[i] = beta == 0.0f && i % 4 == 1 ? std::numeric_limits<float>::quiet_NaN() : value();
  want = c;
  for (std::size_t r = 0; r < RT; ++r) {
    for (std::size_t q = 0; q < CT; ++q) {
      const float s = sums[r * CT + q];
      float& w = want[r * ldc + q];
      w = beta == 0.0f ? alpha * s : std::fma(beta, w, alpha * s);
    }
  }
  gemm_detail::store_tile_sums_avx512<RT, CT>(x.data(), alpha, beta, c.data(), ldc);
  for (std::size_t i = 0; i < c.size(); ++i) {
    INFO(RT << " x " << CT << " tile, alpha " << alpha << ", beta " << beta << ", entry " << i);
    if (std::isnan(want[i]))
      REQUIRE(std::isnan(c[i]));
    else
      REQUIRE(bits_of(c[i]) == bits_of(want[i]));
  }
}
#endif

}  // namespace

#if XSIMD_WITH_AVX512BW
TEST_CASE("unit_dot_tile_vector_store_gives_the_scalar_epilogues_bits", "[kernels][determinism]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 20; ++round) {
    for (const float beta : {0.0f, 1.0f, 0.7f}) {
      for (const float alpha : {1.0f, -0.003f}) {
        check_tile_store<2, 10>(rng, alpha, beta);
        check_tile_store<4, 5>(rng, alpha, beta);
        check_tile_store<1, 1>(rng, alpha, beta);
        check_tile_store<3, 9>(rng, alpha, beta);
        check_tile_store<2, 16>(rng, alpha, beta);
        check_tile_store<4, 3>(rng, alpha, beta);
      }
    }
  }
}
#endif

TEMPLATE_LIST_TEST_CASE("unit_hadd_many_gives_the_bits_of_the_avx512_tree_on_every_arch",
                        "[kernels][determinism]", EnabledArchs) {
  std::mt19937 rng(20261201);
  for (int round = 0; round < 50; ++round) {
    check_against_hadd<TestType, 1>(rng);
    check_against_hadd<TestType, 4>(rng);
    check_against_hadd<TestType, 10>(rng);
    check_against_hadd<TestType, 16>(rng);
    check_against_hadd<TestType, 17>(rng);
    check_against_hadd<TestType, 20>(rng);
    check_against_hadd<TestType, 32>(rng);
  }
}

}  // namespace sgdbench
