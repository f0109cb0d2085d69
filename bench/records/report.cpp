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

/// The flags of the tuning record's choices (with /tuning/bracket).
void collect_lr_flags(const Json& tuning, Collected& k) {
  for (const Json& ch : tuning["chosen"]) {
    if (!ch.contains("solved") || !ch["solved"].get<bool>()) continue;
    // Per target, a rate's edge flag is its targets' (lr_flag); only "fixed" is the cell's.
    if (ch.contains("per_target") && !ch.value("fixed_rate", false)) continue;
    const std::string flag = ch.value("fixed_rate", false)  ? " (fixed)"
                             : !ch["bracketed"].get<bool>() ? " (edge)"
                                                            : "";
    if (flag.empty()) continue;
    k.lr_flags[tuning_key(ch.value("dataset", ""), ch.value("widths", ""), method_name(ch),
                          ch["batch_size"], ch["threads"])] = flag;
  }
}

/// A point's or run's record added to its cell.
void add_to_cell(const Json& r, Collected& k, long& max_epoch, bool& integral_cadence) {
  const std::string name = method_name(r);
  const Collected::Key key{r.value("dataset", ""),
                           r.value("widths", ""),
                           name,
                           r["batching"] == "full",
                           r["batch_size"],
                           r["lr"],
                           r["threads"]};
  TableRow& cell = k.cells[key];
  cell.variant = name;
  cell.dataset = r.value("dataset", "");
  cell.widths = r.value("widths", "");
  k.any_widths |= !cell.widths.empty();
  cell.batching = r["batching"];
  cell.batch_size = r["batch_size"];
  cell.lr = r["lr"];
  cell.threads = r["threads"];
  if (r.value("type", "") == "run") {
    cell.runs.push_back(r);
    k.subopt |= r.contains("suboptimality");
    k.validation |= r.contains("validation_accuracy") && r["validation_accuracy"].is_number();
    return;
  }
  k.classification |= r["test_accuracy"].is_number();
  k.noise |= r.contains("b_simple");
  const double epoch = r.value("epoch", 0.0);
  const long e = std::lround(epoch);
  if (e >= 1 && std::abs(epoch - static_cast<double>(e)) < 1e-9) {
    cell.accuracy_at_epoch[e].push_back(100.0 * number(r, "test_accuracy"));
    max_epoch = std::max(max_epoch, e);
  } else if (epoch > 0.0) {
    integral_cadence = false;
  }
}

Collected collect(const std::vector<Json>& records) {
  Collected k;
  k.per_target.emplace(records);
  for (const auto& t : records.front().value("targets", Json::array())) k.targets.push_back(t);
  long max_epoch = 0;
  bool integral_cadence = true;
  std::set<std::size_t> thread_counts;
  std::set<std::string> datasets;
  for (const Json& r : records) {
    const std::string type = r.value("type", "");
    if (type == "tuning") collect_lr_flags(r, k);
    if ((type != "point" && type != "run") || r.value("phase", "") == "tune") continue;
    add_to_cell(r, k, max_epoch, integral_cadence);
    thread_counts.insert(r["threads"].get<std::size_t>());
    datasets.insert(r.value("dataset", ""));
  }
  k.epoch_columns = k.classification && integral_cadence && max_epoch <= 10 ? max_epoch : 0;
  k.show_threads = thread_counts.size() > 1;
  k.show_dataset = datasets.size() > 1;
  return k;
}

/// Which split chose the learning rates: a reader must know whether the test figures
/// are also the ones a choice was made on.
std::string split_note(const Json& config, const Collected& k) {
  std::string note;
  if (k.validation) note = "Validation figures are on a split carved from the training data. ";
  if (!config.contains("tuning")) return note;
  const std::string by = config["tuning"].value("select_by", "train_loss");
  const bool on_targets = by.find("_to_target") != std::string::npos;
  const std::string chosen_on = on_targets && !k.targets.empty() ? k.targets.front() : by;
  if (chosen_on.rfind("test", 0) == 0) {
    return note + fmt::format("The learning rates were chosen on the test split ({}). ", chosen_on);
  }
  return note + fmt::format(
                    "The learning rates were chosen on {} ({}); test figures are reported, "
                    "never used for a choice. ",
                    chosen_on.rfind("validation", 0) == 0 ? "the validation split"
                                                          : "the training objective",
                    chosen_on);
}

