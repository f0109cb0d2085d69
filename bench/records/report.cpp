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
#include "util/error.hpp"

#ifndef SGDBENCH_SOURCE_DIR
#define SGDBENCH_SOURCE_DIR "."
#endif

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

struct Cell {
  std::string variant, dataset, widths, batching;
  std::size_t batch_size = 0, threads = 0;
  double lr = 0.0;
  std::vector<Json> runs;
  std::map<long, std::vector<double>> accuracy_at_epoch;
};

std::string fmt_stats(const Stats& s, const char* spec, double scale = 1.0) {
  if (s.n == 0) return "–";
  return fmt::format(fmt::runtime(std::string("{:") + spec + "} ± {:" + spec + "}"), s.mean * scale,
                     s.sd * scale);
}

/// Renders one table row (or the header) in Markdown and LaTeX from the same cells.
void add_row(std::string& md, std::string& tex, const std::vector<std::string>& cells) {
  md += "|";
  for (const auto& cell : cells) {
    std::string escaped;  // a "|" in a label would start a new column
    for (char ch : cell) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
    md += " " + escaped + " |";
  }
  md += "\n";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string cell = latex_cell(cells[i]);
    // After the previous row's \\, a "[" or "*" would be read as its argument.
    const bool guard = i == 0 && !cell.empty() && (cell[0] == '[' || cell[0] == '*');
    tex += (i ? " & " : "") + std::string(guard ? "{}" : "") + cell;
  }
  tex += " \\\\\n";
}

/// A booktabs tabular head: `text_columns` left-aligned columns, the rest right-aligned.
std::string tabular_head(std::size_t columns, std::size_t text_columns) {
  return "\\begin{tabular}{" + std::string(text_columns, 'l') +
         std::string(columns - text_columns, 'r') + "}\n\\toprule\n";
}

}  // namespace

