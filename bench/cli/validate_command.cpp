#include <fmt/format.h>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "sweep/checks.hpp"

namespace sgdbench::cli {

int validate_command(const std::string& config_path, const std::string& data_dir) {
  const ExperimentConfig config = parse_config(config_path);
  const std::size_t cells = check_experiment(config, data_dir);
  // Tuning can run more than planned: a grid extended at an edge until bracketed, and
  // under per-target tuning a reporting group for each distinct chosen rate.
  fmt::print("{}: valid; {} problem(s), {} run cells planned{}\n", config_path,
             config.problems.size(), cells,
             config.tuning ? " (more if tuning extends a grid or chooses several rates)" : "");
  return 0;
}

}  // namespace sgdbench::cli
