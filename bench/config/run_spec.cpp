#include "config/run_spec.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/error.hpp"

namespace sgdbench {

TrainSpec train_spec_of(const ExperimentConfig& c, const Cell& cell, std::size_t train_rows) {
  TrainSpec spec;
  spec.batch = cell.batch;
  spec.lr = static_cast<float>(cell.lr);
  spec.seed = cell.seed;
  const double epochs =
      cell.sweep != nullptr && cell.sweep->epochs > 0 ? cell.sweep->epochs : c.epochs;
  spec.epochs = epochs > 0 ? epochs : std::numeric_limits<double>::infinity();
  spec.max_grad_evals = c.max_grad_evals;
  spec.max_updates = c.max_updates;
  spec.max_seconds = c.max_seconds;
  spec.eval_every_grad_evals =
      c.eval_every_grad_evals > 0
          ? c.eval_every_grad_evals
          : std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::llround(
                                           c.eval_every_epochs * static_cast<double>(train_rows))));
  spec.eval_log_per_decade = c.eval_log_per_decade;
  spec.chunk_rows = c.chunk_rows;
  spec.divergence_loss = c.divergence_loss;
  spec.schedule =
      cell.sweep != nullptr && cell.sweep->schedule ? *cell.sweep->schedule : c.schedule;
  spec.update = cell.sweep != nullptr ? c.update.merged_with(cell.sweep->update) : c.update;
  spec.l2 = static_cast<float>(c.model.l2);
  spec.init = c.model.init;
  spec.record_params = c.record_params;
  if (c.until_first_target && !c.targets.empty() && c.targets.front().metric != "suboptimality") {
    spec.stop_at.push_back({c.targets.front().metric, c.targets.front().value});
  }
  if (c.until_all_targets) {
    // F − F* ≤ v needs F*: the cell runner sets spec.f_star where the problem has one;
    // without it a suboptimality stop is never met and the run goes on.
    for (const Target& t : c.targets) spec.stop_at.push_back({t.metric, t.value});
  }
  spec.noise_b_small = c.noise_b_small;
  spec.noise_b_big = c.noise_b_big;
  spec.noise_batches = c.noise_batches;
  return spec;
}

ModelSpec model_widths(const ExperimentConfig& c, const VariantInfo& v, const Dataset& train) {
  const std::size_t out = train.is_regression() ? 1 : train.classes;
  if (v.model == "softmax" || v.model == "lsq") {
    const std::vector<std::size_t> w = {train.cols, out};
    if (!c.model.widths.empty() && c.model.widths != w) {
      throw Error(
          fmt::format("{}: /model/widths: {} takes its widths from the data ({} → {}); "
                      "leave them out",
                      c.file, v.name, train.cols, out));
    }
    return {w};
  }
  if (c.model.widths.empty()) {
    throw Error(fmt::format("{}: /model/widths: missing; {} needs layer widths", c.file, v.name));
  }
  if (c.model.widths.front() != train.cols) {
    throw Error(fmt::format("{}: /model/widths/0: input width {} but {} has {} features per row",
                            c.file, c.model.widths.front(), train.name, train.cols));
  }
  if (c.model.widths.back() != out) {
    throw Error(fmt::format("{}: /model/widths/{}: output width {} but {} has {} classes", c.file,
                            c.model.widths.size() - 1, c.model.widths.back(), train.name, out));
  }
  return {c.model.widths};
}

}  // namespace sgdbench
