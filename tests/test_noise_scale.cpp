// The simple noise scale B_simple = tr(Σ) / |G|² (McCandlish et al. 2018) that runs record
// with /noise_scale, against the exact value computed in double from every row's gradient
// at a fixed w.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "data/synthetic.hpp"
#include "exec/sequential.hpp"
#include "kernels/scalar_kernels.hpp"
#include "model/softmax.hpp"
#include "train/batching.hpp"
#include "train/trainer.hpp"
#include "train/update/plain.hpp"

using namespace sgdbench;

namespace {

/// tr(Σ) / |G|² over the whole set: G the mean per-row gradient, Σ the per-row gradients'
/// covariance (the population's: the estimator draws rows with replacement).
double exact_b_simple(const Softmax& model, const Dataset& data, const std::vector<float>& w) {
  Softmax::Workspace ws;
  model.reserve(ws, 1);
  const std::size_t p = model.num_params();
  std::vector<double> mean(p, 0.0);
  double mean_sq_norm = 0.0;
  std::vector<float> g(p);
  for (std::size_t i = 0; i < data.rows; ++i) {
    std::fill(g.begin(), g.end(), 0.0f);
    const Rows row{data.row(i), &data.y[i], 1, nullptr};
    model.accumulate_gradient<ScalarKernels>(w, row, ws, g.data());
    for (std::size_t j = 0; j < p; ++j) {
      mean[j] += g[j];
      mean_sq_norm += static_cast<double>(g[j]) * g[j];
    }
  }
  const auto n = static_cast<double>(data.rows);
  double g2 = 0.0;
  for (double& m : mean) g2 += (m / n) * (m / n);
  const double trace = mean_sq_norm / n - g2;  // E|g_i|² − |G|²
  return trace / g2;
}

}  // namespace

TEST_CASE("unit_b_simple_matches_the_exact_trace_over_gradient_norm", "[noise]") {
  const Dataset data = make_gaussian_mixture(2000, 6, 4, 1.0, 7);
  const Softmax model({6, 4});
  TrainSpec spec;
  spec.batch = *BatchSize::of(10);
  spec.init = Init::kZero;  // w = 0: the point before the first step is evaluated there
  spec.max_updates = 1;
  spec.noise_b_small = 4;
  spec.noise_b_big = 64;
  spec.noise_batches = 3000;  // pairs: the estimate's relative spread is then ~2 %
  double measured = 0.0;
  bool first = true;
  Trainer<Softmax, Plain, MiniBatches, ScalarKernels, Sequential> trainer(model, spec);
  trainer.run(data, data, [&](const MetricPoint& point) {
    if (first) measured = point.b_simple;
    first = false;
  });
  const std::vector<float> zero(model.num_params(), 0.0f);
  const double exact = exact_b_simple(model, data, zero);
  INFO("measured " << measured << ", exact " << exact);
  REQUIRE(exact > 1.0);
  REQUIRE(measured == Approx(exact).epsilon(0.1));
}
