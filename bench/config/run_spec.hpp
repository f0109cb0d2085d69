#pragma once
// Where a config becomes a run: a run cell (variant, batch size, lr, seed, threads) and
// the TrainSpec and model widths it trains with. Shared by the sweep, the F* run and
// `sgdbench throughput` (measure/), which needs nothing else of the sweep.
#include <cstdint>
#include <string>

#include "config/config.hpp"
#include "data/dataset.hpp"
#include "train/train_spec.hpp"
#include "variants/registry.hpp"

namespace sgdbench {

struct Cell {
  const VariantInfo* variant = nullptr;
  BatchSize batch = BatchSize::full();
  double lr = 0.0;
  std::uint64_t seed = 0;
  std::size_t threads = 0;              // 0: all cores
  std::string phase;                    // "tune" or "final" under the tuning protocol, else empty
  const VariantSweep* sweep = nullptr;  // the variant entry's own label and schedule
};

/// The numbers a cell's run is asked for on a training set of `train_rows` rows: the one
/// place where a config and a cell become a TrainSpec (sgdbench run, sgdbench throughput
/// and the F* run all start from it).
TrainSpec train_spec_of(const ExperimentConfig& c, const Cell& cell, std::size_t train_rows);

/// The widths a variant's model gets: the config's for MLPs (checked against the data),
/// {d, classes} for softmax and {d, 1} for least squares.
ModelSpec model_widths(const ExperimentConfig& config, const VariantInfo& variant,
                       const Dataset& train);

}  // namespace sgdbench
