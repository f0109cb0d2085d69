#pragma once
// An experiment as a JSON config describes it (configs/*.json; docs/config.md). Plain
// structs with their defaults; parse_config checks every field.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "data/dataset.hpp"
#include "model/rows.hpp"
#include "train/batch_size.hpp"
#include "train/schedule.hpp"
#include "train/update/update_params.hpp"

namespace sgdbench {

struct DatasetConfig {
  std::string name;       // mnist, fashion-mnist, idx, csv, libsvm, synthetic-lsq, gaussian-mixture
  std::size_t train = 0;  // rows for training (0: all the source offers)
  std::size_t test = 0;   // rows for testing (0: all)
  std::uint64_t split_seed = 0;         // shuffles the pool before the split
  std::string images, labels;           // "idx" only: the IDX pair, split into train and test
  std::string path;                     // "csv", "libsvm": the file (relative to the config)
  std::string task = "classification";  // csv, libsvm: or "regression" (real targets)
  bool header = false;                  // csv: skip the first line
  std::size_t features = 0;             // libsvm: dense width (0: the largest index seen)
  std::size_t validation = 0;           // rows split off for validation (0: none)
  Preprocess preprocess = Preprocess::kNone;
  // synthetic problems (data/synthetic.hpp), generated from `seed`
  std::size_t d = 0;
  double noise = 0.1;       // synthetic-lsq
  double condition = 10.0;  // synthetic-lsq: cond(XᵀX)
  std::size_t classes = 0;  // gaussian-mixture
  double separation = 3.0;  // gaussian-mixture
  std::uint64_t seed = 0;

  /// Equal sections load equal data (DatasetCache).
  bool operator==(const DatasetConfig&) const = default;
};

struct ModelConfig {
  std::vector<std::size_t> widths;  // MLP variants; softmax and least squares take the data's
  std::optional<Init> init;         // absent: the model's default
  double l2 = 0.0;
};

/// Upper bounds that keep every size computation far from overflow.
inline constexpr std::uint64_t kMaxLayerWidth = 1 << 20;
inline constexpr std::uint64_t kMaxChunkRows = 1 << 20;
/// /sweep/threads and /execution/threads: TBB allocates per requested thread.
inline constexpr std::uint64_t kMaxThreads = 4096;

/// A target for *-to-target figures: the first evaluation point at which `metric`
/// (test_accuracy, validation_accuracy: at least; train_loss, validation_loss,
/// suboptimality: at most) reaches `value`.
/// Accuracies are reached from below (at least), losses and suboptimality from above.
bool higher_is_better(std::string_view metric);

struct Target {
  std::string metric;
  double value = 0.0;
  std::string label() const;  // "test_accuracy>=0.9"
  bool reached(double metric_value) const;
};

/// The learning-rate tuning protocol (DeepOBS-style): for each (variant, batch size) try
/// every lr of the sweep with the sweep's single seed, pick the best by `select_by`, then
/// re-run that lr with each of `seeds`.
struct Tuning {
  std::vector<std::uint64_t> seeds;
  bool points = true;  // false: tuning-phase runs keep their run line, not their points
  std::string select_by = "train_loss";  // train_loss, test_accuracy, updates_to_target,
                                         // seconds_to_target, grad_evals_to_target
  // With a *_to_target select_by: false, the first target chooses one rate for all;
  // true, each target gets the rate with the least median cost to it (AlgoPerf's rule).
  bool per_target = false;
  // /tuning/bracket: extend the grid by its own step at an edge while the best lr sits
  // there (at most max_extensions per edge), flag a choice still on the edge, choose no lr
  // when no rate scores, break ties by the lower final validation loss.
  bool bracket = false;
  std::size_t max_extensions = 0;
};

/// One problem of an experiment: a dataset (with its label and targets) and the model
/// widths; the whole sweep runs on each.
struct Problem {
  DatasetConfig dataset;
  std::string label;  // the dataset's name unless /datasets gives labels
  std::vector<std::size_t> widths;
  std::vector<Target> targets;
};

/// What one entry of /variants may set for itself instead of the sweep's values.
struct VariantSweep {
  std::string label;  // names the method in records and tables (empty: the variant's name)
  std::vector<BatchSize> batch_sizes;  // empty: /sweep/batch_size
  std::vector<double> learning_rates;  // empty: /sweep/lr
  std::optional<Schedule> schedule;    // absent: /schedule
  double epochs = 0;                   // 0: /budget/epochs
  HyperParams update;                  // over /update (a method's own momentum, say)
};

struct ExperimentConfig {
  std::string file;  // where it was read from
  std::string name;  // also the results folder: results/<name>/
  std::string description;
  // dataset, model.widths and targets hold the problem being run (see for_problem)
  DatasetConfig dataset;
  ModelConfig model;
  std::vector<Problem> problems;  // /dataset or /datasets × /sweep/widths
  bool widths_swept = false;
  std::vector<std::string> variants;
  std::vector<VariantSweep> variant_sweeps;  // one per variant
  std::vector<BatchSize> batch_sizes;
  std::vector<double> learning_rates;
  std::vector<std::uint64_t> seeds;
  HyperParams update;  // /update: each read by the rule that declares it
  Schedule schedule;
  // budget: any of these (0: no limit on that measure); at least one is set
  double epochs = 0;
  std::uint64_t max_grad_evals = 0, max_updates = 0;
  double max_seconds = 0;
  bool until_first_target = false;  // /budget/until_first_target: stop when targets[0] is met
  bool until_all_targets = false;   // /budget/until_all_targets: stop once every target was met
  // evaluation cadence: every_grad_evals when set, else every_epochs
  double eval_every_epochs = 1.0;
  std::uint64_t eval_every_grad_evals = 0;
  // /eval/log_per_decade: log-spaced points before the first linear one, and crossing
  // figures interpolated between the two points that bracket a target (0: off)
  std::size_t eval_log_per_decade = 0;
  bool record_params = false;  // /eval/record_params: models of at most 64 parameters
  std::vector<Target> targets;
  std::optional<Tuning> tuning;
  std::size_t noise_b_small = 0, noise_b_big = 0, noise_batches = 50;  // b_big = 0: off
  // F* for problems without a closed form: the final loss of a long run of this variant
  // (e.g. L-BFGS for L2-regularised softmax); empty: exact least squares F* only.
  std::string f_star_variant;
  double f_star_epochs = 0;
  // /conditioning: record the Hessian's extreme eigenvalues at w* for every problem (least
  // squares, or softmax regression at the /f_star run's final point)
  bool conditioning = false;
  std::vector<std::size_t> threads = {0};  // a sweep axis; 0: all cores
  std::size_t chunk_rows = 256;
  double divergence_loss = 1e6;
};

/// The config with `p`'s dataset, widths and targets in place: what one problem runs.
ExperimentConfig for_problem(const ExperimentConfig& config, const Problem& p);

/// Reads and checks a config; an Error names the file and the JSON path of any defect.
ExperimentConfig parse_config(const std::string& path);
/// The same checks on an already parsed document (`path` names it in errors).
ExperimentConfig parse_config_json(const Json& root, const std::string& path);

}  // namespace sgdbench
