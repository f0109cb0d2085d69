// The tables of an experiment from its records: cells collected (seeds aggregated), the
// columns the records call for, one row per cell, and the tuning choices.
#include "records/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "records/output_files.hpp"
#include "records/run_records.hpp"
#include "records/seed_stats.hpp"
#include "records/table_head.hpp"
#include "records/target_table.hpp"
#include "records/tuning_table.hpp"
#include "records/two_tables.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace {

double number(const Json& r, const char* key) {
  return r.contains(key) && r[key].is_number() ? r[key].get<double>()
                                               : std::numeric_limits<double>::quiet_NaN();
}

/// "value [lo, hi]": the estimate and its bootstrap 95 % interval ("∞" for a censored
/// bound); one seed gives the value alone, none "–".
std::string fmt_estimate(const Estimate& e, const char* spec, double scale = 1.0) {
  if (e.n == 0) return "–";
  const auto one = [&](double x) {
    return std::isinf(x) ? std::string("∞")
                         : fmt::format(fmt::runtime(std::string("{:") + spec + "}"), x * scale);
  };
  if (e.n == 1) return one(e.value);
  return fmt::format("{} [{}, {}]", one(e.value), one(e.lo), one(e.hi));
}

/// The CSV fields of an estimate: value, lo, hi ("inf" for a censored bound).
std::string csv_estimate(const Estimate& e) {
  return fmt::format(",{:.6g},{:.6g},{:.6g}", e.value, e.lo, e.hi);
}

/// Seconds and steps to one target over a cell's runs: the median over all its seeds with
/// a miss counted as +∞, its bootstrap interval and reached/runs; "missed (0/n)" when the
/// median is a miss, "–" when the target is not this problem's.
void add_target(const TableRow& cell, const std::string& label, std::vector<std::string>& row,
                std::string& csv) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> seconds, epochs, updates, evals;
  std::size_t reached = 0;
  for (const Json& r : cell.runs) {
    if (!r.contains("targets") || !r["targets"].contains(label)) continue;
    const Json& first_point = r["targets"][label];
    const bool missed = first_point.contains("missed");
    // On the shared evaluation grid (/eval/log_per_decade) the crossing interpolated
    // between the two points that bracket it, else the first point that met it.
    const Json& hit =
        first_point.contains("interpolated") ? first_point["interpolated"] : first_point;
    reached += !missed;
    seconds.push_back(missed ? inf : hit["seconds"].get<double>());
    epochs.push_back(missed ? inf : hit["epochs"].get<double>());
    updates.push_back(missed ? inf : hit["updates"].get<double>());
    evals.push_back(missed ? inf : hit["grad_evals"].get<double>());
  }
  const Estimate s = censored_median(seconds), u = censored_median(updates);
  const std::string count = fmt::format("{}/{}", reached, seconds.size());
  const auto cell_text = [&](const Estimate& e, const char* spec) -> std::string {
    if (e.n == 0) return "–";
    if (std::isinf(e.value)) return fmt::format("missed ({})", count);
    return fmt::format("{} ({})", fmt_estimate(e, spec), count);
  };
  row.push_back(cell_text(s, ".3g"));
  row.push_back(cell_text(u, ".0f"));
  csv += fmt::format(",{}", count) + csv_estimate(s) + csv_estimate(u) +
         fmt::format(",{:.6g},{:.6g}", censored_median(evals).value, censored_median(epochs).value);
}

/// B_simple of each seed's run at the first point that met the first target (at the last
/// point when the problem has no target); a seed that missed the target gives none.
Estimate b_simple_of(const TableRow& cell, const std::vector<Json>& records,
                     const std::vector<std::string>& targets) {
  std::vector<double> v;
  for (const Json& run : cell.runs) {
    double at = std::numeric_limits<double>::infinity();  // grad evals where it is read
    if (!targets.empty() && run.contains("targets") && run["targets"].contains(targets[0])) {
      const Json& hit = run["targets"][targets[0]];
      if (hit.contains("missed")) continue;
      at = hit["grad_evals"].get<double>();
    }
    double value = std::numeric_limits<double>::quiet_NaN();
    for (const Json& r : records) {
      if (r.value("type", "") != "point" || r.value("phase", "") == "tune" ||
          r["seed"] != run["seed"] || r["batch_size"] != cell.batch_size || r["lr"] != cell.lr ||
          r.value("dataset", "") != cell.dataset || r.value("widths", "") != cell.widths ||
          method_name(r) != cell.variant || r["threads"] != cell.threads ||
          !r["b_simple"].is_number()) {
        continue;
      }
      value = r["b_simple"].get<double>();
      if (r["grad_evals"].get<double>() >= at) break;
    }
    v.push_back(value);
  }
  return censored_median(v);
}

std::string row_key(const TableRow& cell) {
  return tuning_key(cell.dataset, cell.widths, cell.variant,
                    cell.batching == "full" ? 0 : cell.batch_size, cell.threads);
}

/// Whether a row's time to `target` is not shown: under /tuning/per_target, its rate was
/// chosen for other targets only.
bool other_targets_rate(const TableRow& cell, const Collected& k, const std::string& target) {
  const TargetChoice* choice = k.per_target->find(row_key(cell), target);
  return choice != nullptr && !(choice->solved && choice->lr == cell.lr);
}

/// " (edge)" for a tuned rate still on the edge of the rates tried (under
/// /tuning/per_target: for a target it was chosen for), " (fixed)" for a given one, else
/// nothing.
std::string lr_flag(const TableRow& cell, const Collected& k) {
  bool edge = false;
  for (const std::string& target : k.targets) {
    const TargetChoice* c = k.per_target->find(row_key(cell), target);
    edge |= c != nullptr && c->solved && c->lr == cell.lr && !c->bracketed;
  }
  if (edge) return " (edge)";
  const auto it = k.lr_flags.find(row_key(cell));
  return it == k.lr_flags.end() ? "" : it->second;
}

