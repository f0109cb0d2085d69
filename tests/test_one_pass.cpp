// SimdKernels::linear_one_pass (kernels/simd_one_pass.hpp) against the calls it replaces:
// widen_bytes, the forward gemm, the output layer and the weight-gradient gemm. Bit for
// bit, on every instruction set the build enables, or declined with nothing written.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <vector>

#include "kernels/simd_canon.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/activations.hpp"
#include "model/costs.hpp"
#include "test_helpers.hpp"

namespace sgdbench {
namespace {

struct Chunk {
  std::vector<std::uint8_t> x8, y;
  std::vector<float> w, bias, g;
};

Chunk random_chunk(std::size_t R, std::size_t n, std::size_t k) {
  Chunk c;
  Rng rng(R * 1000 + n * 10 + k);
  for (std::size_t i = 0; i < R * k; ++i) c.x8.push_back(static_cast<std::uint8_t>(rng.below(256)));
  for (std::size_t i = 0; i < R; ++i) c.y.push_back(static_cast<std::uint8_t>(rng.below(n)));
  c.w = test::random_vector(n * k, 1);
  c.bias = test::random_vector(n, 2);
  c.g = test::random_vector(n * k, 3);
  return c;
}

struct Outputs {
  std::vector<float> z, delta, g;
  double loss = 0.0;
  bool operator==(const Outputs& o) const {
    auto same = [](const std::vector<float>& a, const std::vector<float>& b) {
      return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * 4) == 0;
    };
    return same(z, o.z) && same(delta, o.delta) && same(g, o.g) &&
           std::bit_cast<std::uint64_t>(loss) == std::bit_cast<std::uint64_t>(o.loss);
  }
};

Outputs start(const Chunk& c, std::size_t R, std::size_t n) {
  Outputs o{std::vector<float>(R * n), std::vector<float>(R * n), c.g, 0.0};
  for (std::size_t r = 0; r < R; ++r) std::copy_n(c.bias.data(), n, o.z.data() + r * n);
  return o;
}

template <class K>
double output_layer(const Chunk& c, Outputs& o, std::size_t n, std::size_t first,
                    std::size_t rows) {
  return CrossEntropyCost::output_layer<Identity, K>(
      rows, n, o.z.data() + first * n, c.y.data() + first, o.delta.data() + first * n, nullptr);
}

/// What Mlp::accumulate_gradient does for softmax regression on widened rows.
template <class K>
Outputs separate_calls(const Chunk& c, std::size_t R, std::size_t n, std::size_t k, float alpha) {
  Outputs o = start(c, R, n);
  std::vector<float> x(R * k);
  K::widen_bytes(c.x8.data(), R * k, 1.0f / 255.0f, x.data());
  K::gemm(Trans::kNo, Trans::kYes, R, n, k, 1.0f, x.data(), k, c.w.data(), k, 1.0f, o.z.data(), n);
  o.loss = output_layer<K>(c, o, n, 0, R);
  K::gemm(Trans::kYes, Trans::kNo, n, k, R, alpha, o.delta.data(), n, x.data(), k, 1.0f, o.g.data(),
          k);
  return o;
}

template <class K>
bool one_pass(const Chunk& c, std::size_t R, std::size_t n, std::size_t k, float alpha,
              Outputs& o) {
  o = start(c, R, n);
  auto layer = [&](std::size_t first, std::size_t rows) {
    o.loss += output_layer<K>(c, o, n, first, rows);
  };
  return K::linear_one_pass({.rows = R,
                             .n_out = n,
                             .n_in = k,
                             .x8 = c.x8.data(),
                             .scale = 1.0f / 255.0f,
                             .w = c.w.data(),
                             .z = o.z.data(),
                             .delta = o.delta.data(),
                             .output_layer = RowBlockFn(layer),
                             .alpha = alpha,
                             .g = o.g.data()});
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("unit_one_pass_gives_the_bits_of_widen_and_two_gemms", "[kernels]",
                        EnabledArchs) {
  using K = SimdKernels<TestType>;
  // The broadcast panel's limits are the canonical vector's 16 lanes on every arch.
  constexpr std::size_t W = kCanonLanes;
  INFO("arch " << TestType::name());
  // Fashion-MNIST's chunk and its last one; row counts around the dot tiles' 2 (bytes with
  // up to 10 outputs: n = 10, 7, 4) and 4; inputs with and without a tail of k mod W;
  // outputs up to the dot and rank-1 paths' limits.
  for (const auto& [R, n, k] :
       std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{{256, 10, 784},
                                                                      {96, 10, 784},
                                                                      {2, 10, 784},
                                                                      {9, 10, 33},
                                                                      {33, 7, 784},
                                                                      {5, 4, 64},
                                                                      {200, 3, 17},
                                                                      {7, 32, 50},
                                                                      {64, 17, 40},
                                                                      {130, 2, 2 * W + 3}}) {
    for (const float alpha : {1.0f, -0.0123f}) {
      INFO("R = " << R << ", n = " << n << ", k = " << k << ", alpha = " << alpha);
      const Chunk c = random_chunk(R, n, k);
      Outputs fused;
      const bool took = one_pass<K>(c, R, n, k, alpha, fused);
      // Taken unless the forward would go to the broadcast panel (W < n ≤ 2W, R ≥ 96).
      REQUIRE(took == !(R >= 96 && n > W && n <= 2 * W));
      if (took) REQUIRE(fused == separate_calls<K>(c, R, n, k, alpha));
    }
  }
  // Declined, with nothing written: shapes whose separate calls take another path (one
  // row: gemv; one output: the rank-1 axpy; alpha = 0; the broadcast panel).
  for (const auto& [R, n, k, alpha] :
       std::vector<std::tuple<std::size_t, std::size_t, std::size_t, float>>{
           {1, 10, 20, 1.0f}, {5, 1, 10, 1.0f}, {5, 10, 20, 0.0f}, {100, W + 1, 20, 1.0f}}) {
    INFO("declined: R = " << R << ", n = " << n);
    const Chunk c = random_chunk(R, n, k);
    Outputs o;
    REQUIRE_FALSE(one_pass<K>(c, R, n, k, alpha, o));
    REQUIRE(o == start(c, R, n));
  }
}

}  // namespace sgdbench
