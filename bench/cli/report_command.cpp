#include <fmt/format.h>

#include <filesystem>

#include "cli/commands.hpp"
#include "records/report.hpp"
#include "records/results_folder.hpp"
#include "util/error.hpp"

namespace sgdbench::cli {

int report_command(const std::string& dir, bool plots) {
  if (!std::filesystem::is_directory(dir)) throw Error(dir + ": no such results folder");
  const ResultsFolder folder(dir, "sgdbench report");  // held while tables and plots are written
  write_report(dir, read_records(dir));
  const bool plotted = plots && draw_plots(dir);
  fmt::print("tables: {0}/summary.md, {0}/summary.csv, {0}/summary.tex{1}\n", dir,
             plotted ? fmt::format("\nplots:  {}/plots/", dir) : "");
  return plotted || !plots ? 0 : 1;
}

}  // namespace sgdbench::cli
