// Plots are drawn by bench/scripts/plot.py (Debian's matplotlib), run as a process.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>

#include "records/report.hpp"

#ifndef SGDBENCH_SOURCE_DIR
#define SGDBENCH_SOURCE_DIR "."
#endif

namespace sgdbench {

std::string plot_script() {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = exe.parent_path() / "plot.py";
    if (std::filesystem::is_regular_file(beside, ec)) return beside.string();
  }
  return SGDBENCH_SOURCE_DIR "/bench/scripts/plot.py";
}

bool draw_plots(const std::string& dir) {
  const std::string cmd = fmt::format("/usr/bin/python3 '{}' '{}' >/dev/null", plot_script(), dir);
  if (std::system(cmd.c_str()) != 0) {
    fmt::print(stderr, "sgdbench: plotting failed ({}); the tables are written\n", cmd);
    return false;
  }
  return true;
}

}  // namespace sgdbench
