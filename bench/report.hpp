#pragma once
// The tables of an experiment, rebuilt from its records alone (runs.jsonl): one row per
// run cell (variant, batch size, lr, threads), seeds aggregated as mean ± sd, targets as
// columns. Written as summary.md, summary.csv and summary.tex (booktabs).
#include <string>
#include <vector>

#include "json_reader.hpp"

namespace sgdbench {

/// The records of results/<name>/runs.jsonl; a bad line is an error naming its number.
std::vector<Json> read_records(const std::string& dir);

/// Writes summary.md, summary.csv and summary.tex into `dir`.
void write_report(const std::string& dir, const std::vector<Json>& records);

/// Draws the plots into dir/plots with bench/plot.py (Debian's matplotlib); false, with a
/// message, when that fails.
bool draw_plots(const std::string& dir);

struct Tables {
  std::string markdown, csv, latex;
};
Tables make_tables(const std::vector<Json>& records);

}  // namespace sgdbench
