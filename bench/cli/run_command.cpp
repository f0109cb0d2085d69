#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "sweep/interrupt.hpp"

namespace sgdbench::cli {

std::string default_data_dir() {
  if (const char* env = std::getenv("SGDBENCH_DATA_DIR")) return env;
  return SGDBENCH_SOURCE_DIR "/data";
}

int run_command(const RunArgs& args) {
  const ExperimentConfig config = parse_config(args.config);
  const RunOptions& options = args.options;
  install_interrupt_handlers();
  try {
    run_experiment(config, options);
  } catch (const Interrupted& e) {
    std::string again = "sgdbench run " + args.config;
    if (options.out_root != "results") again += " --out " + options.out_root;
    if (options.data_dir != default_data_dir()) again += " --data-dir " + options.data_dir;
    fmt::print(stderr, "sgdbench: {}\nresume with: {} --resume\n", e.what(), again);
    return 128 + interrupt_signal();
  }
  const std::string dir = options.out_root + "/" + config.name;
  const bool plotted = options.plots && std::filesystem::exists(dir + "/plots");
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
  return 0;
}

}  // namespace sgdbench::cli
