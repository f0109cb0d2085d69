#include "records/target_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "records/report.hpp"
#include "records/seed_stats.hpp"
#include "records/two_tables.hpp"

namespace sgdbench {
namespace {

/// One method at the rate tuned for one target, over its reporting seeds.
struct Entry {
  std::string method, batch, lr;
  Estimate evals, seconds;
  std::size_t reached = 0, runs = 0;
  bool one_distinct = false;  // every seed gave the same run (a deterministic method)
};

bool same_cell(const Json& run, const Json& choice) {
  const auto b = choice["batch_size"].get<std::size_t>();
  const bool full = run["batching"] == "full";
  return run.value("dataset", "") == choice.value("dataset", "") &&
         run.value("widths", "") == choice.value("widths", "") &&
         method_name(run) == method_name(choice) && run["threads"] == choice["threads"] &&
         (b == 0 ? full : !full && run["batch_size"].get<std::size_t>() == b);
}

/// The cost to `target` of each run: its interpolated crossing where the evaluation grid
/// gives one, else the first point that met it; +∞ for a miss.
void add_crossing(const Json& run, const std::string& target, std::vector<double>& evals,
                  std::vector<double>& seconds) {
  const double inf = std::numeric_limits<double>::infinity();
  const Json& at = run["targets"][target];
  if (at.contains("missed")) {
    evals.push_back(inf);
    seconds.push_back(inf);
    return;
  }
  const Json& hit = at.contains("interpolated") ? at["interpolated"] : at;
  evals.push_back(hit["grad_evals"].get<double>());
  seconds.push_back(hit["seconds"].get<double>());
}

Entry entry_of(const Json& choice, const Json& pick, const std::vector<const Json*>& finals) {
  Entry e;
  // The method's label (its variant beside it in the main table), else the variant.
  e.method = choice.value("method", choice["variant"].get<std::string>());
  const auto b = choice["batch_size"].get<std::size_t>();
  e.batch = b == 0 ? "full" : std::to_string(b);
  const std::string target = pick["target"];
  if (!pick["solved"].get<bool>()) {
    e.lr = "no rate reached it";
    e.evals = e.seconds = censored_median({std::numeric_limits<double>::infinity()});
    return e;
  }
  const double lr = pick["lr"].get<double>();
  e.lr = fmt::format("{:g}{}", lr,
                     choice.value("fixed_rate", false) ? " (fixed)"
                     : pick["bracketed"].get<bool>()   ? ""
                                                       : " (edge)");
  std::vector<double> evals, seconds;
  std::vector<const Json*> runs;
  for (const Json* run : finals) {
    if (!same_cell(*run, choice) || (*run)["lr"].get<double>() != lr) continue;
    add_crossing(*run, target, evals, seconds);
    runs.push_back(run);
  }
  e.runs = evals.size();
  e.one_distinct = one_distinct_run(runs);
  e.reached = static_cast<std::size_t>(
      std::count_if(evals.begin(), evals.end(), [](double x) { return std::isfinite(x); }));
  e.evals = censored_median(evals);
  e.seconds = censored_median(seconds);
  return e;
}

std::string number(double x, const char* spec) {
  return std::isinf(x) ? "∞" : fmt::format(fmt::runtime(std::string("{:") + spec + "}"), x);
}

std::string estimate_text(const Estimate& e, const char* spec) {
  if (e.n == 0) return "–";
  if (std::isinf(e.value)) return "missed";
  return fmt::format("{} [{}, {}]", number(e.value, spec), number(e.lo, spec), number(e.hi, spec));
}

/// How `other` compares with the first: the ratio of the medians with the range their
/// intervals allow, "tie" when the intervals overlap, "missed" when it did not get there.
std::string lead_text(const Estimate& first, const Estimate& other) {
  if (std::isinf(other.value)) return "missed";
  if (other.lo <= first.hi) return "tie";
  return fmt::format("{}× [{}, {}]", number(other.value / first.value, ".3g"),
                     number(other.lo / first.hi, ".3g"), number(other.hi / first.lo, ".3g"));
}

std::string runs_text(const Entry& e) {
  if (e.runs == 0) return "–";  // no rate reached it on the tuning seeds: nothing re-run
  return e.one_distinct ? fmt::format("{}/{}, 1 distinct run", e.reached, e.runs)
                        : fmt::format("{}/{}", e.reached, e.runs);
}

/// The first of `entries` by `by` (lowest median, then lowest upper bound), and the
/// summary's "method (B)" for it with any method tied with it.
std::string first_text(const std::vector<Entry>& entries, Estimate Entry::*by) {
  const Entry& first = entries.front();
  if (std::isinf((first.*by).value)) return "nobody reached it";
  std::string text = fmt::format("{} (B = {})", first.method, first.batch);
  std::size_t ties = 0;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    ties += lead_text(first.*by, entries[i].*by) == "tie";
  }
  if (ties > 0) text += fmt::format(", tied with {} other{}", ties, ties > 1 ? "s" : "");
  return text;
}

void sort_by(std::vector<Entry>& entries, Estimate Entry::*by) {
  std::stable_sort(entries.begin(), entries.end(), [by](const Entry& a, const Entry& b) {
    return (a.*by).value < (b.*by).value ||
           ((a.*by).value == (b.*by).value && (a.*by).hi < (b.*by).hi);
  });
}

/// The lead of the first over the runner-up by `by`.
std::string runner_up_text(std::vector<Entry> entries, Estimate Entry::*by) {
  sort_by(entries, by);
  if (entries.size() < 2 || std::isinf((entries[0].*by).value)) return "–";
  if (std::isinf((entries[1].*by).value)) return "nobody else reached it";
  return fmt::format("{}: {}", entries[1].method + " (B = " + entries[1].batch + ")",
                     lead_text(entries[0].*by, entries[1].*by));
}

/// The seed's question in one cell: the best full-batch method against the first, by `by`:
/// "method: ratio [range]", "tie", or why it has no ratio (entries sorted by `by`).
std::string full_batch_text(const std::vector<Entry>& entries, Estimate Entry::*by) {
  const auto full = std::find_if(entries.begin(), entries.end(),
                                 [](const Entry& e) { return e.batch == "full"; });
  if (full == entries.end() || std::isinf((entries.front().*by).value)) return "–";
  if (full == entries.begin()) return full->method + ": first";
  // Sorted by `by`: when the best full-batch method missed, every one did.
  if (std::isinf(((*full).*by).value)) return "no full-batch method reached it";
  return full->method + ": " + lead_text(entries.front().*by, (*full).*by);
}

}  // namespace

