// SimdKernels::dense_forward (the bias and σ in the packed GEMM's epilogue) against the
// calls it replaces: the bias rows, the forward gemm with beta = 1 and the Activation's
// pass. Bit for bit, on every instruction set the build enables and on 1, 2 and 3
// threads, or declined with nothing written.
#include <tbb/task_arena.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <tuple>
#include <vector>

#include "kernels/simd_kernels.hpp"
#include "model/activations.hpp"
#include "test_helpers.hpp"

namespace sgdbench {
namespace {

struct Layer {
  std::size_t R, n, k;
  std::vector<float> x, w, bias;
};

Layer random_layer(std::size_t R, std::size_t n, std::size_t k) {
  Layer l{R,
          n,
          k,
          test::random_vector(R * k, 1),
          test::random_vector(n * k, 2),
          test::random_vector(n, 3)};
  // Some sums of exactly −0 and +0 (a zero row of x, a zero bias entry and a −0 one), where
  // ReLU must keep the sign as std::max does; and a NaN and an infinity through σ.
  std::fill_n(l.x.begin(), k, 0.0f);
  l.bias[0] = -0.0f;
  l.bias[n - 1] = 0.0f;
  l.x[k + 1] = std::nanf("");
  l.x[2 * k + 1] = INFINITY;
  return l;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// What Mlp::forward_hidden did before the epilogue: bias rows, gemm, the Activation.
template <class K, class Act>
std::vector<float> separate_calls(const Layer& l) {
  std::vector<float> z(l.R * l.n);
  for (std::size_t r = 0; r < l.R; ++r) std::copy_n(l.bias.data(), l.n, z.data() + r * l.n);
  K::gemm(Trans::kNo, Trans::kYes, l.R, l.n, l.k, 1.0f, l.x.data(), l.k, l.w.data(), l.k, 1.0f,
          z.data(), l.n);
  Act::template apply<K>(z.size(), z.data());
  return z;
}

/// dense_forward into a z filled with 7s (never read), on `threads` threads; false if
/// declined (z then still all 7s).
template <class K, class Act>
bool fused(const Layer& l, int threads, std::vector<float>& z) {
  z.assign(l.R * l.n, 7.0f);
  tbb::task_arena arena(threads);
  return arena.execute([&] {
    return K::dense_forward({.rows = l.R,
                             .n_out = l.n,
                             .n_in = l.k,
                             .x = l.x.data(),
                             .w = l.w.data(),
                             .bias = l.bias.data(),
                             .act = Act::pointwise,
                             .z = z.data()});
  });
}

template <class K, class Act>
void check_activation(std::size_t W) {
  INFO("activation " << Act::name);
  // The MLP's layers (784-1024 with several KC blocks; Nielsen's 784-100); ragged tiles in
  // both directions with one KC block, and with two; products split across threads by
  // columns (n ≥ m) and by rows.
  for (const auto& [R, n, k] : std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{
           {256, 1024, 784}, {100, 100, 784}, {70, 45, 200}, {131, 77, 300}, {600, 40, 300}}) {
    INFO("R = " << R << ", n = " << n << ", k = " << k);
    const Layer l = random_layer(R, n, k);
    const std::vector<float> want = separate_calls<K, Act>(l);
    for (int threads : {1, 2, 3}) {
      INFO(threads << " threads");
      std::vector<float> z;
      REQUIRE(fused<K, Act>(l, threads, z));
      REQUIRE(same_bits(z, want));
    }
  }
  // Declined, nothing written: one row (gemv), the dot tiles (few rows or outputs) and the
  // broadcast panel (W < n ≤ 2W with many rows) have no epilogue.
  for (const auto& [R, n, k] : std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{
           {1, 100, 20}, {64, 100, 20}, {100, 32, 20}, {100, W + 1, 20}, {100, 100, 1}}) {
    INFO("declined: R = " << R << ", n = " << n << ", k = " << k);
    std::vector<float> z;
    REQUIRE_FALSE(fused<K, Act>(random_layer(R, n, k), 1, z));
    REQUIRE(z == std::vector<float>(R * n, 7.0f));
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("unit_dense_forward_gives_the_bits_of_bias_gemm_and_activation",
                        "[kernels][determinism]", EnabledArchs) {
  using K = SimdKernels<TestType>;
  constexpr std::size_t W = xsimd::batch<float, TestType>::size;
  INFO("arch " << TestType::name());
  check_activation<K, Relu>(W);
  check_activation<K, Sigmoid>(W);
  check_activation<K, Tanh>(W);
  check_activation<K, Identity>(W);
}

}  // namespace sgdbench
