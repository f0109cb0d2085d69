#include "verify/verify.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/config.hpp"
#include "records/output_files.hpp"
#include "records/report.hpp"
#include "util/error.hpp"
#include "variants/registry.hpp"
#include "verify/variant_verdicts.hpp"
#include "verify/verify_renders.hpp"

namespace sgdbench {
namespace {

/// The fields that identify a record: the run key, and for points the evaluation count.
std::string key_of(const Json& r) {
  std::string key = r.value("type", "");
  for (const char* f : {"dataset", "widths", "method", "variant", "batching", "batch_size", "lr",
                        "seed", "threads", "phase"}) {
    if (r.contains(f)) key += fmt::format(" {}={}", f, r[f].dump());
  }
  if (r.value("type", "") == "point") key += fmt::format(" grad_evals={}", r["grad_evals"].dump());
  return key;
}

/// Figures of points and runs that must reproduce exactly under a deterministic variant.
constexpr const char* kExactFields[] = {"train_loss",      "test_loss",       "test_accuracy",
                                        "grad_evals",      "updates",         "epoch",
                                        "suboptimality",   "validation_loss", "validation_accuracy",
                                        "grad_norm",       "b_simple",        "status",
                                        "params",          "batching",        "batch_size",
                                        "start_train_loss"};

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// The 1-based number of the first line where `a` and `b` differ.
std::size_t first_different_line(const std::string& a, const std::string& b) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    if (a[i] != b[i]) return line;
    line += a[i] == '\n';
  }
  return line;
}

class Comparison {
 public:
  void mismatch(const std::string& where, const std::string& what,
                const std::string& variant = "") {
    ++count;
    ++by_variant[variant].mismatches;
    if (count <= 20) text += fmt::format("  {}: {}\n", where, what);
  }
  /// Compares one figure as written on disk (a diverged run's NaN is null there).
  void figure(const std::string& where, const std::string& name, const Json& was, const Json& now,
              const std::string& variant = "") {
    ++figures;
    ++by_variant[variant].figures;
    if (was.dump() != now.dump()) {
      mismatch(where, fmt::format("{} was {} and is now {}", name, was.dump(), now.dump()),
               variant);
    }
  }
  std::size_t count = 0, figures = 0;
  std::map<std::string, VariantTally> by_variant;
  std::string text;
};

using Index = std::map<std::string, std::vector<const Json*>>;

bool deterministic(const Json& record) {
  const VariantInfo* v = compiled_variants().find(record.value("variant", ""));
  return v != nullptr && v->deterministic;
}

/// Records of `type` by key. Points of a variant that is not deterministic are left out:
/// an early stop (a target, a divergence) may give them another count.
Index index_of(const std::vector<Json>& records, const std::string& type) {
  Index index;
  for (const Json& r : records) {
    if (r.value("type", "") != type || (type == "point" && !deterministic(r))) continue;
    index[key_of(r)].push_back(&r);
  }
  return index;
}

std::vector<const Json*> all_of(const std::vector<Json>& records, const std::string& type) {
  std::vector<const Json*> out;
  for (const Json& r : records) {
    if (r.value("type", "") == type) out.push_back(&r);
  }
  return out;
}

/// A run's crossings of its targets: first points and interpolated crossings, exactly.
void compare_targets(const std::string& key, const Json& old, const Json& again,
                     const std::string& variant, Comparison& cmp) {
  const Json targets_was = old.value("targets", Json::object());
  const Json targets_now = again.value("targets", Json::object());
  if (targets_was.size() != targets_now.size()) {
    cmp.mismatch(key,
                 fmt::format("{} targets recorded, {} now", targets_was.size(), targets_now.size()),
                 variant);
  }
  for (const auto& [label, hit] : targets_was.items()) {
    const Json hit_now = targets_now.value(label, Json::object());
    for (const char* f : {"missed", "epochs", "updates", "grad_evals"}) {
      if (hit.contains(f) || hit_now.contains(f)) {
        cmp.figure(key, fmt::format("{} to {}", f, label), hit.value(f, Json()),
                   hit_now.value(f, Json()), variant);
      }
    }
    // The crossing the tables print: interpolated between the two points around it.
    const Json was = hit.value("interpolated", Json::object());
    const Json is = hit_now.value("interpolated", Json::object());
    for (const char* f : {"epochs", "updates", "grad_evals"}) {
      if (was.contains(f) || is.contains(f)) {
        cmp.figure(key, fmt::format("interpolated {} to {}", f, label), was.value(f, Json()),
                   is.value(f, Json()), variant);
      }
    }
  }
}

