// Every update rule against three steps computed by hand from its equation, in double,
// with the state carried between steps. Tolerance 1e-6 relative (float rounding).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "exec/sequential.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/batching.hpp"
#include "train/schedule.hpp"
#include "train/trainer.hpp"
#include "train/update/adagrad.hpp"
#include "train/update/adam.hpp"
#include "train/update/momentum.hpp"
#include "train/update/nesterov.hpp"
#include "train/update/plain.hpp"
#include "train/update/rmsprop.hpp"

using namespace sgdbench;
using K = SimdKernels<BestArch>;

namespace {

constexpr float kLr = 0.1f, kScale = 0.5f, kL2 = 0.01f;  // scale = 1/B with B = 2
const std::vector<std::vector<float>> kGradSums = {
    {1.0f, -2.0f, 0.5f}, {0.3f, 0.4f, -1.0f}, {-0.7f, 1.5f, 2.0f}};

/// Runs three steps of rule U and compares with `expected(step, g, w)` applied by hand,
/// where g = scale · grad_sum + λ w is the objective's gradient at the current w.
template <class U, class Manual>
void check_three_steps(const U& rule, Manual manual) {
  std::vector<float> w = {0.2f, -0.1f, 0.4f};
  std::vector<double> ref(w.begin(), w.end());
  typename U::State state(w.size());
  for (std::size_t t = 0; t < kGradSums.size(); ++t) {
    rule.template apply<K>(state, StepInput{kLr, kScale, kL2}, kGradSums[t], w);
    std::vector<double> g(ref.size());
    for (std::size_t i = 0; i < g.size(); ++i) g[i] = kScale * kGradSums[t][i] + kL2 * ref[i];
    manual(t + 1, g, ref);
    for (std::size_t i = 0; i < w.size(); ++i) {
      INFO("step " << t + 1 << ", parameter " << i);
      REQUIRE(w[i] == Approx(ref[i]).epsilon(1e-6).margin(1e-7));
    }
  }
}

}  // namespace

TEST_CASE("unit_plain_step_by_hand", "[update]") {
  check_three_steps(Plain{}, [](std::size_t, const std::vector<double>& g, std::vector<double>& w) {
    for (std::size_t i = 0; i < w.size(); ++i) w[i] -= kLr * g[i];
  });
  // λ = 0 takes the fused axpy path: w − (η/B) Σ∇
  std::vector<float> w = {1.0f, 2.0f};
  Plain::State s(2);
  Plain{}.apply<K>(s, StepInput{0.5f, 0.25f, 0.0f}, std::vector<float>{4.0f, -8.0f}, w);
  REQUIRE(w[0] == Approx(0.5f));
  REQUIRE(w[1] == Approx(3.0f));
}

TEST_CASE("unit_momentum_step_by_hand", "[update]") {
  HyperParams p;
  p.set("momentum", 0.8);
  std::vector<double> v(3, 0.0);
  check_three_steps(Momentum(p),
                    [&](std::size_t, const std::vector<double>& g, std::vector<double>& w) {
                      for (std::size_t i = 0; i < w.size(); ++i) {
                        v[i] = 0.8 * v[i] + g[i];
                        w[i] -= kLr * v[i];
                      }
                    });
}

TEST_CASE("unit_nesterov_step_by_hand", "[update]") {
  HyperParams p;
  p.set("momentum", 0.7);
  std::vector<double> v(3, 0.0);
  check_three_steps(Nesterov(p),
                    [&](std::size_t, const std::vector<double>& g, std::vector<double>& w) {
                      for (std::size_t i = 0; i < w.size(); ++i) {
                        v[i] = 0.7 * v[i] + g[i];
                        w[i] -= kLr * (g[i] + 0.7 * v[i]);
                      }
                    });
}

TEST_CASE("unit_adagrad_step_by_hand", "[update]") {
  HyperParams p;
  p.set("eps", 1e-3);
  std::vector<double> G(3, 0.0);
  check_three_steps(AdaGrad(p),
                    [&](std::size_t, const std::vector<double>& g, std::vector<double>& w) {
                      for (std::size_t i = 0; i < w.size(); ++i) {
                        G[i] += g[i] * g[i];
                        w[i] -= kLr * g[i] / (std::sqrt(G[i]) + 1e-3);
                      }
                    });
}

TEST_CASE("unit_rmsprop_step_by_hand", "[update]") {
  HyperParams p;
  p.set("rho", 0.6);
  p.set("eps", 1e-3);
  std::vector<double> s(3, 0.0);
  check_three_steps(RmsProp(p),
                    [&](std::size_t, const std::vector<double>& g, std::vector<double>& w) {
                      for (std::size_t i = 0; i < w.size(); ++i) {
                        s[i] = 0.6 * s[i] + 0.4 * g[i] * g[i];
                        w[i] -= kLr * g[i] / (std::sqrt(s[i]) + 1e-3);
                      }
                    });
}

