#include <fmt/format.h>
#include <tbb/info.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "exec/mpi_world.hpp"
#include "sweep/distributed.hpp"
#include "sweep/interrupt.hpp"
#include "util/error.hpp"

namespace sgdbench::cli {

std::string default_data_dir() {
  if (const char* env = std::getenv("SGDBENCH_DATA_DIR")) return env;
  return SGDBENCH_SOURCE_DIR "/data";
}

namespace {

/// The ranks of this run: 1 unless a launcher (mpirun, srun) started it.
int start_ranks() {
  if (!mpi::launched_with_ranks()) return 1;
  if (!mpi::built_with_mpi()) {
    throw Error(
        "sgdbench run: started as one of several MPI ranks, but this build has no MPI "
        "(SGDBENCH_WITH_MPI is OFF): install libopenmpi-dev and rebuild, or run one process");
  }
  mpi::ensure_init();
  return mpi::size();
}

/// machine.json's mpi entry (collective: every rank calls it). "All cores" (threads 0)
/// is named in every record by its number, which rank 0 writes: every rank must mean the
/// same (mpirun binds ranks to cores unless told not to).
Json describe_ranks(const ExperimentConfig& config, int ranks, bool lock_step) {
  const std::vector<long> cores = mpi::all_values(tbb::info::default_concurrency());
  const bool all_cores =
      std::find(config.threads.begin(), config.threads.end(), 0) != config.threads.end();
  for (std::size_t r = 1; all_cores && r < cores.size(); ++r) {
    if (cores[r] != cores[0]) {
      throw Error(fmt::format(
          "{}: /execution/threads 0 (all cores) is {} cores on rank 0 but {} on rank {} "
          "(mpirun binds each rank to cores): launch with mpirun --bind-to none, or set "
          "/execution/threads",
          config.file, cores[0], cores[r], r));
    }
  }
  return {{"ranks", ranks},
          {"hosts", mpi::hosts()},
          {"cores", cores},
          {"mode", lock_step ? "lock-step (mpi policy)" : "cells"}};
}

/// What lock-step mode cannot run.
void check_lock_step(const ExperimentConfig& config) {
  if (config.max_seconds > 0) {
    // Each rank would stop on its own clock, after a different step: the collective
    // reductions would then pair up wrongly.
    throw Error(
        fmt::format("{}: /budget/seconds: a time budget cannot stop the ranks of an "
                    "mpi-policy variant at one step; use epochs, grad_evals or updates",
                    config.file));
  }
  if (!config.f_star_variant.empty() &&
      compiled_variants().find(config.f_star_variant)->collective) {
    throw Error(
        fmt::format("{}: /f_star/variant: {} runs on the mpi policy, which the F* run "
                    "on rank 0 alone cannot use under mpirun: use its tbb variant",
                    config.file, config.f_star_variant));
  }
}

/// summary.md on stdout, then where everything went.
void print_summary(const std::string& dir, bool plots) {
  const bool plotted = plots && std::filesystem::exists(dir + "/plots");
  if (std::FILE* summary = std::fopen((dir + "/summary.md").c_str(), "rb")) {
    char buf[4096];
    for (std::size_t n = 0; (n = std::fread(buf, 1, sizeof buf, summary)) > 0;) {
      std::fwrite(buf, 1, n, stdout);
    }
    std::fclose(summary);
  }
  fmt::print(
      "\nresults: {0}/runs.jsonl (every point), {0}/summary.{{md,csv,tex}}, "
      "{0}/machine.json{1}\n",
      dir, plotted ? fmt::format(", {}/plots/", dir) : "");
  std::fflush(stdout);
}

}  // namespace

int run_command(const RunArgs& args) {
  const ExperimentConfig config = parse_config(args.config);
  RunOptions options = args.options;
  // Under mpirun / srun: one results folder from every rank (sweep/distributed.hpp).
  const int ranks = start_ranks();
  const bool lock_step = ranks > 1 && uses_mpi_policy(config);
  if (ranks > 1) {
    options.ranks = describe_ranks(config, ranks, lock_step);
    // Workers keep the default signal handling: rank 0 owns the files and the Ctrl-C.
    if (mpi::rank() != 0) return serve_rank(config, options, lock_step);
    if (lock_step) {
      check_lock_step(config);
      options.announce = [&config](const ProblemSetup& setup, const Cell& cell) {
        announce_lock_step(config, setup, cell);
      };
    } else {
      options.distribute = true;
    }
  }
  // The one resume command, on screen and in summary.md (issue 42: the file's lacked --out).
  std::string again = "sgdbench run " + args.config;
  if (options.out_root != "results") again += " --out " + options.out_root;
  if (options.data_dir != default_data_dir()) again += " --data-dir " + options.data_dir;
  if (ranks > 1) again = "mpirun -np " + std::to_string(ranks) + " " + again;
  options.resume_command = again + " --resume";
  install_interrupt_handlers();
  try {
    run_experiment(config, options);
    if (lock_step) end_lock_step();
    if (ranks > 1 && !lock_step) end_cells();
  } catch (const Interrupted& e) {
    fmt::print(stderr, "sgdbench: {}\nresume with: {}\n", e.what(), options.resume_command);
    return 128 + interrupt_signal();
  }
  print_summary(options.out_root + "/" + config.name, options.plots);
  return 0;
}

}  // namespace sgdbench::cli
