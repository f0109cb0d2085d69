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
#include <set>
#include <tuple>

#include "records/output_files.hpp"
#include "records/tuning_table.hpp"
#include "records/two_tables.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace {

struct Stats {
  double mean = std::numeric_limits<double>::quiet_NaN(), sd = 0.0;
  std::size_t n = 0;
};

/// Mean and sample standard deviation of the finite values.
Stats stats(const std::vector<double>& values) {
  Stats s;
  std::vector<double> v;
  for (double x : values) {
    if (std::isfinite(x)) v.push_back(x);
  }
  s.n = v.size();
  if (v.empty()) return s;
  s.mean = 0.0;
  for (double x : v) s.mean += x;
  s.mean /= static_cast<double>(v.size());
  if (v.size() > 1) {
    double ss = 0.0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return s;
}

double number(const Json& r, const char* key) {
  return r.contains(key) && r[key].is_number() ? r[key].get<double>()
                                               : std::numeric_limits<double>::quiet_NaN();
}

std::string fmt_stats(const Stats& s, const char* spec, double scale = 1.0) {
  if (s.n == 0) return "–";
  return fmt::format(fmt::runtime(std::string("{:") + spec + "} ± {:" + spec + "}"), s.mean * scale,
                     s.sd * scale);
}

/// One row of the table: the runs (and points) of one (dataset, widths, method, B, lr,
/// threads) over its seeds.
struct Cell {
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
  std::map<Key, Cell> cells;
  std::vector<std::string> targets;
  long epoch_columns = 0;  // accuracy after each epoch when few epochs and points fall on them
  bool classification = false, subopt = false, noise = false, any_widths = false;
  bool show_threads = false, show_dataset = false;
};

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
  Cell& cell = k.cells[key];
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
  for (const auto& t : records.front().value("targets", Json::array())) k.targets.push_back(t);
  long max_epoch = 0;
  bool integral_cadence = true;
  std::set<std::size_t> thread_counts;
  std::set<std::string> datasets;
  for (const Json& r : records) {
    const std::string type = r.value("type", "");
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
      sizes += fmt::format("{}{}{}: {} training rows, {} test rows", sizes.empty() ? "" : "; ",
                           p.value("dataset", ""),
                           p.contains("widths") && k.any_widths ? " " + p.value("widths", "") : "",
                           p.value("train_rows", 0), p.value("test_rows", 0));
    }
  }
  md += fmt::format(
      "{}; git {}. Mean ± sd over seeds{}; training seconds exclude evaluation; a target "
      "column gives the mean over the seeds that reached it (reached/runs); \"missed\": no "
      "seed reached it; \"–\": it does not apply.\n\n",
      sizes, header.value("git_commit", "?"),
      header["config"].contains("tuning")
          ? " (the lr chosen by the tuning protocol, re-run with the tuning seeds)"
          : "");
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
  if (k.classification) {
    md.emplace_back("test acc %");
    cols.insert(cols.end(), {"test_accuracy_mean", "test_accuracy_sd"});
  }
  md.emplace_back("train loss");
  cols.insert(cols.end(), {"train_loss_mean", "train_loss_sd"});
  if (k.subopt) {
    md.emplace_back("F − F*");
    cols.insert(cols.end(), {"suboptimality_mean", "suboptimality_sd"});
  }
  if (k.noise) {
    md.emplace_back("B_simple");
    cols.emplace_back("b_simple_mean");
  }
  for (const auto& label : k.targets) {
    md.push_back(fmt::format("s to {}", label));
    md.push_back(fmt::format("steps to {}", label));
    for (const char* f : {"reached", "seconds_mean", "seconds_sd", "epochs_mean", "updates_mean",
                          "updates_sd", "grad_evals_mean"}) {
      cols.push_back(fmt::format("{}:{}", label, f));
    }
  }
  md.insert(md.end(), {"train s", "samples/s"});
  cols.insert(cols.end(), {"train_seconds_mean", "samples_per_second_mean"});
  for (std::size_t i = 0; i < cols.size(); ++i) csv += (i ? "," : "") + cols[i];
  csv += "\n";
  return md;
}

/// Seconds and steps to one target over a cell's runs: mean over the seeds that reached
/// it, with reached/runs; "missed" when none did, "–" when the target is not this
/// problem's.
void add_target(const Cell& cell, const std::string& label, std::vector<std::string>& row,
                std::string& csv) {
  std::vector<double> seconds, epochs, updates, evals;
  std::size_t applicable = 0;  // runs of a problem that has this target
  for (const Json& r : cell.runs) {
    if (!r.contains("targets") || !r["targets"].contains(label)) continue;
    ++applicable;
    const Json& hit = r["targets"][label];
    if (hit.contains("missed")) continue;
    seconds.push_back(hit["seconds"]);
    epochs.push_back(hit["epochs"]);
    updates.push_back(hit["updates"]);
    evals.push_back(hit["grad_evals"]);
  }
  const Stats s = stats(seconds), u = stats(updates);
  const std::string reached = fmt::format("{}/{}", s.n, applicable);
  row.push_back(applicable == 0 ? "–"
                : s.n           ? fmt::format("{} ({})", fmt_stats(s, ".3g"), reached)
                                : "missed");
  row.push_back(u.n ? fmt::format("{:.0f}", u.mean) : applicable == 0 ? "–" : "missed");
  csv += fmt::format(",{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}", reached, s.mean, s.sd,
                     stats(epochs).mean, u.mean, u.sd, stats(evals).mean);
}

