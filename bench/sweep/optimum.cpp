#include "sweep/optimum.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <limits>

#include "data/synthetic.hpp"
#include "datasets/dataset_catalog.hpp"
#include "model/hessian_vector.hpp"
#include "sweep/cell_runner.hpp"
#include "sweep/interrupt.hpp"
#include "util/error.hpp"
#include "util/lanczos.hpp"
#include "variants/registry.hpp"

namespace sgdbench {
namespace {

/// F* as the final objective of a long run of /f_star/variant (full batch, lr 1: L-BFGS
/// chooses its own steps), with the experiment's L2 and chunking.
RunResult long_run_f_star(const ExperimentConfig& c, const Split& data, const RunOptions& options) {
  const VariantInfo* v = compiled_variants().find(c.f_star_variant);
  if (v == nullptr) {
    throw Error(
        fmt::format("{}: /f_star/variant: \"{}\" is not compiled", c.file, c.f_star_variant));
  }
  const Cell cell{v, BatchSize::full(), 1.0, 0, 0, "", nullptr};
  TrainSpec spec = train_spec_of(c, cell, data.train.rows);
  // F* is a property of the problem, not of the methods under test: the F* variant runs
  // at its defaults (constant step, default hyper-parameters, the default divergence
  // limit) whatever /schedule, /update and /execution set for them. Its own budget:
  // f_star epochs, no other limit, no stop at a target, the final point only.
  spec.schedule = Schedule{};
  spec.update = HyperParams{};
  spec.divergence_loss = TrainSpec{}.divergence_loss;
  spec.epochs = c.f_star_epochs;
  spec.max_grad_evals = spec.max_updates = 0;
  spec.max_seconds = 0;
  spec.eval_every_grad_evals = std::numeric_limits<std::uint64_t>::max() / 2;
  spec.stop_at.clear();
  spec.noise_b_big = 0;
  spec.record_params = c.conditioning;  // w*, where /conditioning measures the Hessian
  if (options.progress) {
    std::fprintf(stderr, "F*: %s for %g epochs...\n", v->name.c_str(), c.f_star_epochs);
  }
  return v->run(model_widths(c, *v, data.train), data.train, data.test, nullptr, spec, {});
}

/// /conditioning: the top and bottom eigenvalues of ∇²F at w* (Lanczos on exact
/// Hessian–vector products, model/hessian_vector.hpp), their ratio κ, and the momentum
/// (√κ − 1)/(√κ + 1) that Nesterov's method wants for that κ.
Json hessian_record(const HessianAt& h, double l2, const RunOptions& options) {
  constexpr int kMaxIterations = 300;
  constexpr double kTolerance = 1e-9;
  if (options.progress)
    std::fprintf(stderr, "Hessian at w*: Lanczos, %zu dimensions...\n", h.dim());
  const ExtremeEigenvalues e = lanczos_extremes(
      h.dim(), [&](std::span<const double> v, std::span<double> out) { h.apply(v, out); },
      kMaxIterations, kTolerance);
  const double kappa = e.top / e.bottom;
  return {{"top", e.top},
          {"bottom", e.bottom},
          {"bottom_bound", l2},  // ∇²F ⪰ λI: the data term is convex
          {"kappa", kappa},
          {"nesterov_momentum", (std::sqrt(kappa) - 1.0) / (std::sqrt(kappa) + 1.0)},
          {"lanczos_iterations", e.iterations},
          {"converged", e.converged},
          {"tolerance", kTolerance}};
}

}  // namespace

/// Suboptimality F(w) − F* needs F*: exact for least squares (solved in double), else the
/// long run of /f_star, else none.
Optimum optimum_of(const ExperimentConfig& pc, const Split& data, const RunOptions& options) {
  Optimum o;
  if (find_dataset(pc.dataset.name)->exact_f_star) {
    o.f_star = solve_lsq(data.train, pc.model.l2).f;
    if (pc.conditioning) {
      o.hessian =
          hessian_record(HessianAt::least_squares(data.train, pc.model.l2), pc.model.l2, options);
    }
    return o;
  }
  if (pc.f_star_variant.empty()) return o;
  const RunResult r = long_run_f_star(pc, data, options);
  stop_if_interrupted();
  o.f_star = r.final_point.train_loss;
  if (pc.conditioning) {
    if (compiled_variants().find(pc.f_star_variant)->model != "softmax") {
      throw Error(
          fmt::format("{}: /conditioning: the Hessian is measured for least squares and "
                      "softmax regression; /f_star/variant is {}",
                      pc.file, pc.f_star_variant));
    }
    o.hessian = hessian_record(HessianAt::softmax(data.train, r.final_point.params, pc.model.l2),
                               pc.model.l2, options);
  }
  return o;
}

}  // namespace sgdbench
