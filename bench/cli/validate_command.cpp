#include <fmt/format.h>

#include "cli/commands.hpp"
#include "config/config.hpp"

namespace sgdbench::cli {

int validate_command(const std::string& config_path, const std::string& data_dir) {
  const ExperimentConfig config = parse_config(config_path);
  const std::size_t cells = check_experiment(config, data_dir);
  fmt::print("{}: valid; {} problem(s), {} run cells\n", config_path, config.problems.size(),
             cells);
  return 0;
}

}  // namespace sgdbench::cli
