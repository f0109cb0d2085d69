#pragma once
// The value readers that config sections share (config.cpp, dataset_config.cpp): each
// checks its value and names the file and JSON path in its error.
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"

namespace sgdbench {

double read_number_in(const Json& v, const std::string& file, const std::string& path, double lo,
                      double hi);
bool read_bool(const Json& v, const std::string& file, const std::string& path);
/// {"test_accuracy": [...], "train_loss": [...], "suboptimality": [...]}.
std::vector<Target> parse_targets(const Json& v, const std::string& file, const std::string& at);
Init parse_init(const Json& v, const std::string& file, const std::string& path);
/// A list of batch sizes: positive integers or "full" (whether they fit the training set
/// is checked once the data are loaded: check_problem).
std::vector<BatchSize> parse_batch_sizes(const Json& v, const std::string& path,
                                         const std::string& at);
/// A list of learning rates or {"log_grid": {"min": 0.01, "max": 10, "num": 7}}.
std::vector<double> parse_learning_rates(const Json& lr, const std::string& path,
                                         const std::string& at);
Schedule parse_schedule(const Json& v, const std::string& file, const std::string& at);

/// /tuning (tuning_config.cpp); `any_targets`: the config has targets (global or per
/// dataset).
Tuning parse_tuning(const Json& v, const std::string& path, bool any_targets,
                    const ExperimentConfig& c);

/// /update, or a /variants entry's update at `at_path` (tuning_config.cpp): each key a
/// hyper-parameter some compiled update rule declares, checked against its range.
HyperParams parse_update(const Json& v, const std::string& path, const std::string& at_path);
/// Layer widths: input, hidden..., outputs; each in [1, kMaxLayerWidth].
std::vector<std::size_t> parse_widths(const Json& v, const std::string& file,
                                      const std::string& at);
/// /dataset, or one entry of /datasets (at = "/datasets/3"), with its label (the
/// dataset's name unless given) and its own targets (empty unless given).
DatasetConfig parse_dataset(const Json& v, const std::string& file, const std::string& at,
                            std::string& label, std::vector<Target>& targets);

}  // namespace sgdbench
