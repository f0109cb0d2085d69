#pragma once
// The shape of an experiment's main table (split from report.cpp): its rows collected from
// the records (seeds aggregated), the columns the records call for, and the preamble that
// says what the numbers mean. report.cpp fills the rows.
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "config/json_reader.hpp"
#include "records/target_table.hpp"

namespace sgdbench {

/// One row of the table: the runs (and points) of one (dataset, widths, method, B, lr,
/// threads) over its seeds.
struct TableRow {
  std::string variant, dataset, widths, batching;
  std::size_t batch_size = 0, threads = 0;
  double lr = 0.0;
  std::vector<Json> runs;
  std::map<long, std::vector<double>> accuracy_at_epoch;
};

/// What the records hold, and so which columns the tables get.
struct Collected {
  // dataset, widths, variant, full batch last, batch size, lr, threads
  using Key =
      std::tuple<std::string, std::string, std::string, bool, std::size_t, double, std::size_t>;
  std::map<Key, TableRow> cells;
  std::vector<std::string> targets;
  long epoch_columns = 0;  // accuracy after each epoch when few epochs and points fall on them
  bool classification = false, validation = false, subopt = false, noise = false;
  bool any_widths = false;
  bool show_threads = false, show_dataset = false;
  // Tuned cells whose rate is still on the edge of the rates tried, or was given
  // (not tuned): the lr column says so (tuning_key of the cell).
  std::map<std::string, std::string> lr_flags;
  // /tuning/per_target: each target's rate per tuned cell; a row shows a target only at
  // the rate chosen for it.
  std::optional<PerTargetChoices> per_target;
};

/// Every point and run record (tuning-phase ones left out) gathered into its row.
Collected collect(const std::vector<Json>& records);

/// The title, an interrupted run's note, the description and what the numbers mean.
std::string preamble(const std::vector<Json>& records, const std::string& note, const Collected& k);

/// /conditioning's table (each problem's Hessian extremes at w*), when the records have one.
void add_conditioning_table(const std::vector<Json>& records, std::string& md, std::string& tex);

/// The Markdown/LaTeX header row; appends the CSV header to `csv`.
std::vector<std::string> columns(const Collected& k, std::string& csv);

}  // namespace sgdbench
