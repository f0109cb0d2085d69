// Every compiled variant, with each batching it was compiled for, trains 20 steps on a
// small synthetic problem and lowers the loss.
#include <catch2/catch.hpp>
#include <string>

#include "data/synthetic.hpp"
#include "variants/registry.hpp"

using namespace sgdbench;

namespace {

/// A learning rate that suits the model and rule (the numbers are not tuned, only sane).
float sane_lr(const VariantInfo& v) {
  if (v.update == "adam" || v.update == "rmsprop") return 0.01f;
  if (v.update == "adagrad") return 0.1f;
  if (v.model == "mlp<sigmoid, quadratic>") return 3.0f;
  if (v.model == "lsq") return 0.05f;
  return 0.1f;
}

}  // namespace

TEST_CASE("example_every_compiled_variant_lowers_the_loss_in_20_steps", "[variants]") {
  const Split classes = split_by_seed(make_gaussian_mixture(260, 8, 3, 1.0, 5), 200, 60, 0);
  const Split regression = split_by_seed(make_lsq(260, 8, 0.1, 10.0, 5), 200, 60, 0);
  REQUIRE(compiled_variants().all().size() >= 10);
  for (const VariantInfo& v : compiled_variants().all()) {
    for (const std::string& batching : v.batchings) {
      DYNAMIC_SECTION(v.name << " " << batching) {
        const Split& data = v.classifier ? classes : regression;
        ModelSpec model{{8, v.classifier ? 3u : 1u}};
        if (v.model.rfind("mlp", 0) == 0) model.widths = {8, 6, 3};
        TrainSpec spec;
        spec.lr = sane_lr(v);
        spec.seed = 1;
        spec.chunk_rows = 16;
        const bool full = batching == "full";
        spec.batch = full ? BatchSize::full() : *BatchSize::of(10);
        // 20 updates: 1 epoch of B = 10 on 200 rows, or 20 full-batch steps; SVRG makes
        // 20 steps per snapshot (3 passes); a line search (L-BFGS, GD with Armijo
        // backtracking) spends a pass per trial, so at least 5 steps in 20 passes.
        const bool line_search = v.update == "lbfgs" || v.update == "gdarmijo";
        spec.epochs = full ? 20 : (v.update == "svrg" ? 3 : 1);
        double first = 0.0, last = 0.0;
        std::size_t points = 0;
        const RunResult r =
            v.run(model, data.train, data.test, nullptr, spec, [&](const MetricPoint& p) {
              if (points++ == 0) first = p.train_loss;
              last = p.train_loss;
            });
        INFO("loss " << first << " -> " << last << ", updates " << r.final_point.updates);
        REQUIRE(r.status == RunStatus::kOk);
        REQUIRE(r.final_point.updates >= (line_search ? 5u : 20u));
        REQUIRE(last < first);
      }
    }
  }
}
