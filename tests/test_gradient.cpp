// Back-propagation against central finite differences.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "kernels/scalar_kernels.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "util/rng.hpp"

using namespace sgdbench;

namespace {

template <class K>
void check_gradient() {
  using Net = Mlp<Sigmoid, QuadraticCost>;
  const Net net({9, 7, 5, 4});  // two hidden layers: δ flows through W_2 and W_3
  std::vector<float> params(net.num_params());
  Rng rng(11);
  net.init(params, rng);
  for (auto& p : params) p *= 0.5f;  // keep the sigmoids off their flat tails

  const std::size_t rows = 6;
  std::vector<float> x(rows * 9);
  std::vector<std::uint8_t> y(rows);
  for (auto& v : x) v = static_cast<float>(rng.uniform());
  for (std::size_t r = 0; r < rows; ++r) y[r] = static_cast<std::uint8_t>(r % 4);
  const Rows batch{x.data(), y.data(), rows};

  Net::Workspace ws;
  std::vector<float> grad(net.num_params(), 0.0f);
  const double loss = net.accumulate_gradient<K>(params, batch, ws, grad.data());
  REQUIRE(loss == Approx(net.evaluate<K>(params, batch, ws).loss).epsilon(1e-6));

  // Central differences in float with h = 1e-2: truncation error O(h²) ≈ 1e-4 relative,
  // rounding error ≈ 6e-8 · loss / h. Measured max relative error ≈ 1e-4; bound 2e-3.
  const float h = 1e-2f;
  double err2 = 0.0, norm2 = 0.0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const float saved = params[i];
    params[i] = saved + h;
    const double up = net.evaluate<K>(params, batch, ws).loss;
    params[i] = saved - h;
    const double down = net.evaluate<K>(params, batch, ws).loss;
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

}  // namespace

TEST_CASE("unit_backprop_matches_finite_differences_scalar", "[gradient]") {
  check_gradient<ScalarKernels>();
}

TEST_CASE("unit_backprop_matches_finite_differences_simd", "[gradient]") {
  check_gradient<SimdKernels<BestArch>>();
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