/// One cell's row: its key, then the figures the columns call for.
std::vector<std::string> cell_row(const TableRow& cell, const Collected& k,
                                  const std::vector<Json>& records, std::string& csv) {
  auto col = [&](const char* field) {
    std::vector<double> v;
    for (const Json& r : cell.runs) v.push_back(number(r, field));
    return mean_estimate(v);
  };
  std::size_t diverged = 0;
  for (const Json& r : cell.runs) diverged += r.value("status", "") != "ok";
  std::string runs = std::to_string(cell.runs.size());
  std::vector<const Json*> run_ptrs;
  run_ptrs.reserve(cell.runs.size());
  for (const Json& r : cell.runs) run_ptrs.push_back(&r);
  if (one_distinct_run(run_ptrs)) runs += " (1 distinct)";  // the seeds change nothing
  if (diverged > 0) runs += fmt::format(" ({} diverged)", diverged);
  std::vector<std::string> row;
  if (k.show_dataset) row.push_back(cell.dataset);
  if (k.any_widths) row.push_back(cell.widths);
  row.insert(row.end(), {cell.variant,
                         cell.batching == "full" ? fmt::format("full ({})", cell.batch_size)
                                                 : std::to_string(cell.batch_size),
                         fmt::format("{:g}{}", cell.lr, lr_flag(cell, k))});
  if (k.show_threads) row.push_back(std::to_string(cell.threads));
  row.push_back(runs);
  csv += fmt::format("{},{},{},{},{},{:g},{},{},{}", cell.variant, cell.dataset, cell.widths,
                     cell.batching, cell.batch_size, cell.lr, cell.threads, cell.runs.size(),
                     diverged);
  for (long e = 1; e <= k.epoch_columns; ++e) {
    const auto it = cell.accuracy_at_epoch.find(e);
    const Estimate a = it == cell.accuracy_at_epoch.end() ? Estimate{} : mean_estimate(it->second);
    row.push_back(fmt_estimate(a, ".2f"));
    csv += fmt::format(",{}", a.n ? fmt::format("{:.6g}", a.value / 100.0) : "");
  }
  if (k.classification) {
    const Estimate a = col("test_accuracy");
    row.push_back(fmt_estimate(a, ".2f", 100.0));
    csv += csv_estimate(a);
  }
  if (k.validation) {
    const Estimate a = col("validation_accuracy");
    row.push_back(fmt_estimate(a, ".2f", 100.0));
    csv += csv_estimate(a);
  }
  const Estimate loss = col("train_loss");
  row.push_back(fmt_estimate(loss, ".4g"));
  csv += csv_estimate(loss);
  if (k.subopt) {
    const Estimate s = col("suboptimality");
    row.push_back(fmt_estimate(s, ".3g"));
    csv += csv_estimate(s);
  }
  if (k.noise) {
    const Estimate s = b_simple_of(cell, records, k.targets);
    row.push_back(fmt_estimate(s, ".3g"));
    csv += csv_estimate(s);
  }
  for (const auto& label : k.targets) {
    if (other_targets_rate(cell, k, label)) {
      row.insert(row.end(), 2, "·");  // this rate was tuned for other targets
      csv += ",,,,,,,,,";
    } else {
      add_target(cell, label, row, csv);
    }
  }
  const Estimate secs = col("train_seconds"), rate = col("samples_per_second");
  row.push_back(fmt::format("{:.3g}", secs.value));
  row.push_back(fmt::format("{:.0f}", rate.value));
  // edge: a tuned rate still on the edge of the rates tried; fixed: a rate given, not tuned
  std::string flag = lr_flag(cell, k);
  flag.erase(std::remove_if(flag.begin(), flag.end(),
                            [](char c) { return c == ' ' || c == '(' || c == ')'; }),
             flag.end());
  csv += fmt::format(",{:.6g},{:.6g},{}\n", secs.value, rate.value, flag);
  return row;
}

}  // namespace

std::string method_name(const Json& r) {
  return r.contains("method") ? fmt::format("{} [{}]", r["method"].get<std::string>(),
                                            r["variant"].get<std::string>())
                              : r["variant"].get<std::string>();
}

Tables make_tables(const std::vector<Json>& records, const std::string& note) {
  const Collected k = collect(records);
  Tables t;
  t.markdown = preamble(records, note, k);
  add_conditioning_table(records, t.markdown, t.latex);
  const std::vector<std::string> header = columns(k, t.csv);
  // dataset, widths, variant, B and lr are text; the figures are numbers.
  const auto lr_column = std::find(header.begin(), header.end(), "lr") - header.begin();
  TwoTables out(t.markdown, t.latex);
  out.head(header, static_cast<std::size_t>(lr_column) + 1);
  for (const auto& [key, cell] : k.cells) {
    if (!cell.runs.empty()) out.row(cell_row(cell, k, records, t.csv));
  }
  out.end();
  add_per_target_tables(records, t.markdown, t.latex);
  add_tuning_tables(records, t.markdown, t.latex);
  return t;
}

void write_report(const std::string& dir, const std::vector<Json>& records,
                  const std::string& note) {
  const Tables t = make_tables(records, note);
  write_file_atomically(dir + "/summary.md", t.markdown);
  write_file_atomically(dir + "/summary.csv", t.csv);
  write_file_atomically(dir + "/summary.tex", t.latex);
}

}  // namespace sgdbench