/// The title, an interrupted run's note, the description and what the numbers mean.
std::string preamble(const std::vector<Json>& records, const std::string& note,
                     const Collected& k) {
  const Json& header = records.front();
  std::string md = fmt::format("# {}\n\n", header.value("experiment", ""));
  if (!note.empty()) md += note + "\n\n";
  const std::string description = header["config"].value("description", "");
  if (!description.empty()) md += description + "\n\n";
  std::string sizes;
  for (const Json& r : records) {
    if (r.value("type", "") != "problems") continue;
    for (const Json& p : r["problems"]) {
      const std::size_t validation = p.value("validation_rows", std::size_t{0});
      sizes += fmt::format("{}{}{}: {} training rows, {}{} test rows", sizes.empty() ? "" : "; ",
                           p.value("dataset", ""),
                           p.contains("widths") && k.any_widths ? " " + p.value("widths", "") : "",
                           p.value("train_rows", 0),
                           validation ? fmt::format("{} validation rows, ", validation) : "",
                           p.value("test_rows", 0));
    }
  }
  md += fmt::format(
      "{}; git {}. Seeds aggregated{}: figures are means, and times and steps to a target "
      "medians over all seeds with a miss counted as never (reached/runs beside them), each "
      "with its bootstrap 95 % interval [lo, hi] ({} resamples; ∞: the misses can hold the "
      "median); \"missed\": the median seed never reached it; \"–\": it does not apply. "
      "{}{}Training seconds exclude evaluation.\n\n",
      sizes, header.value("git_commit", "?"),
      header["config"].contains("tuning")
          ? " (the lr chosen by the tuning protocol, re-run with the reporting seeds)"
          : "",
      kBootstrapResamples, budget_note(header["config"]), split_note(header["config"], k));
  return md;
}

/// The Markdown/LaTeX header row and the CSV header.
std::vector<std::string> columns(const Collected& k, std::string& csv) {
  std::vector<std::string> md;
  if (k.show_dataset) md.emplace_back("dataset");
  if (k.any_widths) md.emplace_back("widths");
  md.insert(md.end(), {"variant", "B", "lr"});
  std::vector<std::string> cols = {"variant", "dataset", "widths", "batching", "batch_size",
                                   "lr",      "threads", "runs",   "diverged"};
  if (k.show_threads) md.emplace_back("threads");
  md.emplace_back("runs");
  for (long e = 1; e <= k.epoch_columns; ++e) {
    md.emplace_back(fmt::format("acc % ep {}", e));
    cols.emplace_back(fmt::format("test_accuracy_epoch_{}", e));
  }
  const auto estimate = [&](const std::string& name, const char* stat) {
    for (const char* f : {stat, "lo", "hi"}) cols.push_back(fmt::format("{}_{}", name, f));
  };
  if (k.classification) {
    md.emplace_back("test acc %");
    estimate("test_accuracy", "mean");
  }
  if (k.validation) {
    md.emplace_back("validation acc %");
    estimate("validation_accuracy", "mean");
  }
  md.emplace_back("train loss");
  estimate("train_loss", "mean");
  if (k.subopt) {
    md.emplace_back("F − F*");
    estimate("suboptimality", "mean");
  }
  if (k.noise) {
    md.emplace_back(k.targets.empty() ? "B_simple at end" : "B_simple at target");
    estimate("b_simple", "median");
  }
  for (const auto& label : k.targets) {
    md.push_back(fmt::format("s to {}", label));
    md.push_back(fmt::format("steps to {}", label));
    cols.push_back(label + ":reached");
    estimate(label + ":seconds", "median");
    estimate(label + ":updates", "median");
    cols.push_back(label + ":grad_evals_median");
    cols.push_back(label + ":epochs_median");
  }
  md.insert(md.end(), {"train s", "samples/s"});
  cols.insert(cols.end(), {"train_seconds_mean", "samples_per_second_mean", "lr_flag"});
  for (std::size_t i = 0; i < cols.size(); ++i) csv += (i ? "," : "") + cols[i];
  csv += "\n";
  return md;
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
