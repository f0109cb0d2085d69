#pragma once
// The subcommands of the sgdbench binary, one file each; main.cpp parses the command line
// (CLI11 stays in that one translation unit: it is slow to compile) and calls one of
// these. Each returns the process's exit code; an Error propagates to main.
#include <string>

#include "measure/throughput.hpp"
#include "sweep/experiment.hpp"

namespace sgdbench::cli {

/// Where bench/scripts/setup.sh puts the data: $SGDBENCH_DATA_DIR, else <source>/data.
std::string default_data_dir();

struct RunArgs {
  std::string config;
  RunOptions options;
};
/// run: train every cell, write <out>/<name>/, print the summary; 128 + signal on Ctrl-C.
int run_command(const RunArgs& args);
/// validate: check the config, its variants and its data; run nothing.
int validate_command(const std::string& config, const std::string& data_dir);
/// report: tables and plots (unless `plots` is false) again from <dir>/runs.jsonl.
int report_command(const std::string& dir, bool plots);
/// verify: re-run <dir>'s config and compare both ways; 1 on any mismatch.
int verify_command(const std::string& dir, RunOptions options);
/// list: the compiled variants and their axes; with `hyper_params`, the /update
/// hyper-parameters their rules declare, as the Markdown table docs/config.md carries.
int list_command(bool hyper_params);

struct ThroughputArgs {
  ThroughputOptions options;
  std::string batch = "full";
  std::string machine_of;  // print the machine description for this config instead
  bool stream = false, peak_flops = false;
};
/// throughput: one JSON line of samples/s (or stream GB/s, or the FMA peak).
int throughput_command(ThroughputArgs args);

}  // namespace sgdbench::cli
