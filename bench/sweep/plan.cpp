#include "sweep/plan.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

namespace sgdbench {
namespace {

bool batching_compiled(const VariantInfo& v, BatchSize batch) {
  const std::string b(batch.batching());
  return std::find(v.batchings.begin(), v.batchings.end(), b) != v.batchings.end();
}

PlannedProblem plan_problem(const ExperimentConfig& c, std::size_t pi, bool verbose) {
  PlannedProblem plan{pi, {}};
  const bool classification = task_of(c.problems[pi].dataset) == Task::kClassification;
  for (std::size_t vi = 0; vi < c.variants.size(); ++vi) {
    const VariantInfo* v = compiled_variants().find(c.variants[vi]);
    const VariantSweep& vs = c.variant_sweeps[vi];
    if (v->classifier != classification) continue;  // a variant of the other task
    const auto& batches = vs.batch_sizes.empty() ? c.batch_sizes : vs.batch_sizes;
    const auto& lrs = vs.learning_rates.empty() ? c.learning_rates : vs.learning_rates;
    for (const BatchSize b : batches) {
      if (!batching_compiled(*v, b)) {
        if (verbose && pi == 0) {
          std::fprintf(stderr, "skipping %s at B=%s: it runs on %s batches only\n", v->name.c_str(),
                       b.to_string().c_str(), v->batchings.front().c_str());
        }
        continue;
      }
      for (std::size_t t : c.threads) {
        std::vector<Cell> group;  // the lr grid of one (variant, B, threads)
        for (double lr : lrs) {
          for (std::uint64_t seed : c.seeds) {
            group.push_back({v, b, lr, seed, t, c.tuning ? "tune" : "", &vs});
          }
        }
        plan.groups.push_back(std::move(group));
      }
    }
  }
  return plan;
}

}  // namespace

SweepPlan plan_sweep(const ExperimentConfig& c, bool verbose) {
  SweepPlan plan;
  for (std::size_t pi = 0; pi < c.problems.size(); ++pi) {
    plan.problems.push_back(plan_problem(c, pi, verbose));
    for (const auto& g : plan.problems.back().groups) {
      plan.cells += g.size() + (c.tuning ? c.tuning->seeds.size() : 0);
    }
  }
  return plan;
}

}  // namespace sgdbench