/// B_simple of a cell: the mean over its points (issue 11 redefines it).
Stats b_simple_of(const Cell& cell, const std::vector<Json>& records) {
  std::vector<double> v;
  for (const Json& r : records) {
    if (r.value("type", "") == "point" && r["variant"] == cell.variant &&
        r["batch_size"] == cell.batch_size && r["lr"] == cell.lr &&
        r.value("phase", "") != "tune") {
      v.push_back(number(r, "b_simple"));
    }
  }
  return stats(v);
}

/// One cell's row: its key, then the figures the columns call for.
std::vector<std::string> cell_row(const Cell& cell, const Collected& k,
                                  const std::vector<Json>& records, std::string& csv) {
  auto col = [&](const char* field) {
    std::vector<double> v;
    for (const Json& r : cell.runs) v.push_back(number(r, field));
    return stats(v);
  };
  std::size_t diverged = 0;
  for (const Json& r : cell.runs) diverged += r.value("status", "") != "ok";
  std::string runs = std::to_string(cell.runs.size());
  if (diverged > 0) runs += fmt::format(" ({} diverged)", diverged);
  std::vector<std::string> row;
  if (k.show_dataset) row.push_back(cell.dataset);
  if (k.any_widths) row.push_back(cell.widths);
  row.insert(row.end(), {cell.variant,
                         cell.batching == "full" ? fmt::format("full ({})", cell.batch_size)
                                                 : std::to_string(cell.batch_size),
                         fmt::format("{:g}", cell.lr)});
  if (k.show_threads) row.push_back(std::to_string(cell.threads));
  row.push_back(runs);
  csv += fmt::format("{},{},{},{},{},{:g},{},{},{}", cell.variant, cell.dataset, cell.widths,
                     cell.batching, cell.batch_size, cell.lr, cell.threads, cell.runs.size(),
                     diverged);
  for (long e = 1; e <= k.epoch_columns; ++e) {
    const auto it = cell.accuracy_at_epoch.find(e);
    const Stats s = it == cell.accuracy_at_epoch.end() ? Stats{} : stats(it->second);
    row.push_back(fmt_stats(s, ".2f"));
    csv += fmt::format(",{}", s.n ? fmt::format("{:.6g}", s.mean / 100.0) : "");
  }
  if (k.classification) {
    const Stats a = col("test_accuracy");
    row.push_back(fmt_stats(a, ".2f", 100.0));
    csv += fmt::format(",{:.6g},{:.6g}", a.mean, a.sd);
  }
  const Stats loss = col("train_loss");
  row.push_back(fmt_stats(loss, ".4g"));
  csv += fmt::format(",{:.8g},{:.6g}", loss.mean, loss.sd);
  if (k.subopt) {
    const Stats s = col("suboptimality");
    row.push_back(fmt_stats(s, ".3g"));
    csv += fmt::format(",{:.6g},{:.6g}", s.mean, s.sd);
  }
  if (k.noise) {
    const Stats s = b_simple_of(cell, records);
    row.push_back(s.n ? fmt::format("{:.3g}", s.mean) : "–");
    csv += fmt::format(",{:.6g}", s.mean);
  }
  for (const auto& label : k.targets) add_target(cell, label, row, csv);
  const Stats secs = col("train_seconds"), rate = col("samples_per_second");
  row.push_back(fmt::format("{:.3g}", secs.mean));
  row.push_back(fmt::format("{:.0f}", rate.mean));
  csv += fmt::format(",{:.6g},{:.6g}\n", secs.mean, rate.mean);
  return row;
}

}  // namespace

std::string method_name(const Json& r) {
  return r.contains("method") ? fmt::format("{} [{}]", r["method"].get<std::string>(),
                                            r["variant"].get<std::string>())
                              : r["variant"].get<std::string>();
}

std::vector<Json> read_records(const std::string& dir) {
  const std::string path = dir + "/runs.jsonl";
  std::ifstream in(path);
  if (!in && std::filesystem::exists(path + ".partial")) {
    throw Error(
        fmt::format("{}: missing, but {}.partial holds an interrupted run: finish it "
                    "with `sgdbench run <its config> --resume`",
                    path, path));
  }
  if (!in) throw Error(fmt::format("{}: cannot open for reading", path));
  std::vector<Json> records;
  std::size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    try {
      records.push_back(Json::parse(line));
    } catch (const Json::exception& e) {
      throw Error(fmt::format("{}: line {}: invalid JSON: {}", path, line_no, e.what()));
    }
  }
  if (records.empty() || records.front().value("type", "") != "experiment") {
    throw Error(fmt::format("{}: line 1: expected the \"experiment\" record", path));
  }
  return records;
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