/// Point and run records, both ways: every committed one re-made (once), every re-made
/// one committed (once), and the deterministic figures equal.
void compare_cells(const std::vector<Json>& committed, const std::vector<Json>& fresh,
                   Comparison& cmp, VerifyResult& result, std::vector<double>& ratios,
                   std::size_t& exact_records) {
  for (const std::string type : {"point", "run"}) {
    const Index before = index_of(committed, type), now = index_of(fresh, type);
    for (const auto& [key, olds] : before) {
      const Json& old = *olds.front();
      const std::string variant = old.value("variant", "");
      if (olds.size() > 1) {
        cmp.mismatch(key, fmt::format("{} times in runs.jsonl", olds.size()), variant);
      }
      const auto it = now.find(key);
      if (it == now.end()) {
        cmp.mismatch(key, "in runs.jsonl but not produced by the re-run", variant);
        continue;
      }
      const Json& again = *it->second.front();
      if (type == "run") {
        ++result.runs_compared;
        const double was = old.value("train_seconds", 0.0);
        if (was > 0.0) ratios.push_back(again.value("train_seconds", 0.0) / was);
      }
      if (!deterministic(old)) continue;
      ++exact_records;
      for (const char* f : kExactFields) {
        if (old.contains(f) || again.contains(f)) {
          cmp.figure(key, f, old.contains(f) ? old[f] : Json(),
                     again.contains(f) ? again[f] : Json(), variant);
        }
      }
      if (type != "run") continue;
      compare_targets(key, old, again, variant, cmp);
    }
    for (const auto& [key, news] : now) {
      if (before.count(key) == 0) {
        cmp.mismatch(key, "produced by the re-run but missing from runs.jsonl",
                     news.front()->value("variant", ""));
      }
    }
  }
}

/// The header, the tuning choices and the problems (sizes, F*): one record each, equal.
/// `f_star_variant`: the variant that solved F*, whose verdict its mismatches take.
void compare_closing_records(const std::vector<Json>& committed, const std::vector<Json>& fresh,
                             bool exact_f_star, const std::string& f_star_variant,
                             Comparison& cmp) {
  const auto headers = all_of(committed, "experiment");
  if (headers.size() != 1) {
    cmp.mismatch("experiment", fmt::format("{} header records, expected 1", headers.size()));
  }
  cmp.figure("experiment", "targets", committed.front().value("targets", Json()),
             fresh.front().value("targets", Json()));
  for (const std::string type : {"tuning", "problems"}) {
    const auto was = all_of(committed, type), now = all_of(fresh, type);
    if (was.size() != now.size()) {
      cmp.mismatch(type, fmt::format("{} record(s) in runs.jsonl, {} from the re-run", was.size(),
                                     now.size()));
      continue;
    }
    if (was.empty()) continue;
    const bool tuning = type == "tuning";
    const Json& a = (*was.front())[tuning ? "chosen" : "problems"];
    const Json& b = (*now.front())[tuning ? "chosen" : "problems"];
    if (a.size() != b.size()) {
      cmp.mismatch(type, fmt::format("{} entries recorded, {} now", a.size(), b.size()));
      continue;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
      // A choice of a variant that is not deterministic may vary with its runs' figures.
      if (tuning && !deterministic(a[i])) continue;
      const std::string where = tuning ? fmt::format("tuning choice {}", i)
                                       : fmt::format("problem {}", a[i].value("dataset", "?"));
      const std::string owner = tuning ? a[i].value("variant", "") : "";  // a choice's variant
      for (const auto& [field, value] : a[i].items()) {
        // F* and the Hessian at its w*: a long run of a variant that may not be deterministic
        if ((field == "f_star" || field == "hessian") && !exact_f_star) continue;
        if (field == "tuning_seconds") continue;  // a timing
        cmp.figure(where, field, value, b[i].value(field, Json()),
                   field == "f_star" ? f_star_variant : owner);
      }
      for (const auto& [field, value] : b[i].items()) {
        if (!a[i].contains(field)) cmp.mismatch(where, field + " is new in the re-run", owner);
      }
    }
  }
}

/// summary.{md,csv,tex} must be what the committed runs.jsonl renders to.
void compare_tables(const std::string& dir, const std::vector<Json>& committed, Comparison& cmp) {
  const Tables t = make_tables(committed);
  const std::pair<const char*, const std::string*> files[] = {
      {"summary.md", &t.markdown}, {"summary.csv", &t.csv}, {"summary.tex", &t.latex}};
  for (const auto& [name, rendered] : files) {
    const std::string path = dir + "/" + name;
    ++cmp.figures;
    if (!std::filesystem::exists(path)) {
      cmp.mismatch(name, "missing");
    } else if (const std::string on_disk = read_text(path); on_disk != *rendered) {
      cmp.mismatch(name, fmt::format("differs from a re-rendering of runs.jsonl from line {} "
                                     "(sgdbench report {} rewrites it)",
                                     first_different_line(on_disk, *rendered), dir));
    }
  }
}

