#pragma once
// sgdbench run under mpirun (or srun): the same results folder as one process, computed
// by several ranks. Two modes, chosen from the config:
//  - cells: rank 0 plans, hands each worker rank the next cell as soon as it is idle
//    (cells differ in cost by 1000×), and writes runs.jsonl in the planned order; a tuning
//    group's grid is asked for at once, its bracket extensions and final seeds once the
//    cells they depend on are back. Rank 0 itself only schedules and writes.
//  - lock-step: when a variant uses the mpi execution policy (exec/mpi_deterministic.hpp),
//    every rank runs each of its cells together (data-parallel SGD); rank 0 announces the
//    cell, runs the rest alone, and records.
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "datasets/datasets.hpp"
#include "records/output_files.hpp"
#include "sweep/experiment.hpp"
#include "sweep/plan.hpp"
#include "sweep/resume.hpp"

namespace sgdbench {

/// Whether a config needs the lock-step mode (some variant runs on the mpi policy).
bool uses_mpi_policy(const ExperimentConfig& c);

/// Rank 0 of the cells mode: runs the sweep on the worker ranks, writes `out` in the
/// planned order, returns the records (as a 1-process run does). end_cells() then
/// releases the workers (also after a run that had nothing left to do).
/// `datasets`: where check_experiment loaded the data.
std::vector<Json> distributed_sweep(const ExperimentConfig& c, const RunOptions& options,
                                    const SweepPlan& plan, const PartialRun& resumed,
                                    const Json& header, bool header_on_disk, JsonLinesWriter& out,
                                    const std::string& dir, DatasetCache& datasets);

/// Lock-step mode, rank 0: before a cell of an mpi-policy variant runs, tells the other
/// ranks to run it too (`c`: the config the cell was planned from). end_lock_step() releases them.
void announce_lock_step(const ExperimentConfig& c, const ProblemSetup& setup, const Cell& cell);
void end_lock_step();
void end_cells();

/// A rank other than 0, in either mode: runs what rank 0 sends until it says stop.
/// Returns the exit code.
int serve_rank(const ExperimentConfig& c, const RunOptions& options, bool lock_step);

}  // namespace sgdbench
