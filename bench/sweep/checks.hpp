#pragma once
// What can be checked before a run, for every problem (sweep/checks.cpp).
#include <cstddef>
#include <string>

#include "config/config.hpp"
#include "datasets/datasets.hpp"

namespace sgdbench {

/// Everything that can be checked before a run, for every problem: variants compiled,
/// data loadable and of the shape the model and the batch sizes need. Returns the number
/// of run cells. The data come from `datasets`, which the run then loads from too.
std::size_t check_experiment(const ExperimentConfig& config, DatasetCache& datasets);
std::size_t check_experiment(const ExperimentConfig& config, const std::string& data_dir);

/// The same for a config holding one problem (see for_problem). The checks only read the
/// data, so a run of one data set trains on the very Split they saw.
void check_problem(const ExperimentConfig& config, DatasetCache& datasets);

}  // namespace sgdbench