/// The config that made the results in `dir` (`header`: their first record), found as
/// recorded or relative to the repository root, and unchanged since.
std::string config_of_result(const std::string& dir, const Json& header) {
  std::string config_file = header.value("config_file", "");
  std::error_code ec;
  // A relative path was relative to where the run started: the repository root, two
  // levels above results/<name>/, when not the current folder.
  const auto from_root = std::filesystem::path(dir) / ".." / ".." / config_file;
  if (!std::filesystem::is_regular_file(config_file, ec) &&
      std::filesystem::path(config_file).is_relative() &&
      std::filesystem::is_regular_file(from_root, ec)) {
    config_file = from_root.lexically_normal().string();
  }
  if (!std::filesystem::is_regular_file(config_file, ec)) {
    throw Error(
        fmt::format("{}/runs.jsonl: its config {} is missing: verify re-runs the config "
                    "that made the results",
                    dir, config_file));
  }
  if (read_json_file(config_file) != header["config"]) {
    throw Error(
        fmt::format("{}: differs from the config recorded in {}/runs.jsonl: regenerate "
                    "the results or restore the config",
                    config_file, dir));
  }
  return config_file;
}

}  // namespace

VerifyResult verify_results(const std::string& dir, const RunOptions& options) {
  const std::vector<Json> committed = read_records(dir);
  const Json& header = committed.front();
  const std::string config_file = config_of_result(dir, header);
  std::error_code ec;
  const ExperimentConfig config = parse_config(config_file);
  // A budget in seconds, or a learning rate chosen by seconds to a target, makes which
  // steps run depend on the machine's speed: such a result cannot be verified.
  if (config.max_seconds > 0.0 ||
      (config.tuning && config.tuning->select_by == "seconds_to_target")) {
    throw Error(
        fmt::format("{}: its config budgets or tunes by seconds, so its figures depend "
                    "on the machine's speed and cannot be verified",
                    dir));
  }
  // F* of a long run is exact only when its variant is deterministic.
  const VariantInfo* f_star = compiled_variants().find(config.f_star_variant);
  const bool exact_f_star = f_star == nullptr || f_star->deterministic;

  Comparison cmp;
  compare_tables(dir, committed, cmp);
  // The analyses and the generated results blocks (docs/results.md, README.md), re-rendered.
  std::size_t rendered = 0;
  for (const RenderMismatch& m : analysis_mismatches(dir, rendered)) cmp.mismatch(m.file, m.what);
  for (const RenderMismatch& m : readme_mismatches(dir, rendered)) cmp.mismatch(m.file, m.what);
  cmp.figures += rendered;

  RunOptions rerun = options;
  rerun.resume = false;
  const auto scratch =
      std::filesystem::temp_directory_path() / fmt::format("sgdbench-verify-{}", ::getpid());
  std::filesystem::remove_all(scratch, ec);
  rerun.out_root = scratch.string();
  const std::vector<Json> fresh = run_experiment(config, rerun);
  std::filesystem::remove_all(scratch, ec);

  VerifyResult result;
  std::vector<double> ratios;
  std::size_t exact_records = 0;
  compare_cells(committed, fresh, cmp, result, ratios, exact_records);
  compare_closing_records(committed, fresh, exact_f_star, config.f_star_variant, cmp);
  // A floor on what was compared: a result without deterministic records, or with fewer
  // than kMinFiguresPerRecord figures a record (losses, counts, epoch, status, B), proves
  // nothing; a file emptied of its runs must not pass.
  constexpr std::size_t kMinFiguresPerRecord = 5;
  const std::size_t fresh_cells = all_of(fresh, "run").size();
  if (exact_records == 0 || cmp.figures < kMinFiguresPerRecord * exact_records) {
    cmp.mismatch("runs.jsonl", fmt::format("{} figures of {} deterministic records compared: "
                                           "too few to verify anything",
                                           cmp.figures, exact_records));
  }
  const VariantVerdicts verdicts = variant_verdicts(dir, cmp.by_variant);
  result.figures_compared = cmp.figures;
  // The exit code: only the mismatches where the bits must hold fail verify.
  result.mismatches = verdicts.must_hold;
  result.mismatches_allowed = verdicts.may_differ;
  std::sort(ratios.begin(), ratios.end());
  result.median_time_ratio = ratios.empty() ? 0.0 : ratios[ratios.size() / 2];
  result.report = fmt::format(
      "{}: {} of {} runs, {} figures compared exactly, {} mismatches; training time now / "
      "committed: median {:.2f} (min {:.2f}, max {:.2f})\n{}{}{}",
      dir, result.runs_compared, fresh_cells, result.figures_compared, cmp.count,
      result.median_time_ratio, ratios.empty() ? 0.0 : ratios.front(),
      ratios.empty() ? 0.0 : ratios.back(), verdicts.text, cmp.text,
      verdicts.must_hold > 0
          ? fmt::format("  fails: {} mismatches where the bits must hold on this build\n",
                        verdicts.must_hold)
      : verdicts.may_differ > 0
          ? fmt::format("  passes: all {} mismatches are of variants whose bits may differ on "
                        "this build\n",
                        verdicts.may_differ)
          : std::string());
  if (cmp.count > 20) result.report += fmt::format("  … and {} more\n", cmp.count - 20);
  return result;
}

}  // namespace sgdbench