bool one_distinct_run(const std::vector<const Json*>& runs) {
  const auto same = [&](const Json* r) {
    for (const char* f : {"train_loss", "test_accuracy", "targets", "grad_evals"}) {
      if (r->value(f, Json()) != runs.front()->value(f, Json())) return false;
    }
    return true;
  };
  return runs.size() > 1 && std::all_of(runs.begin(), runs.end(), same);
}

std::string tuning_key(const std::string& dataset, const std::string& widths,
                       const std::string& method, std::size_t batch, std::size_t threads) {
  return fmt::format("{}|{}|{}|{}|{}", dataset, widths, method, batch, threads);
}

PerTargetChoices::PerTargetChoices(const std::vector<Json>& records) {
  for (const Json& r : records) {
    if (r.value("type", "") != "tuning") continue;
    for (const Json& ch : r["chosen"]) {
      if (!ch.contains("per_target")) continue;
      auto& cell = by_cell_[tuning_key(ch.value("dataset", ""), ch.value("widths", ""),
                                       method_name(ch), ch["batch_size"], ch["threads"])];
      for (const Json& pick : ch["per_target"]) {
        cell[pick["target"].get<std::string>()] = {
            pick["solved"].get<bool>() ? pick["lr"].get<double>() : 0.0, pick["solved"].get<bool>(),
            pick["bracketed"].get<bool>()};
      }
    }
  }
}

const TargetChoice* PerTargetChoices::find(const std::string& key,
                                           const std::string& target) const {
  const auto cell = by_cell_.find(key);
  if (cell == by_cell_.end()) return nullptr;
  const auto choice = cell->second.find(target);
  return choice == cell->second.end() ? nullptr : &choice->second;
}

