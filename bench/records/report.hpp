#pragma once
// The tables of an experiment, rebuilt from its records alone (runs.jsonl): one row per
// run cell (variant, batch size, lr, threads), seeds aggregated (records/seed_stats.hpp:
// means, censored medians to targets, bootstrap intervals), targets as
// columns. Written as summary.md, summary.csv and summary.tex (booktabs tabulars, to
// \input into a paper; "missed": no seed reached a target, "--": it does not apply).
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "records/two_tables.hpp"  // latex_cell

namespace sgdbench {

/// A method label (a /variants entry's "label") names a row, the variant after it:
/// "SGD [softmax/plain/simd/tbb]"; without a label, the variant.
std::string method_name(const Json& record);

/// The records of results/<name>/runs.jsonl; a bad line is an error naming its number.
std::vector<Json> read_records(const std::string& dir);

/// Writes summary.md, summary.csv and summary.tex into `dir`; a `note` goes under the
/// Markdown title (an interrupted run says so there).
void write_report(const std::string& dir, const std::vector<Json>& records,
                  const std::string& note = "");

/// Draws the plots into dir/plots with bench/scripts/plot.py (Debian's matplotlib); false, with a
/// message, when that fails.
bool draw_plots(const std::string& dir);
/// The plot script draw_plots runs: plot.py next to the running binary (where `cmake
/// --install` puts both), else the source tree's bench/scripts/plot.py.
std::string plot_script();

struct Tables {
  std::string markdown, csv, latex;
};
/// The three tables hold the same content: every Markdown cell is also a LaTeX cell.
Tables make_tables(const std::vector<Json>& records, const std::string& note = "");

}  // namespace sgdbench
