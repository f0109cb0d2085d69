// Every model's back-propagated gradient against central finite differences.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "kernels/scalar_kernels.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/lsq.hpp"
#include "model/mlp.hpp"
#include "model/softmax.hpp"
#include "util/rng.hpp"

using namespace sgdbench;

namespace {

/// Builds a small instance of each model with inputs of width 9 and 4 outputs.
template <class M>
M small_model() {
  if constexpr (std::is_same_v<M, Lsq>) {
    return M({9, 1});
  } else if constexpr (std::is_same_v<M, Softmax>) {
    return M({9, 4});
  } else {
    return M({9, 7, 5, 4});  // two hidden layers: δ flows through W_2 and W_3
  }
}

template <class M>
constexpr bool is_relu_mlp = false;
template <class Cost>
constexpr bool is_relu_mlp<Mlp<Relu, Cost>> = true;

template <class M, class K>
void check_gradient() {
  const M net = small_model<M>();
  std::vector<float> params(net.num_params());
  Rng rng(11);
  net.init(params, rng, Init::kNielsen);
  for (auto& p : params) p *= 0.5f;  // keep sigmoids off their flat tails

  const std::size_t rows = 6;
  std::vector<float> x(rows * 9), targets(rows);
  std::vector<std::uint8_t> y(rows);
  for (auto& v : x) v = static_cast<float>(rng.uniform());
  for (std::size_t r = 0; r < rows; ++r) {
    y[r] = static_cast<std::uint8_t>(r % 4);
    targets[r] = static_cast<float>(rng.normal());
  }
  const Rows batch{x.data(), y.data(), rows, targets.data()};

  typename M::Workspace ws;
  std::vector<float> grad(net.num_params(), 0.0f);
  const double loss = net.template accumulate_gradient<K>(params, batch, ws, grad.data());
  REQUIRE(loss == Approx(net.template evaluate<K>(params, batch, ws).loss).epsilon(1e-6));

  // Central differences in float with h = 1e-2: truncation error O(h²) ≈ 1e-4 relative,
  // rounding error ≈ 6e-8 · loss / h. Bound: 2e-3 per coordinate (relative to max(1, |g|))
  // and in norm. ReLU is piecewise linear (no truncation error) but a step of h can cross
  // a kink: h = 1e-3 there, and with this seed no pre-activation lies within 1e-3 of 0
  // (a crossing would miss the bound by far: that is what it caught at h = 1e-2).
  constexpr bool kHasKinks = is_relu_mlp<M>;
  const float h = kHasKinks ? 1e-3f : 1e-2f;
  double err2 = 0.0, norm2 = 0.0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const float saved = params[i];
    params[i] = saved + h;
    const double up = net.template evaluate<K>(params, batch, ws).loss;
    params[i] = saved - h;
    const double down = net.template evaluate<K>(params, batch, ws).loss;
    params[i] = saved;
    const double fd = (up - down) / (2.0 * h);
    INFO("parameter " << i << ": backprop " << grad[i] << ", finite difference " << fd);
    REQUIRE(std::abs(fd - grad[i]) <= 2e-3 * std::max(1.0, std::abs(fd)));
    err2 += (fd - grad[i]) * (fd - grad[i]);
    norm2 += fd * fd;
  }
  REQUIRE(norm2 > 0.0);
  REQUIRE(std::sqrt(err2 / norm2) < 2e-3);
}

using Models = std::tuple<Mlp<Sigmoid, QuadraticCost>, Mlp<Tanh, QuadraticCost>,
                          Mlp<Relu, QuadraticCost>, Mlp<Sigmoid, CrossEntropyCost>,
                          Mlp<Tanh, CrossEntropyCost>, Mlp<Relu, CrossEntropyCost>, Softmax, Lsq>;

}  // namespace

TEMPLATE_LIST_TEST_CASE("unit_backprop_matches_finite_differences_scalar", "[gradient]", Models) {
  check_gradient<TestType, ScalarKernels>();
}

TEMPLATE_LIST_TEST_CASE("unit_backprop_matches_finite_differences_simd", "[gradient]", Models) {
  check_gradient<TestType, SimdKernels<BestArch>>();
}

TEST_CASE("unit_gradient_accumulates_into_the_buffer", "[gradient]") {
  using Net = Mlp<Sigmoid, QuadraticCost>;
  const Net net({3, 4, 2});
  std::vector<float> params(net.num_params());
  Rng rng(3);
  net.init(params, rng);
  const std::vector<float> x = {0.1f, 0.2f, 0.3f};
  const std::vector<std::uint8_t> y = {1};
  Net::Workspace ws;
  std::vector<float> once(net.num_params(), 0.0f), twice(net.num_params(), 0.0f);
  net.accumulate_gradient<ScalarKernels>(params, {x.data(), y.data(), 1}, ws, once.data());
  net.accumulate_gradient<ScalarKernels>(params, {x.data(), y.data(), 1}, ws, twice.data());
  net.accumulate_gradient<ScalarKernels>(params, {x.data(), y.data(), 1}, ws, twice.data());
  for (std::size_t i = 0; i < once.size(); ++i) REQUIRE(twice[i] == Approx(2.0f * once[i]));
}

