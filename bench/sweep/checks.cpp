// The checks run before anything is trained: variants compiled, data loadable and of the
// shape the models and batch sizes need (sgdbench validate runs exactly these).
#include "sweep/checks.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "datasets/datasets.hpp"
#include "sweep/experiment.hpp"
#include "sweep/plan.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace {

/// The one check of batch sizes against the data: a mini-batch larger than the training
/// set is an error at its place in the config (`at`/i).
void check_batch_sizes_fit(const std::string& file, const std::string& at,
                           const std::vector<BatchSize>& sizes, std::size_t train_rows) {
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    if (!sizes[i].fits(train_rows)) {
      throw Error(fmt::format("{}: {}/{}: batch size {} exceeds the {} training rows", file, at, i,
                              sizes[i].to_string(), train_rows));
    }
  }
}

/// Targets and a tuning choice on the validation split need one.
void check_validation_split(const ExperimentConfig& c, const Split& data) {
  if (data.validation.rows > 0) return;
  for (const Target& t : c.targets) {
    if (t.metric.starts_with("validation_")) {
      throw Error(
          fmt::format("{}: target {} of {}: the data set has no validation split (set "
                      "its \"validation\": rows carved from the training set)",
                      c.file, t.label(), c.dataset.name));
    }
  }
  if (c.tuning && c.tuning->select_by.starts_with("validation_")) {
    throw Error(
        fmt::format("{}: /tuning/select_by: {} needs a validation split, and {} has none "
                    "(set its \"validation\")",
                    c.file, c.tuning->select_by, c.dataset.name));
  }
}

/// A variant none of whose batch sizes it can run (L-BFGS given B = 10) would run no cell
/// and leave an empty table behind a "skipping" line (issue 42): an error naming the
/// variant, the batch sizes it was given and the ones it accepts.
void check_runnable_batch_sizes(const ExperimentConfig& c, std::size_t vi, const VariantInfo& v) {
  const VariantSweep& vs = c.variant_sweeps[vi];
  const auto& sizes = vs.batch_sizes.empty() ? c.batch_sizes : vs.batch_sizes;
  const auto runs = [&](BatchSize b) {
    return std::find(v.batchings.begin(), v.batchings.end(), std::string(b.batching())) !=
           v.batchings.end();
  };
  if (std::any_of(sizes.begin(), sizes.end(), runs)) return;
  std::vector<std::string> given;
  given.reserve(sizes.size());
  for (BatchSize b : sizes) given.push_back(b.to_string());
  const bool full_only = v.batchings.size() == 1 && v.batchings.front() == "full";
  throw Error(fmt::format(
      "{}: /variants/{}: {} runs on {} only, so its batch sizes ({}, from {}) give it no cell "
      "to run: give it its own, {{\"variant\": \"{}\", \"batch_size\": [{}]}}",
      c.file, vi, v.name, full_only ? "the full batch" : "mini-batches (a number of rows)",
      fmt::join(given, ", "),
      vs.batch_sizes.empty() ? "/sweep/batch_size" : fmt::format("/variants/{}/batch_size", vi),
      v.name, full_only ? "\"full\"" : "100"));
}

}  // namespace

void check_problem(const ExperimentConfig& c, DatasetCache& datasets) {
  const Registry& registry = compiled_variants();
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    if (registry.find(c.variants[i]) != nullptr) continue;
    std::string known;
    for (const auto& v : registry.all()) known += "\n  " + v.name;
    throw Error(
        fmt::format("{}: /variants/{}: variant \"{}\" is not compiled in this build. Compiled:{}\n"
                    "To add one, add its line to variants/variants.list (and to "
                    "-DSGDBENCH_VARIANTS if this build was configured with a subset)",
                    c.file, i, c.variants[i], known));
  }
  const std::shared_ptr<const Split> loaded = datasets.get(c);
  const Split& data = *loaded;
  check_validation_split(c, data);
  // With several problems, a variant runs on those of its task (classification or
  // regression); with one problem, every variant must fit it.
  std::size_t fitting = 0;
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const VariantInfo& v = *registry.find(c.variants[i]);
    if (v.classifier == data.train.is_regression()) {
      if (c.problems.size() > 1) continue;
      throw Error(fmt::format("{}: /variants/{}: {} is a {} model but {} is a {} problem", c.file,
                              i, v.name, v.classifier ? "classification" : "regression",
                              c.dataset.name,
                              data.train.is_regression() ? "regression" : "classification"));
    }
    ++fitting;
    check_runnable_batch_sizes(c, i, v);
    const ModelSpec m = model_widths(c, v, data.train);  // throws when they do not fit the data
    if (c.record_params) {
      std::size_t params = m.widths.front();  // least squares: one weight a feature
      if (v.model != "lsq") {
        params = 0;
        for (std::size_t l = 1; l < m.widths.size(); ++l)
          params += (m.widths[l - 1] + 1) * m.widths[l];
      }
      if (params > 64) {
        throw Error(
            fmt::format("{}: /eval/record_params: {} has {} parameters on {}; at most 64 "
                        "are recorded",
                        c.file, v.name, params, c.dataset.name));
      }
    }
  }
  if (fitting == 0) {
    throw Error(fmt::format("{}: /variants: none fits the {} problem {}", c.file,
                            data.train.is_regression() ? "regression" : "classification",
                            c.dataset.name));
  }
  check_batch_sizes_fit(c.file, "/sweep/batch_size", c.batch_sizes, data.train.rows);
  for (std::size_t vi = 0; vi < c.variant_sweeps.size(); ++vi) {
    check_batch_sizes_fit(c.file, fmt::format("/variants/{}/batch_size", vi),
                          c.variant_sweeps[vi].batch_sizes, data.train.rows);
  }
}

std::size_t check_experiment(const ExperimentConfig& c, const std::string& data_dir) {
  DatasetCache datasets(data_dir);
  return check_experiment(c, datasets);
}

std::size_t check_experiment(const ExperimentConfig& c, DatasetCache& datasets) {
  for (const Problem& p : c.problems) check_problem(for_problem(c, p), datasets);
  return plan_sweep(c, false).cells;  // the count the run starts from: one definition
}

}  // namespace sgdbench
