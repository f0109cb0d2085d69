#include "records/table_head.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <set>

#include "records/report.hpp"
#include "records/run_records.hpp"
#include "records/seed_stats.hpp"

namespace sgdbench {
namespace {

double record_number(const Json& r, const char* key) {
  return r.contains(key) && r[key].is_number() ? r[key].get<double>()
                                               : std::numeric_limits<double>::quiet_NaN();
}

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
    cell.accuracy_at_epoch[e].push_back(100.0 * record_number(r, "test_accuracy"));
    max_epoch = std::max(max_epoch, e);
  } else if (epoch > 0.0) {
    integral_cadence = false;
  }
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

}  // namespace

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

/// /conditioning: each problem's Hessian at w* (sweep.cpp hessian_record), if any.
void add_conditioning_table(const std::vector<Json>& records, std::string& md, std::string& tex) {
  std::vector<std::vector<std::string>> rows;
  for (const Json& r : records) {
    if (r.value("type", "") != "problems") continue;
    for (const Json& p : r["problems"]) {
      if (!p.contains("hessian")) continue;
      const Json& h = p["hessian"];
      const double top = h.value("top", 0.0), bound = h.value("bottom_bound", 0.0);
      rows.push_back({p.value("dataset", ""), fmt::format("{:.4g}", top),
                      fmt::format("{:.6g}", h.value("bottom", 0.0)),
                      bound > 0 ? fmt::format("{:g}", bound) : "–",
                      fmt::format("{:.4g}", h.value("kappa", 0.0)),
                      bound > 0 ? fmt::format("{:.4g}", top / bound) : "–",
                      fmt::format("{:.4f}", h.value("nesterov_momentum", 0.0)),
                      fmt::format("{}{}", h.value("lanczos_iterations", 0),
                                  h.value("converged", false) ? "" : " (not converged)")});
    }
  }
  if (rows.empty()) return;
  md +=
      "Conditioning at the optimum w*: the extreme eigenvalues of the Hessian of F by "
      "Lanczos on exact Hessian–vector products (double precision; stopped when both "
      "extreme Ritz values moved less than 1e-9 of the spectrum's width for 3 iterations). "
      "The Ritz values lie inside the spectrum: λ_max is a lower bound, the Lanczos λ_min "
      "an upper bound, and λ (the L2 weight) a lower bound on λ_min, as ∇²F ⪰ λI; for "
      "softmax regression λ_min = λ exactly, because adding one vector to every class's "
      "weights leaves the loss unchanged. κ = λ_max / λ_min, and (√κ − 1)/(√κ + 1) is the "
      "momentum Nesterov's method wants for it.\n\n";
  TwoTables out(md, tex);
  out.head({"problem", "λ_max", "λ_min (Lanczos)", "λ_min ≥", "κ", "κ ≤", "(√κ−1)/(√κ+1)",
            "Lanczos iterations"},
           1);
  for (const auto& row : rows) out.row(row);
  out.end();
}

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

}  // namespace sgdbench
