#pragma once
// Sweep planning: the run cells of each problem, in the fixed order they run in (resume
// relies on that order). Per problem: variant × batch size × threads, each a group of
// lr × seed cells; under tuning a group is the lr grid with the tuning seed, and the
// chosen lr's "final" cells follow it (tuning/lr_search.hpp).
#include <cstddef>
#include <vector>

#include "config/config.hpp"
#include "datasets/dataset_catalog.hpp"
#include "sweep/cell_runner.hpp"

namespace sgdbench {

struct PlannedProblem {
  std::size_t problem = 0;                // index into ExperimentConfig::problems
  std::vector<std::vector<Cell>> groups;  // one per (variant, batch size, threads)
};

struct SweepPlan {
  std::vector<PlannedProblem> problems;
  std::size_t cells = 0;  // every cell that will run, final cells of tuning included
};

/// Variants run on the problems of their task; a batch size a variant was not compiled
/// for is skipped (said on stderr when `verbose`).
SweepPlan plan_sweep(const ExperimentConfig& c, bool verbose);

}  // namespace sgdbench
