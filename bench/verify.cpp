#include "verify.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "config.hpp"
#include "output_files.hpp"
#include "report.hpp"
#include "util/error.hpp"
#include "variants/registry.hpp"

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

/// Figures that must reproduce exactly under a deterministic variant.
constexpr const char* kExactFields[] = {
    "train_loss",    "test_loss",       "test_accuracy",       "grad_evals", "updates", "epoch",
    "suboptimality", "validation_loss", "validation_accuracy", "grad_norm",  "b_simple"};

}  // namespace

VerifyResult verify_results(const std::string& dir, const RunOptions& options) {
  const std::vector<Json> committed = read_records(dir);
  const Json& header = committed.front();
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
  const ExperimentConfig config = parse_config(config_file);
  // Budgets in seconds make the number of steps depend on the machine's speed.
  const bool timed_budget = config.max_seconds > 0.0;

  RunOptions rerun = options;
  const auto scratch =
      std::filesystem::temp_directory_path() / fmt::format("sgdbench-verify-{}", ::getpid());
  std::filesystem::remove_all(scratch, ec);
  rerun.out_root = scratch.string();
  const std::vector<Json> fresh = run_experiment(config, rerun);
  std::filesystem::remove_all(scratch, ec);

  std::map<std::string, const Json*> by_key;
  for (const Json& r : fresh) {
    const std::string type = r.value("type", "");
    if (type == "point" || type == "run") by_key[key_of(r)] = &r;
  }
  VerifyResult result;
  std::vector<double> ratios;
  std::string mismatches;
  auto mismatch = [&](const std::string& key, const std::string& what) {
    ++result.mismatches;
    if (result.mismatches <= 20) mismatches += fmt::format("  {}: {}\n", key, what);
  };
  for (const Json& old : committed) {
    const std::string type = old.value("type", "");
    if (type != "point" && type != "run") continue;
    const std::string key = key_of(old);
    const auto it = by_key.find(key);
    if (it == by_key.end()) {
      mismatch(key, "not produced by the re-run");
      continue;
    }
    const Json& now = *it->second;
    const VariantInfo* variant = compiled_variants().find(old.value("variant", ""));
    const bool exact = variant != nullptr && variant->deterministic && !timed_budget;
    if (type == "run") {
      ++result.runs_compared;
      const double before = old.value("train_seconds", 0.0);
      if (before > 0.0) ratios.push_back(now.value("train_seconds", 0.0) / before);
    }
    if (!exact) continue;
    for (const char* f : kExactFields) {
      if (!old.contains(f)) continue;
      ++result.figures_compared;
      // Compared as written: a NaN of a diverged run is null on disk and NaN in memory.
      if (old[f].dump() != now[f].dump()) {
        mismatch(key, fmt::format("{} was {} and is now {}", f, old[f].dump(), now[f].dump()));
      }
    }
    if (type == "run" && old.contains("targets")) {
      for (const auto& [label, hit] : old["targets"].items()) {
        for (const char* f : {"missed", "epochs", "updates", "grad_evals"}) {
          if (!hit.contains(f)) continue;
          ++result.figures_compared;
          const Json now_value = now["targets"].contains(label) && now["targets"][label].contains(f)
                                     ? now["targets"][label][f]
                                     : Json();
          if (hit[f].dump() != now_value.dump()) {
            mismatch(key, fmt::format("{} to {} was {} and is now {}", f, label, hit[f].dump(),
                                      now_value.dump()));
          }
        }
      }
    }
  }
  std::sort(ratios.begin(), ratios.end());
  result.median_time_ratio = ratios.empty() ? 0.0 : ratios[ratios.size() / 2];
  result.report = fmt::format(
      "{}: {} runs, {} figures compared exactly, {} mismatches; training time now / committed: "
      "median {:.2f} (min {:.2f}, max {:.2f}){}\n{}",
      dir, result.runs_compared, result.figures_compared, result.mismatches,
      result.median_time_ratio, ratios.empty() ? 0.0 : ratios.front(),
      ratios.empty() ? 0.0 : ratios.back(),
      timed_budget ? "; budget in seconds: figures not compared" : "", mismatches);
  if (result.mismatches > 20)
    result.report += fmt::format("  … and {} more\n", result.mismatches - 20);
  return result;
}

}  // namespace sgdbench
