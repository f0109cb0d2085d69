#pragma once
// The data of an experiment: /dataset of the config turned into train and test sets.
#include <cstddef>
#include <string>

#include "config/config.hpp"
#include "data/dataset.hpp"

namespace sgdbench {

/// Train and test sets as the config's /dataset asks; `data_dir` holds the npm digits.
Split load_dataset(const ExperimentConfig& config, const std::string& data_dir);

/// How many times load_dataset has been called in this process: the tests check with it
/// that a run loads each problem's data once.
std::size_t dataset_loads();

}  // namespace sgdbench