TEST_CASE("unit_softmax_cross_entropy_is_stable_for_huge_logits", "[gradient]") {
  // Logits of ±1e4 overflow a naive exp; the log-sum-exp form stays finite and exact.
  const Softmax net({1, 3});
  const std::vector<float> params = {1e4f, 0.0f, -1e4f, 0.0f, 0.0f, 0.0f};  // W (3×1), b
  const std::vector<float> x = {1.0f};
  const std::vector<std::uint8_t> y = {1};
  Softmax::Workspace ws;
  std::vector<float> grad(6, 0.0f);
  const double loss = net.accumulate_gradient<SimdKernels<BestArch>>(
      params, {x.data(), y.data(), 1}, ws, grad.data());
  REQUIRE(loss == Approx(1e4).epsilon(1e-6));  // −log p_1 = z_0 − z_1 = 1e4
  REQUIRE(grad[0] == Approx(1.0f));            // p_0 − 0
  REQUIRE(grad[1] == Approx(-1.0f));           // p_1 − 1
}

TEST_CASE("unit_cross_entropy_blocked_rows_give_the_row_at_a_time_bits", "[gradient]") {
  // The output layer takes rows kChainRows at a time for its max and its sums; each row
  // must keep std::max_element's comparisons and its sum's order. Row counts around the
  // block; the reference is the formula one row at a time. (NaN, ties and signed zeros:
  // the next test, on the maxima themselves.)
  using K = SimdKernels<BestArch>;
  const std::size_t n = 10;
  for (const std::size_t rows : {1, 7, 8, 9, 17, 256}) {
    INFO("rows = " << rows);
    Rng rng(rows);
    std::vector<float> z(rows * n);
    std::vector<std::uint8_t> y(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      y[r] = static_cast<std::uint8_t>(rng.below(n));
      // Logits 40 apart: e^z spans 2^-58 .. 1, so a sum in another order rounds otherwise.
      for (std::size_t j = 0; j < n; ++j)
        z[r * n + j] = static_cast<float>(static_cast<double>(rng.below(4001)) / 100.0 - 20.0);
    }
    std::vector<float> ref = z, ref_delta(rows * n), delta(rows * n);
    double ref_loss = 0.0;
    std::size_t ref_correct = 0, correct = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      float* zr = ref.data() + r * n;
      ref_correct += argmax_is(zr, n, y[r]);
      const float m = *std::max_element(zr, zr + n);
      for (std::size_t j = 0; j < n; ++j) zr[j] -= m;
      const float label_logit = zr[y[r]];
      K::exp(n, zr);  // elementwise: the same formula in any position (map_in_place)
      double sum = 0.0;
      for (std::size_t j = 0; j < n; ++j) sum += zr[j];
      ref_loss += std::log(sum) - label_logit;
      const auto inv = static_cast<float>(1.0 / sum);
      for (std::size_t j = 0; j < n; ++j) {
        zr[j] *= inv;
        ref_delta[r * n + j] = zr[j] - (j == y[r] ? 1.0f : 0.0f);
      }
    }
    const double loss = CrossEntropyCost::output_layer<Identity, K>(rows, n, z.data(), y.data(),
                                                                    delta.data(), &correct);
    REQUIRE(std::memcmp(z.data(), ref.data(), z.size() * sizeof(float)) == 0);
    REQUIRE(std::memcmp(delta.data(), ref_delta.data(), delta.size() * sizeof(float)) == 0);
    REQUIRE(std::memcmp(&loss, &ref_loss, sizeof loss) == 0);
    REQUIRE(correct == ref_correct);
  }
}

TEST_CASE("unit_row_maxima_pick_what_std_max_element_picks", "[gradient]") {
  // Bit for bit, rows around the block of kChainRows: a NaN first (kept) or later
  // (skipped), signed zeros in both orders (the first kept), ties.
  const float nan = std::nanf("");
  const std::vector<std::vector<float>> kinds = {{nan, 1.0f, 2.0f},    {1.0f, nan, 2.0f},
                                                 {-0.0f, 0.0f, -1.0f}, {0.0f, -0.0f, -1.0f},
                                                 {2.0f, 2.0f, 1.0f},   {-3.0f, -2.0f, -1.0f}};
  const std::size_t n = 3;
  for (const std::size_t rows : {1, 7, 8, 9, 17}) {
    INFO("rows = " << rows);
    std::vector<float> z;
    for (std::size_t r = 0; r < rows; ++r) {
      const auto& k = kinds[(r * 5 + rows) % kinds.size()];
      z.insert(z.end(), k.begin(), k.end());
    }
    std::vector<float> m(rows), ref(rows);
    row_maxima(rows, n, z.data(), m.data());
    for (std::size_t r = 0; r < rows; ++r) ref[r] = *std::max_element(&z[r * n], &z[r * n] + n);
    REQUIRE(std::memcmp(m.data(), ref.data(), rows * sizeof(float)) == 0);
  }
}