namespace {

using TargetEntries = std::vector<std::pair<std::string, std::vector<Entry>>>;
using ProblemEntries = std::vector<std::pair<std::string, TargetEntries>>;

/// The entry of `key` in an insertion-ordered list of pairs, added when missing.
template <class List>
auto& entry_for(List& list, const std::string& key) {
  auto it = std::find_if(list.begin(), list.end(), [&](const auto& x) { return x.first == key; });
  if (it == list.end()) it = list.insert(list.end(), {key, {}});
  return it->second;
}

/// Problem ("dataset widths") → target → every method at that target's rate.
ProblemEntries collect_entries(const Json& tuning, const std::vector<const Json*>& finals) {
  ProblemEntries problems;
  for (const Json& ch : tuning["chosen"]) {
    const std::string problem =
        ch.value("dataset", "") + (ch.contains("widths") ? " " + ch.value("widths", "") : "");
    TargetEntries& targets = entry_for(problems, problem);
    for (const Json& pick : ch["per_target"]) {
      entry_for(targets, pick["target"].get<std::string>()).push_back(entry_of(ch, pick, finals));
    }
  }
  return problems;
}

/// One target's table, rows by median gradient evaluations.
void target_table(const std::vector<Entry>& entries, TwoTables& out) {
  out.head({"method", "B", "lr", "grad evals to target", "vs first", "s to target", "vs first (s)",
            "reached"},
           3);
  Estimate best_seconds = entries.front().seconds;
  for (const Entry& e : entries) {
    if (e.seconds.value < best_seconds.value) best_seconds = e.seconds;
  }
  for (const Entry& e : entries) {
    out.row({e.method, e.batch, e.lr, estimate_text(e.evals, ".0f"),
             &e == &entries.front() ? "first" : lead_text(entries.front().evals, e.evals),
             estimate_text(e.seconds, ".3g"),
             e.seconds.value == best_seconds.value ? "first" : lead_text(best_seconds, e.seconds),
             runs_text(e)});
  }
  out.end();
}

/// One problem's methods against its targets: each cell the median cost to that target at
/// the rate tuned for it, its interval and reached/runs (the headline of the comparison).
void target_matrix(const TargetEntries& targets, Estimate Entry::*by, const char* spec,
                   TwoTables& out) {
  std::vector<std::string> head = {"method", "B"};
  for (const auto& [target, entries] : targets) head.push_back(target);
  out.head(head, 2);
  // Rows in the config's order: the entries of the first target list every method once.
  for (std::size_t m = 0; m < targets.front().second.size(); ++m) {
    const Entry& first = targets.front().second[m];
    std::vector<std::string> row = {first.method, first.batch};
    for (const auto& [target, entries] : targets) {
      const Entry& e = entries[m];
      row.push_back(e.runs == 0 ? "no rate reached it"
                                : fmt::format("{} ({})", estimate_text(e.*by, spec), runs_text(e)));
    }
    out.row(row);
  }
  out.end();
}

void add_note(const std::string& text, std::string& md, std::string& tex) {
  md += "\n" + text + "\n\n";
  tex += "\n% " + latex_cell(text) + "\n";
}

}  // namespace

void add_per_target_tables(const std::vector<Json>& records, std::string& md, std::string& tex) {
  std::vector<const Json*> finals;
  const Json* tuning = nullptr;
  for (const Json& r : records) {
    if (r.value("type", "") == "run" && r.value("phase", "") == "final") finals.push_back(&r);
    if (r.value("type", "") == "tuning") tuning = &r;
  }
  if (tuning == nullptr || tuning->at("chosen").empty() ||
      !tuning->at("chosen")[0].contains("per_target")) {
    return;
  }
  ProblemEntries problems = collect_entries(*tuning, finals);
  TwoTables out(md, tex);
  add_note(
      "Time to each target at the rate tuned for that target (AlgoPerf's rule: per method, "
      "the rate with the least median gradient evaluations to the target over the tuning "
      "seeds; a crossing counts only while the training loss stays at or below its start). "
      "Medians over the reporting seeds with a miss counted as never, bootstrap 95 % "
      "intervals, reached/runs; \"vs first\": the ratio of the medians to the first's, with "
      "the range their intervals allow, \"tie\" when the intervals overlap.",
      md, tex);
  for (const auto& [problem, targets] : problems) {
    add_note(fmt::format("{}: gradient evaluations to each target:", problem), md, tex);
    target_matrix(targets, &Entry::evals, ".0f", out);
    add_note(fmt::format("{}: training seconds to each target:", problem), md, tex);
    target_matrix(targets, &Entry::seconds, ".3g", out);
  }
  std::vector<std::vector<std::string>> summary;
  std::string details;  // each target's table, ranked, after the summary
  for (auto& [problem, targets] : problems) {
    for (auto& [target, entries] : targets) {
      sort_by(entries, &Entry::seconds);
      const std::string first_s = first_text(entries, &Entry::seconds);
      const std::string full_s = full_batch_text(entries, &Entry::seconds);
      sort_by(entries, &Entry::evals);
      summary.push_back({problem, target, first_text(entries, &Entry::evals),
                         runner_up_text(entries, &Entry::evals),
                         full_batch_text(entries, &Entry::evals), first_s, full_s});
    }
  }
  add_note(
      "Who gets there first, in gradient evaluations and in seconds, and the best "
      "full-batch method's cost over the first's (the ratio of the medians, with the "
      "range their intervals allow; \"tie\" when the intervals overlap):",
      md, tex);
  out.head(
      {"problem", "target", "first in grad evals", "runner-up (grad evals)",
       "best full batch ÷ first (grad evals)", "first in seconds", "best full batch ÷ first (s)"},
      7);
  for (const auto& row : summary) out.row(row);
  out.end();
  for (const auto& [problem, targets] : problems) {
    for (const auto& [target, entries] : targets) {
      add_note(fmt::format("{}, {}, ranked:", problem, target), md, tex);
      target_table(entries, out);
    }
  }
}

}  // namespace sgdbench
