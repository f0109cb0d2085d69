#pragma once
// The data of an experiment: /dataset of the config turned into train and test sets.
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "config/config.hpp"
#include "data/dataset.hpp"

namespace sgdbench {

/// Train and test sets as the config's /dataset asks; `data_dir` holds the npm digits.
Split load_dataset(const ExperimentConfig& config, const std::string& data_dir);

/// How many times load_dataset has been called in this process: the tests check with it
/// how often a run loads its data.
std::size_t dataset_loads();

/// The data of a run's problems, one data set held at a time. The check and then the run
/// ask for every problem's data in turn (check_experiment, load_problem); a problem whose
/// /dataset section equals the last one asked for gets the same Split, not a new load
/// (0.8 s for Fashion-MNIST). So a one-data-set run (one problem, or a sweep of widths)
/// reads its files once, and trains on the data it checked.
class DatasetCache {
 public:
  explicit DatasetCache(std::string data_dir) : data_dir_(std::move(data_dir)) {}

  /// The data of `problem_config` (one problem: for_problem).
  std::shared_ptr<const Split> get(const ExperimentConfig& problem_config);

 private:
  std::string data_dir_;
  std::optional<DatasetConfig> held_for_;
  std::shared_ptr<const Split> held_;
};

}  // namespace sgdbench
