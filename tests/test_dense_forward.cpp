// SimdKernels::dense_forward (the bias and σ in the packed GEMM's epilogue) against the
// calls it replaces: the bias rows, the forward gemm with beta = 1 and the Activation's
// pass. Bit for bit, on every instruction set the build enables and on 1, 2 and 3
// threads, or declined with nothing written; and Mlp's forward through it.
// GCC 12 warns that _mm512_undefined_ps() inside xsimd::exp (pointwise_batch, tested here
// directly) "may be used uninitialized": a false positive, as in simd_kernels.cpp.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <tbb/task_arena.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <tuple>
#include <vector>

#include "kernels/simd_kernels.hpp"
#include "kernels/simd_level1.hpp"
#include "model/activations.hpp"
#include "model/costs.hpp"
#include "model/mlp.hpp"
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
  // A zero row of x (Z = the bias, a zero entry of it among them), and rows of NaN and of
  // infinities through σ (−0 cannot reach σ: sums start at +0; the special values are
  // tested on pointwise_batch directly).
  std::fill_n(l.x.begin(), k, 0.0f);
  l.bias[n - 1] = 0.0f;
  if (R > 1) l.x[k + 1] = std::nanf("");
  if (R > 2) l.x[2 * k + 1] = INFINITY;
  return l;
}

/// Every entry the same bits, or both NaN: a NaN's sign depends on how the compiler
/// negates (a sign-bit xor or 0 − v), which an -O1 sanitizer build does differently from
/// -O3 for SSE4.2's σ; no result reads a NaN's sign.
bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool nans = std::isnan(a[i]) && std::isnan(b[i]);
    if (!nans && std::memcmp(&a[i], &b[i], sizeof(float)) != 0) return false;
  }
  return true;
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
  // The MLP's layers (784 and 1024 inputs: a short last KC block, and k a multiple of KC);
  // Nielsen's 784-100; k of exactly one and two KC blocks; ragged tiles in both directions,
  // edge tiles narrower than a vector and between one and two (n mod 32 = 4, 13, 20, 8);
  // more columns than NC holds (the bias offset of a column block); products split
  // across threads by columns (n ≥ m) and by rows.
  for (const auto& [R, n, k] :
       std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{{256, 1024, 784},
                                                                      {256, 1024, 1024},
                                                                      {100, 100, 784},
                                                                      {70, 45, 256},
                                                                      {131, 77, 300},
                                                                      {90, 84, 512},
                                                                      {600, 40, 300},
                                                                      {72, 4100, 16}}) {
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
  // Declined, nothing written: one row (gemv), k = 1 (rank-1 axpy), the dot tiles (few
  // rows or outputs) and the broadcast panel (W < n ≤ 2W with many rows: on these archs
  // inside the dot tiles' n ≤ 32 too) have no epilogue.
  for (const auto& [R, n, k] : std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{
           {1, 100, 20}, {64, 100, 20}, {100, 32, 20}, {100, W + 1, 20}, {100, 100, 1}}) {
    INFO("declined: R = " << R << ", n = " << n << ", k = " << k);
    std::vector<float> z;
    REQUIRE_FALSE(fused<K, Act>(random_layer(R, n, k), 1, z));
    REQUIRE(z == std::vector<float>(R * n, 7.0f));
  }
}

/// pointwise_batch on the values that tell max_ps from std::max and a wrong formula apart
/// (−0, NaN, ±∞, the sigmoid's saturation), against the Activation's pass through K.
template <class Arch, class Act>
void check_pointwise_on_special_values() {
  INFO("activation " << Act::name);
  using B = xsimd::batch<float, Arch>;
  const std::vector<float> special = {-0.0f,  0.0f,   std::nanf(""), INFINITY, -INFINITY, -1e-30f,
                                      1e-30f, -88.0f, 88.0f,         -3.5f,    0.75f,     20.0f};
  std::vector<float> want = special, got(special.size());
  Act::template apply<SimdKernels<Arch>>(want.size(), want.data());
  alignas(64) float lanes[B::size];
  for (std::size_t i = 0; i < special.size(); ++i) {
    std::fill_n(lanes, B::size, special[i]);
    got[i] = pointwise_batch<Arch>(Act::pointwise, B::load_aligned(lanes)).get(0);
  }
  REQUIRE(same_bits(got, want));
}

/// SimdKernels without dense_forward (a declaration that hides the base's and matches no
/// call): Mlp then runs the separate calls.
template <class Arch>
struct WithoutDenseForward : SimdKernels<Arch> {
  static void dense_forward() = delete;
};

/// Mlp's gradient, loss and evaluation through dense_forward equal those of the separate
/// calls, for a net whose hidden layers take the packed path (R > 64, widths > 32) and
/// whose output layer (10 wide) declines.
template <class Act>
void check_mlp_through_dense_forward() {
  INFO("activation " << Act::name);
  using Net = Mlp<Act, CrossEntropyCost>;
  static_assert(KernelsWithDenseForward<SimdKernels<BestArch>>);
  static_assert(!KernelsWithDenseForward<WithoutDenseForward<BestArch>>);
  const Net net({300, 100, 70, 10});
  std::vector<float> params(net.num_params());
  Rng rng(5);
  net.init(params, rng, Init::kXavier);
  const std::size_t R = 130;
  const std::vector<float> x = test::random_vector(R * 300, 7);
  std::vector<std::uint8_t> y(R);
  for (std::size_t r = 0; r < R; ++r) y[r] = static_cast<std::uint8_t>(rng.below(10));
  const Rows rows{x.data(), y.data(), R};
  auto run = [&](auto kernels) {
    using K = decltype(kernels);
    typename Net::Workspace ws;
    std::vector<float> grad(net.num_params(), 0.0f);
    const double loss = net.template accumulate_gradient<K>(params, rows, ws, grad.data());
    const EvalSums eval = net.template evaluate<K>(params, rows, ws);
    return std::tuple{grad, loss, eval.loss, eval.correct};
  };
  const auto [g1, loss1, eval1, correct1] = run(SimdKernels<BestArch>{});
  const auto [g2, loss2, eval2, correct2] = run(WithoutDenseForward<BestArch>{});
  REQUIRE(same_bits(g1, g2));
  REQUIRE(std::memcmp(&loss1, &loss2, sizeof loss1) == 0);
  REQUIRE(std::memcmp(&eval1, &eval2, sizeof eval1) == 0);
  REQUIRE(correct1 == correct2);
}

}  // namespace

TEST_CASE("unit_mlp_forward_through_the_epilogue_gives_the_separate_calls_bits", "[kernels]") {
  check_mlp_through_dense_forward<Relu>();
  check_mlp_through_dense_forward<Sigmoid>();
  check_mlp_through_dense_forward<Tanh>();
}

TEMPLATE_LIST_TEST_CASE("unit_pointwise_batch_gives_the_activations_bits_on_special_values",
                        "[kernels]", EnabledArchs) {
  INFO("arch " << TestType::name());
  check_pointwise_on_special_values<TestType, Relu>();
  check_pointwise_on_special_values<TestType, Sigmoid>();
  check_pointwise_on_special_values<TestType, Tanh>();
  check_pointwise_on_special_values<TestType, Identity>();
}

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