std::string latex_cell(const std::string& text) {
  static const std::pair<const char*, const char*> kSpelled[] = {{"<=", "$\\le$"},
                                                                 {">=", "$\\ge$"},
                                                                 {"±", "$\\pm$"},
                                                                 {"−", "$-$"},
                                                                 {"–", "--"},
                                                                 {"—", "---"},
                                                                 {"×", "$\\times$"},
                                                                 {"·", "$\\cdot$"},
                                                                 {"≤", "$\\le$"},
                                                                 {"≥", "$\\ge$"},
                                                                 {"η", "$\\eta$"},
                                                                 {"λ", "$\\lambda$"},
                                                                 {"²", "\\textsuperscript{2}"},
                                                                 {"→", "$\\to$"},
                                                                 {"…", "\\dots{}"},
                                                                 {"κ", "$\\kappa$"},
                                                                 {"α", "$\\alpha$"},
                                                                 {"β", "$\\beta$"},
                                                                 {"ε", "$\\varepsilon$"},
                                                                 {"μ", "$\\mu$"},
                                                                 {"σ", "$\\sigma$"},
                                                                 {"ρ", "$\\rho$"},
                                                                 {"∞", "$\\infty$"},
                                                                 {"√", "$\\surd$"}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool spelled = false;
    for (const auto& [from, to] : kSpelled) {
      const std::size_t n = std::char_traits<char>::length(from);
      if (text.compare(i, n, from) == 0) {
        out += to;
        i += n;
        spelled = true;
        break;
      }
    }
    if (spelled) continue;
    const char ch = text[i++];
    switch (ch) {
      case '_':
      case '%':
      case '&':
      case '#':
      case '$':
      case '{':
      case '}':
        out += '\\';
        out += ch;
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '<':
        out += "\\textless{}";
        break;
      case '>':
        out += "\\textgreater{}";
        break;
      case '|':
        out += "\\textbar{}";
        break;
      default:
        // Any other non-ASCII byte would stop pdflatex ("Unicode character not set up").
        // One "?" per UTF-8 character: its lead byte.
        if (static_cast<unsigned char>(ch) < 0x80) {
          out += ch;
        } else if (static_cast<unsigned char>(ch) >= 0xC0) {
          out += '?';
        }
    }
  }
  return out;
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
  // dataset, widths, variant, full batch last, batch size, lr, threads
  using Key =
      std::tuple<std::string, std::string, std::string, bool, std::size_t, double, std::size_t>;
  std::map<Key, Cell> cells;
  const Json& header = records.front();
  std::vector<std::string> targets;
  for (const auto& t : header.value("targets", Json::array())) targets.push_back(t);
  const bool tuned = header["config"].contains("tuning");
  long max_epoch = 0;
  bool integral_cadence = true, classification = false, subopt = false, noise = false;
  std::set<std::size_t> thread_counts;
  std::set<std::string> datasets;
  bool any_widths = false;
  for (const Json& r : records) {
    const std::string type = r.value("type", "");
    if ((type != "point" && type != "run") || r.value("phase", "") == "tune") continue;
    // A method label (a /variants entry's "label") names the row; the variant follows.
    const std::string name = r.contains("method")
                                 ? fmt::format("{} [{}]", r["method"].get<std::string>(),
                                               r["variant"].get<std::string>())
                                 : r["variant"].get<std::string>();
    const Key key{r.value("dataset", ""),
                  r.value("widths", ""),
                  name,
                  r["batching"] == "full",
                  r["batch_size"],
                  r["lr"],
                  r["threads"]};
    Cell& cell = cells[key];
    cell.variant = name;
    cell.dataset = r.value("dataset", "");
    cell.widths = r.value("widths", "");
    datasets.insert(cell.dataset);
    any_widths |= !cell.widths.empty();
    cell.batching = r["batching"];
    cell.batch_size = r["batch_size"];
    cell.lr = r["lr"];
    cell.threads = r["threads"];
    thread_counts.insert(cell.threads);
    if (type == "run") {
      cell.runs.push_back(r);
      subopt |= r.contains("suboptimality");
      continue;
    }
    classification |= r["test_accuracy"].is_number();
    noise |= r.contains("b_simple");
    const double epoch = r.value("epoch", 0.0);
    const long e = std::lround(epoch);
    if (e >= 1 && std::abs(epoch - static_cast<double>(e)) < 1e-9) {
      cell.accuracy_at_epoch[e].push_back(100.0 * number(r, "test_accuracy"));
      max_epoch = std::max(max_epoch, e);
    } else if (epoch > 0.0) {
      integral_cadence = false;
    }
  }
  // Accuracy after each epoch when there are few epochs and points fall on them.
  const long epoch_columns = classification && integral_cadence && max_epoch <= 10 ? max_epoch : 0;
  const bool show_threads = thread_counts.size() > 1;

  Tables t;
  std::string& md = t.markdown;
  md = fmt::format("# {}\n\n", header.value("experiment", ""));
  if (!note.empty()) md += note + "\n\n";
  const std::string description = header["config"].value("description", "");
  if (!description.empty()) md += description + "\n\n";
  std::string sizes;
  for (const Json& r : records) {
    if (r.value("type", "") != "problems") continue;
    for (const Json& p : r["problems"]) {
      sizes += fmt::format("{}{}{}: {} training rows, {} test rows", sizes.empty() ? "" : "; ",
                           p.value("dataset", ""),
                           p.contains("widths") && any_widths ? " " + p.value("widths", "") : "",
                           p.value("train_rows", 0), p.value("test_rows", 0));
    }
  }
  md += fmt::format(
      "{}; git {}. Mean ± sd over seeds{}; training seconds exclude evaluation; a target "
      "column gives the mean over the seeds that reached it (reached/runs); \"missed\": no "
      "seed reached it; \"–\": it does not apply.\n\n",
      sizes, header.value("git_commit", "?"),
      tuned ? " (the lr chosen by the tuning protocol, re-run with the tuning seeds)" : "");

  // Header rows
  const bool show_dataset = datasets.size() > 1;
  std::vector<std::string> md_cols;
  if (show_dataset) md_cols.push_back("dataset");
  if (any_widths) md_cols.push_back("widths");
  md_cols.insert(md_cols.end(), {"variant", "B", "lr"});
  std::vector<std::string> csv_cols = {"variant", "dataset", "widths", "batching", "batch_size",
                                       "lr",      "threads", "runs",   "diverged"};
  if (show_threads) md_cols.push_back("threads");
  md_cols.push_back("runs");
  for (long e = 1; e <= epoch_columns; ++e) {
    md_cols.push_back(fmt::format("acc % ep {}", e));
    csv_cols.push_back(fmt::format("test_accuracy_epoch_{}", e));
  }
  if (classification) {
    md_cols.push_back("test acc %");
    csv_cols.insert(csv_cols.end(), {"test_accuracy_mean", "test_accuracy_sd"});
  }
  md_cols.push_back("train loss");
  csv_cols.insert(csv_cols.end(), {"train_loss_mean", "train_loss_sd"});
  if (subopt) {
    md_cols.push_back("F − F*");
    csv_cols.insert(csv_cols.end(), {"suboptimality_mean", "suboptimality_sd"});
  }
  if (noise) {
    md_cols.push_back("B_simple");
    csv_cols.push_back("b_simple_mean");
  }
  for (const auto& label : targets) {
    md_cols.push_back(fmt::format("s to {}", label));
    md_cols.push_back(fmt::format("steps to {}", label));
    for (const char* f : {"reached", "seconds_mean", "seconds_sd", "epochs_mean", "updates_mean",
                          "updates_sd", "grad_evals_mean"}) {
      csv_cols.push_back(fmt::format("{}:{}", label, f));
    }
  }
  md_cols.insert(md_cols.end(), {"train s", "samples/s"});
  csv_cols.insert(csv_cols.end(), {"train_seconds_mean", "samples_per_second_mean"});

  for (std::size_t i = 0; i < csv_cols.size(); ++i) t.csv += (i ? "," : "") + csv_cols[i];
  t.csv += "\n";
  std::string& tex = t.latex;
  // dataset, widths, variant, B and lr are text; the figures are numbers.
  const std::size_t text_columns =
      static_cast<std::size_t>(std::find(md_cols.begin(), md_cols.end(), "lr") - md_cols.begin()) +
      1;
  tex = tabular_head(md_cols.size(), text_columns);
  add_row(md, tex, md_cols);
  md += "|";
  for (std::size_t i = 0; i < md_cols.size(); ++i) md += "---|";
  md += "\n";
  tex += "\\midrule\n";

  for (const auto& [key, cell] : cells) {
    if (cell.runs.empty()) continue;
    auto col = [&](const char* field) {
      std::vector<double> v;
      for (const Json& r : cell.runs) v.push_back(number(r, field));
      return stats(v);
    };
    std::size_t diverged = 0;
    for (const Json& r : cell.runs) diverged += r.value("status", "") != "ok";
    const std::string b = cell.batching == "full" ? fmt::format("full ({})", cell.batch_size)
                                                  : std::to_string(cell.batch_size);
    std::string runs = std::to_string(cell.runs.size());
    if (diverged > 0) runs += fmt::format(" ({} diverged)", diverged);

    std::vector<std::string> row;
    if (show_dataset) row.push_back(cell.dataset);
    if (any_widths) row.push_back(cell.widths);
    row.insert(row.end(), {cell.variant, b, fmt::format("{:g}", cell.lr)});
    if (show_threads) row.push_back(std::to_string(cell.threads));
    row.push_back(runs);
    t.csv += fmt::format("{},{},{},{},{},{:g},{},{},{}", cell.variant, cell.dataset, cell.widths,
                         cell.batching, cell.batch_size, cell.lr, cell.threads, cell.runs.size(),
                         diverged);
    for (long e = 1; e <= epoch_columns; ++e) {
      const auto it = cell.accuracy_at_epoch.find(e);
      const Stats s = it == cell.accuracy_at_epoch.end() ? Stats{} : stats(it->second);
      row.push_back(fmt_stats(s, ".2f"));
      t.csv += fmt::format(",{}", s.n ? fmt::format("{:.6g}", s.mean / 100.0) : "");
    }
    if (classification) {
      const Stats a = col("test_accuracy");
      row.push_back(fmt_stats(a, ".2f", 100.0));
      t.csv += fmt::format(",{:.6g},{:.6g}", a.mean, a.sd);
    }
    const Stats loss = col("train_loss");
    row.push_back(fmt_stats(loss, ".4g"));
    t.csv += fmt::format(",{:.8g},{:.6g}", loss.mean, loss.sd);
    if (subopt) {
      const Stats s = col("suboptimality");
      row.push_back(fmt_stats(s, ".3g"));
      t.csv += fmt::format(",{:.6g},{:.6g}", s.mean, s.sd);
    }
    if (noise) {
      std::vector<double> v;
      for (const Json& r : records) {
        if (r.value("type", "") == "point" && r["variant"] == cell.variant &&
            r["batch_size"] == cell.batch_size && r["lr"] == cell.lr &&
            r.value("phase", "") != "tune") {
          v.push_back(number(r, "b_simple"));
        }
      }
      const Stats s = stats(v);
      row.push_back(s.n ? fmt::format("{:.3g}", s.mean) : "–");
      t.csv += fmt::format(",{:.6g}", s.mean);
    }
    for (const auto& label : targets) {
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
      t.csv += fmt::format(",{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}", reached, s.mean, s.sd,
                           stats(epochs).mean, u.mean, u.sd, stats(evals).mean);
    }
    const Stats secs = col("train_seconds"), rate = col("samples_per_second");
    row.push_back(fmt::format("{:.3g}", secs.mean));
    row.push_back(fmt::format("{:.0f}", rate.mean));
    add_row(md, tex, row);
    t.csv += fmt::format(",{:.6g},{:.6g}\n", secs.mean, rate.mean);
  }
  tex += "\\bottomrule\n\\end{tabular}\n";

  for (const Json& r : records) {
    if (r.value("type", "") != "tuning") continue;
    const std::string title =
        fmt::format("Learning rate chosen per cell by {} (tuning seed {}):",
                    header["config"]["tuning"].value("select_by", "train_loss"),
                    header["config"]["sweep"]["seed"][0].dump());
    md += "\n" + title + "\n\n";
    tex += "\n% " + latex_cell(title) + "\n" + tabular_head(5, 3);
    add_row(md, tex, {"dataset", "variant", "B", "threads", "lr"});
    md += "|---|---|---|---|---|\n";
    tex += "\\midrule\n";
    for (const Json& ch : r["chosen"]) {
      const std::string name = ch.contains("method")
                                   ? fmt::format("{} [{}]", ch["method"].get<std::string>(),
                                                 ch["variant"].get<std::string>())
                                   : ch["variant"].get<std::string>();
      const auto b = ch["batch_size"].get<std::size_t>();
      add_row(md, tex,
              {ch.value("dataset", ""), name, b == 0 ? "full" : std::to_string(b),
               std::to_string(ch["threads"].get<std::size_t>()),
               fmt::format("{:g}", ch["lr"].get<double>())});
    }
    tex += "\\bottomrule\n\\end{tabular}\n";
  }
  return t;
}

void write_report(const std::string& dir, const std::vector<Json>& records,
                  const std::string& note) {
  const Tables t = make_tables(records, note);
  write_file_atomically(dir + "/summary.md", t.markdown);
  write_file_atomically(dir + "/summary.csv", t.csv);
  write_file_atomically(dir + "/summary.tex", t.latex);
}

bool draw_plots(const std::string& dir) {
  const std::string cmd = fmt::format("/usr/bin/python3 '{}/bench/scripts/plot.py' '{}' >/dev/null",
                                      SGDBENCH_SOURCE_DIR, dir);
  if (std::system(cmd.c_str()) != 0) {
    fmt::print(stderr, "sgdbench: plotting failed ({}); the tables are written\n", cmd);
    return false;
  }
  return true;
}

}  // namespace sgdbench
