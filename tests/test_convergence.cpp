// Convergence on problems with a known optimum, through the compiled variants (the
// registry), as a config would run them. Relative suboptimality
//   ρ = (F(w) − F*) / (F(w₀) − F*),  w₀ = 0,
// with F* solved exactly in double (data/synthetic.hpp).
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "data/synthetic.hpp"
#include "variants/registry.hpp"

using namespace sgdbench;

namespace {

/// n = 1000 train rows, d = 20, noise 0.1, cond(XᵀX) ≈ 10.
struct LsqProblem {
  Split data;
  double f_star;
  LsqProblem() {
    data = split_by_seed(make_lsq(1200, 20, 0.1, 10.0, 7), 1000, 200, 0);
    f_star = solve_lsq(data.train, 0.0).f;
  }
};

struct Trace {
  double first_loss = 0.0, last_loss = 0.0;
  std::size_t points = 0;
  RunResult result;
};

Trace run_variant(const std::string& name, const Split& data, const ModelSpec& model,
                  const TrainSpec& spec) {
  const VariantInfo* v = compiled_variants().find(name);
  REQUIRE(v != nullptr);
  Trace t;
  t.result = v->run(model, data.train, data.test, nullptr, spec, [&](const MetricPoint& p) {
    if (t.points++ == 0) t.first_loss = p.train_loss;
    t.last_loss = p.train_loss;
  });
  return t;
}

double relative_suboptimality(const Trace& t, double f_star) {
  return (t.last_loss - f_star) / (t.first_loss - f_star);
}

}  // namespace

TEST_CASE("example_lsq_gd_and_lbfgs_reach_1e-6", "[convergence]") {
  const LsqProblem p;
  TrainSpec spec;
  spec.seed = 0;
  spec.lr = 0.5f;     // < 1/L: L = λ_max(XᵀX/n) ≈ 1.2 for this design
  spec.epochs = 400;  // budget: 400 full-batch steps
  spec.batch = BatchSize::full();
  const Trace gd = run_variant("lsq/plain/simd/tbb", p.data, {{20, 1}}, spec);
  INFO("GD: rho = " << relative_suboptimality(gd, p.f_star));
  REQUIRE(relative_suboptimality(gd, p.f_star) <= 1e-6);

  spec.epochs = 60;  // budget: 60 function + gradient evaluations
  const Trace lbfgs = run_variant("lsq/lbfgs/simd/tbb", p.data, {{20, 1}}, spec);
  INFO("L-BFGS: rho = " << relative_suboptimality(lbfgs, p.f_star));
  REQUIRE(relative_suboptimality(lbfgs, p.f_star) <= 1e-6);
}

TEST_CASE("example_gd_with_armijo_backtracking_reaches_1e-6_without_a_tuned_step",
          "[convergence]") {
  const LsqProblem p;
  TrainSpec spec;
  spec.batch = BatchSize::full();
  spec.lr = 100.0f;    // the first trial step, far above 2/L: backtracking finds its own
  spec.epochs = 1200;  // budget: 1200 passes, every trial step counted
  const Trace gd = run_variant("lsq/gdarmijo/simd/tbb", p.data, {{20, 1}}, spec);
  INFO("GD Armijo: rho = " << relative_suboptimality(gd, p.f_star) << " in "
                           << gd.result.final_point.updates << " steps");
  REQUIRE(relative_suboptimality(gd, p.f_star) <= 1e-6);
  // Within one step of the budget, as every budget is: the last accepted point's gradient
  // (one pass over the 1000 rows) may follow the line search that exhausted it.
  REQUIRE(gd.result.final_point.grad_evals <= 1200u * 1000u + 1000u);
}

TEST_CASE("example_lsq_svrg_reaches_1e-4_and_sgd_with_inverse_time_1e-2", "[convergence]") {
  const LsqProblem p;
  TrainSpec spec;
  spec.seed = 0;
  spec.batch = *BatchSize::of(10);
  spec.lr = 0.1f;
  spec.epochs = 60;  // budget: 60 passes (each outer iteration costs 3)
  const Trace svrg = run_variant("lsq/svrg/simd/tbb", p.data, {{20, 1}}, spec);
  INFO("SVRG: rho = " << relative_suboptimality(svrg, p.f_star));
  REQUIRE(relative_suboptimality(svrg, p.f_star) <= 1e-4);

  spec.batch = *BatchSize::of(1);
  spec.lr = 0.05f;
  spec.schedule.kind = Schedule::Kind::kInverseTime;
  spec.schedule.lambda = 0.1;  // ≈ the strong convexity λ_min(XᵀX/n)
  spec.epochs = 20;            // budget: 20 passes of pure SGD
  const Trace sgd = run_variant("lsq/plain/simd/tbb", p.data, {{20, 1}}, spec);
  INFO("SGD 1/t: rho = " << relative_suboptimality(sgd, p.f_star));
  REQUIRE(relative_suboptimality(sgd, p.f_star) <= 1e-2);
}

TEST_CASE("example_softmax_separates_a_separable_gaussian_mixture", "[convergence]") {
  const Split data = split_by_seed(make_gaussian_mixture(600, 10, 4, 5.0, 3), 500, 100, 0);
  TrainSpec spec;
  spec.batch = *BatchSize::of(10);
  spec.lr = 0.5f;
  spec.epochs = 30;
  const VariantInfo* v = compiled_variants().find("softmax/plain/simd/tbb");
  REQUIRE(v != nullptr);
  const RunResult r = v->run({{10, 4}}, data.train, data.train, nullptr, spec, {});
  REQUIRE(r.status == RunStatus::kOk);
  REQUIRE(r.final_point.test_accuracy == 1.0);  // evaluated on the training set: 100%
}