TEST_CASE("unit_adam_step_by_hand_with_bias_correction", "[update]") {
  HyperParams p;
  p.set("beta1", 0.5);
  p.set("beta2", 0.75);
  p.set("eps", 1e-3);
  std::vector<double> m(3, 0.0), v(3, 0.0);
  check_three_steps(Adam(p),
                    [&](std::size_t t, const std::vector<double>& g, std::vector<double>& w) {
                      for (std::size_t i = 0; i < w.size(); ++i) {
                        m[i] = 0.5 * m[i] + 0.5 * g[i];
                        v[i] = 0.75 * v[i] + 0.25 * g[i] * g[i];
                        const double mh = m[i] / (1.0 - std::pow(0.5, double(t)));
                        const double vh = v[i] / (1.0 - std::pow(0.75, double(t)));
                        w[i] -= kLr * mh / (std::sqrt(vh) + 1e-3);
                      }
                    });
}

TEST_CASE("unit_schedules_follow_their_formulas", "[schedule]") {
  const std::size_t n = 1000;
  Schedule s;
  REQUIRE(s.lr(0.5, 10, 12345, n, 5) == 0.5);  // constant
  s.kind = Schedule::Kind::kStep;
  s.every_epochs = 2;
  s.factor = 0.1;
  REQUIRE(s.lr(1.0, 10, 1999, n, 10) == Approx(1.0));  // epoch 1.999
  REQUIRE(s.lr(1.0, 10, 2000, n, 10) == Approx(0.1));  // epoch 2
  REQUIRE(s.lr(1.0, 10, 4500, n, 10) == Approx(0.01));
  s.kind = Schedule::Kind::kInverseTime;
  s.lambda = 1e-3;
  REQUIRE(s.lr(2.0, 1, 500, n, 10) == Approx(2.0 / (1.0 + 1e-3 * 2.0 * 500)));
  s.kind = Schedule::Kind::kCosine;
  REQUIRE(s.lr(1.0, 10, 0, n, 4) == Approx(1.0));
  REQUIRE(s.lr(1.0, 10, 2000, n, 4) == Approx(0.5));  // half way
  REQUIRE(s.lr(1.0, 10, 4000, n, 4) == Approx(0.0).margin(1e-12));
  s.kind = Schedule::Kind::kConstant;
  s.warmup_epochs = 2;
  REQUIRE(s.lr(1.0, 100, 0, n, 4) == Approx(0.05));  // (0 + 100) / (2 · 1000)
  REQUIRE(s.lr(1.0, 100, 2500, n, 4) == Approx(1.0));
  s.warmup_epochs = 0;
  s.linear_scaling_base_batch = 32;
  REQUIRE(s.lr(0.1, 256, 0, n, 4) == Approx(0.8));  // η · B / B₀
}

TEST_CASE("unit_fused_sgd_step_matches_gradient_then_update", "[update]") {
  // Trainer<Plain> folds w ← w − (η/B) Σ∇C into the backward pass when the batch is one
  // chunk; it must be the same step as the gradient followed by Plain::apply.
  using Net = Mlp<Sigmoid, QuadraticCost>;
  const Net net({7, 5, 3});
  Rng rng(11);
  std::vector<float> x(6 * 7);
  for (float& v : x) v = static_cast<float>(rng.uniform());
  const std::vector<std::uint8_t> y = {0, 1, 2, 0, 1, 2};
  for (std::size_t batch : {std::size_t{1}, std::size_t{6}}) {
    const Rows rows{x.data(), y.data(), batch};
    TrainSpec spec;
    spec.lr = 0.7f;
    Trainer<Net, Plain, MiniBatches, K, Sequential> fused(net, spec);
    std::vector<float> w(fused.params().begin(), fused.params().end());
    fused.step(rows);

    GradientEngine<Net, K, Sequential> engine(net, spec.chunk_rows);
    engine.gradient(w, rows);
    Plain::State none(w.size());
    Plain{}.apply<K>(none, StepInput{spec.lr, 1.0f / static_cast<float>(batch), 0.0f},
                     engine.grad(), w);
    for (std::size_t i = 0; i < w.size(); ++i) {
      INFO("B = " << batch << ", parameter " << i);
      REQUIRE(fused.params()[i] == Approx(w[i]).epsilon(1e-5).margin(1e-6));
    }
  }
}
