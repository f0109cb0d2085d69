// Results that survive and say only what is true. Each test is named after what broke
// (issue "results that survive"): resume, Ctrl-C, the results folder checks, duplicate
// keys, options the README documents, the LaTeX table, and the schema against the parser.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "datasets/dataset_catalog.hpp"
#include "records/report.hpp"
#include "records/results_folder.hpp"
#include "sweep/experiment.hpp"
#include "sweep/interrupt.hpp"
#include "test_helpers.hpp"
#include "variants/registry.hpp"

using namespace sgdbench;
using namespace sgdbench::test;
using Catch::Matchers::Contains;

namespace {

/// The small IDX problem of the CLI tests with a target that every cell misses.
Json small_problem(const TempDir& dir) {
  Json config = small_idx_problem(dir);
  config["targets"] = {{"test_accuracy", {0.99}}};
  return config;
}

/// small_problem written as dir/config.json and parsed, for runs in this process.
ExperimentConfig small_problem_config(const TempDir& dir) {
  write_text(dir.file("config.json"), small_problem(dir).dump());
  return parse_config(dir.file("config.json"));
}

/// In-process runs write into dir/out without progress lines.
RunOptions quiet_options(const TempDir& dir) {
  RunOptions options;
  options.out_root = dir.file("out");
  options.progress = false;
  return options;
}

CommandResult cli(const TempDir& dir, const std::string& args) {
  return run_sgdbench(args, dir);
}

CommandResult run_config(const TempDir& dir, const Json& config, const std::string& extra = "") {
  write_text(dir.file("config.json"), config.dump(2));
  return cli(dir, "run " + dir.file("config.json") + " --quiet --no-plots --out " +
                      dir.file("out") + " " + extra);
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// The records of a runs.jsonl with every timing removed.
std::vector<Json> without_timings(const std::string& path) {
  std::vector<Json> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    Json r = Json::parse(line);
    r.erase("train_seconds");
    r.erase("samples_per_second");
    if (r.contains("targets") && r["targets"].is_object()) {
      for (auto& [label, hit] : r["targets"].items()) hit.erase("seconds");
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

TEST_CASE("regression_resume_flag_was_not_accepted_and_a_restart_redid_every_cell", "[outputs]") {
  TempDir dir("resume");
  const Json config = small_problem(dir);
  REQUIRE(run_config(dir, config).exit_code == 0);
  const std::string out = dir.file("out/tiny/runs.jsonl");
  const std::vector<Json> reference = without_timings(out);

  // As a kill -9 leaves it: 3 finished cells, 2 points of the 4th, a torn line.
  const std::string text = read_all(out);
  std::size_t cut = 0;
  for (int runs = 0; runs < 3;) {
    const std::size_t end = text.find('\n', cut);
    runs += text.substr(cut, end - cut).find(R"("type":"run")") != std::string::npos;
    cut = end + 1;
  }
  std::size_t half = cut;
  for (int points = 0; points < 2; ++points) half = text.find('\n', half) + 1;
  write_text(out + ".partial", text.substr(0, half) + text.substr(half, 40));
  std::filesystem::remove(out);

  // Without --resume the finished cells are not thrown away.
  const CommandResult plain = run_config(dir, config);
  REQUIRE(plain.exit_code == 1);
  REQUIRE_THAT(plain.output,
               Contains("holds 3 finished cell(s) of an interrupted run: add --resume"));

  const CommandResult r = run_config(dir, config, "--resume");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  REQUIRE_THAT(r.output, Contains("3 finished cell(s) kept"));
  REQUIRE_THAT(r.output, Contains("a torn last line (40 bytes"));
  REQUIRE_THAT(r.output, Contains("2 point(s) of a cell that did not finish"));
  REQUIRE(without_timings(out) == reference);
  REQUIRE_FALSE(std::filesystem::exists(out + ".partial"));

  // Nothing left to resume: a second --resume changes nothing and says so.
  const std::string before = read_all(out);
  const CommandResult again = run_config(dir, config, "--resume");
  REQUIRE(again.exit_code == 0);
  REQUIRE_THAT(again.output, Contains("nothing to resume"));
  REQUIRE(read_all(out) == before);
}

TEST_CASE("regression_resume_refuses_a_partial_file_of_another_config", "[outputs]") {
  TempDir dir("resume-other");
  Json config = small_problem(dir);
  REQUIRE(run_config(dir, config).exit_code == 0);
  std::filesystem::rename(dir.file("out/tiny/runs.jsonl"), dir.file("out/tiny/runs.jsonl.partial"));
  config["sweep"]["lr"] = {1.0};
  const CommandResult r = run_config(dir, config, "--resume");
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output,
               Contains("runs.jsonl.partial: was made from another version of the config"));
}

TEST_CASE("regression_resume_over_a_complete_run_of_another_config_returned_old_results",
          "[outputs]") {
  TempDir dir("resume-complete");
  Json config = small_problem(dir);
  REQUIRE(run_config(dir, config).exit_code == 0);
  std::filesystem::remove(dir.file("out/tiny/summary.md"));
  // Same config: nothing to run, the tables are written again.
  REQUIRE(run_config(dir, config, "--resume").exit_code == 0);
  REQUIRE(std::filesystem::exists(dir.file("out/tiny/summary.md")));
  config["sweep"]["seed"] = {0};
  const CommandResult r = run_config(dir, config, "--resume");
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("is complete but was made from another config"));
}

TEST_CASE("regression_an_interrupted_rerun_left_old_runs_beside_new_tables", "[outputs]") {
  TempDir dir("rerun-interrupted");
  const ExperimentConfig config = small_problem_config(dir);
  RunOptions options = quiet_options(dir);
  run_experiment(config, options);  // a complete result
  request_interrupt_after(1);
  REQUIRE_THROWS_AS(run_experiment(config, options), Interrupted);
  request_interrupt(false);
  // The old result is set aside, not beside tables it does not match; resuming completes
  // the new one and drops the old.
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl")));
  REQUIRE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl.previous")));
  options.resume = true;
  run_experiment(config, options);
  REQUIRE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl")));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl.previous")));
}

TEST_CASE("regression_a_config_failing_its_checks_left_an_empty_results_folder", "[outputs]") {
  TempDir dir("no-folder");
  Json config = small_problem(dir);
  config["model"]["widths"] = {15, 8, 10};  // the images have 16 pixels
  const CommandResult r = run_config(dir, config);
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("/model/widths/0"));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out/tiny")));
}

TEST_CASE("regression_ctrl_c_left_a_partial_file_and_no_tables", "[outputs]") {
  TempDir dir("interrupt");
  const ExperimentConfig config = small_problem_config(dir);
  RunOptions options = quiet_options(dir);
  request_interrupt_after(1);  // as if Ctrl-C came before the first cell finished
  REQUIRE_THROWS_AS(run_experiment(config, options), Interrupted);
  request_interrupt(false);
  REQUIRE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl.partial")));
  REQUIRE_THAT(read_all(dir.file("out/tiny/summary.md")), Contains("Interrupted after 0 of 12"));
  REQUIRE_THAT(read_all(dir.file("out/tiny/summary.md")), Contains("--resume"));
  // report and verify say what happened instead of "cannot open".
  REQUIRE_THROWS_WITH(read_records(dir.file("out/tiny")), Contains("holds an interrupted run"));
  options.resume = true;
  const auto records = run_experiment(config, options);
  REQUIRE(std::count_if(records.begin(), records.end(),
                        [](const Json& r) { return r["type"] == "run"; }) == 12);
  REQUIRE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl")));
}

TEST_CASE("regression_execution_threads_1e12_passed_validate_and_crashed_run", "[outputs]") {
  TempDir dir("threads");
  Json config = small_problem(dir);
  config["execution"]["threads"] = 1000000000000;
  write_text(dir.file("config.json"), config.dump());
  const CommandResult r = cli(dir, "validate " + dir.file("config.json"));
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("/execution/threads: at most 4096"));
}

TEST_CASE("regression_zero_width_idx_images_failed_late_without_a_file_name", "[outputs]") {
  TempDir dir("zero-width");
  Json config = small_problem(dir);
  write_bytes(dir.file("images.idx"), idx_images(300, 0, 4));
  write_text(dir.file("config.json"), config.dump());
  const CommandResult r = cli(dir, "validate " + dir.file("config.json"));
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("images.idx: dimension 1 at byte offset 8 is 0"));
}

TEST_CASE("regression_out_a_file_or_runs_jsonl_a_directory_gave_filesystem_error_late",
          "[outputs]") {
  TempDir dir("fs-errors");
  const Json config = small_problem(dir);
  write_text(dir.file("config.json"), config.dump());
  write_text(dir.file("a-file"), "x");
  CommandResult r =
      cli(dir, "run " + dir.file("config.json") + " --quiet --out " + dir.file("a-file"));
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("a-file: is not a directory"));
  REQUIRE_THAT(r.output, !Contains("unexpected"));

  // Where no folder can be made: sysfs refuses mkdir even to root (the tests run as root,
  // who ignores permission bits, so a chmod'ed folder would prove nothing).
  r = cli(dir, "run " + dir.file("config.json") + " --quiet --out /sys/sgdbench-test");
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("/sys/sgdbench-test/tiny: cannot create the results folder"));

  std::filesystem::create_directories(dir.file("out/tiny/runs.jsonl"));
  r = run_config(dir, config);
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("runs.jsonl: is not a regular file"));
  // Found before training: nothing was written.
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl.partial")));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out/tiny/machine.json")));
}

TEST_CASE("regression_a_second_writer_of_the_same_folder_is_refused_naming_the_holder",
          "[outputs]") {
  TempDir dir("lock");
  const Json config = small_problem(dir);
  write_text(dir.file("config.json"), config.dump());
  RunOptions options;
  options.out_root = dir.file("out");
  options.progress = false;
  // This process holds the folder while the binary tries to write it.
  {
    const ResultsFolder holder(dir.file("out/tiny"), "a test holding it");
    const CommandResult r = run_config(dir, config);
    REQUIRE(r.exit_code == 1);
    REQUIRE_THAT(r.output, Contains("out/tiny: in use by another sgdbench (pid"));
    REQUIRE_FALSE(std::filesystem::exists(dir.file("out/tiny/runs.jsonl.partial")));
  }
  REQUIRE(run_config(dir, config).exit_code == 0);  // released with its holder
}

TEST_CASE("regression_duplicate_json_keys_were_silently_accepted", "[outputs]") {
  TempDir dir("duplicate-keys");
  write_text(dir.file("top.json"), R"({"name": "a", "name": "b"})");
  REQUIRE_THROWS_WITH(read_json_file(dir.file("top.json")),
                      Contains("top.json: /: duplicate key \"name\""));
  write_text(dir.file("nested.json"),
             R"({"datasets": [{"name": "x"}, {"name": "y", "train": 1, "train": 2}]})");
  REQUIRE_THROWS_WITH(read_json_file(dir.file("nested.json")),
                      Contains("nested.json: /datasets/1: duplicate key \"train\""));
  // The same key in sibling objects is fine.
  write_text(dir.file("fine.json"), R"({"a": {"k": 1}, "b": {"k": 2}, "c": [{"k": 1}, {"k": 2}]})");
  REQUIRE_NOTHROW(read_json_file(dir.file("fine.json")));
}

TEST_CASE("regression_csv_libsvm_validation_and_preprocess_were_unreachable", "[outputs]") {
  TempDir dir("text-datasets");
  std::string csv = "label,a,b,c\n", svm;
  for (int i = 0; i < 120; ++i) {
    const int y = i % 3;
    csv += fmt::format("{},{},{},{}\n", y, y * 2 + i % 5, 10 * y - i % 7, i % 11);
    svm += fmt::format("{} 1:{} 3:{}\n", y, y * 2 + i % 5, i % 11);
  }
  write_text(dir.file("data.csv"), csv);
  write_text(dir.file("data.svm"), svm);
  for (const std::string name : {"csv", "libsvm"}) {
    INFO(name);
    Json dataset = {{"name", name},
                    {"path", name == "csv" ? "data.csv" : "data.svm"},
                    {"train", 80},
                    {"test", 20},
                    {"validation", 20},
                    {"preprocess", "standardize"},
                    {"task", "classification"}};
    if (name == "csv")
      dataset["header"] = true;
    else
      dataset["features"] = 3;
    const Json config = {{"name", name},
                         {"dataset", dataset},
                         {"variants", {"softmax/plain/simd/tbb"}},
                         {"sweep", {{"batch_size", {10}}, {"lr", {0.1}}, {"seed", {0}}}},
                         {"budget", {{"epochs", 1}}}};
    const CommandResult r = run_config(dir, config);
    INFO(r.output);
    REQUIRE(r.exit_code == 0);
    const auto records = without_timings(dir.file("out/" + name + "/runs.jsonl"));
    const Json& problems = records.back()["problems"][0];
    REQUIRE(problems["train_rows"] == 80);
    REQUIRE(problems["validation_rows"] == 20);
    REQUIRE(records[1].contains("validation_loss"));
  }
  Json bad = {{"name", "x"},
              {"dataset", {{"name", "csv"}, {"path", "data.csv"}, {"preprocess", "whiten"}}}};
  write_text(dir.file("bad.json"), bad.dump());
  REQUIRE_THROWS_WITH(parse_config(dir.file("bad.json")),
                      Contains("/dataset/preprocess: unknown preprocessing \"whiten\""));
}

TEST_CASE("regression_latex_table_dropped_sd_and_reached_and_said_dash_for_missed", "[outputs]") {
  TempDir dir("latex");
  const Json config = small_problem(dir);
  REQUIRE(run_config(dir, config).exit_code == 0);
  const std::string md = read_all(dir.file("out/tiny/summary.md"));
  const std::string tex = read_all(dir.file("out/tiny/summary.tex"));
  // Every Markdown table row is a LaTeX row with the same cells, escaped.
  std::size_t rows = 0;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("| ", 0) != 0) continue;
    ++rows;
    std::string row;
    for (std::size_t at = 2; at < line.size();) {
      const std::size_t end = line.find(" |", at);
      row += (row.empty() ? "" : " & ") + latex_cell(line.substr(at, end - at));
      at = end + 3;
    }
    INFO(line);
    REQUIRE_THAT(tex, Contains(row + " \\\\"));
  }
  REQUIRE(rows == 7);  // the header and 6 cells
  REQUIRE_THAT(tex, Contains("7.50 [7.00, 8.00]") && Contains("missed (0/2)"));
  // A label with "|" stays one Markdown cell; one starting with "[" stays a LaTeX cell.
  Json labelled = config;
  labelled["variants"] = {{{"variant", "nielsen/plain/scalar/seq"}, {"label", "[a|b]"}}};
  labelled["sweep"]["batch_size"] = {50};
  REQUIRE(run_config(dir, labelled).exit_code == 0);
  REQUIRE_THAT(read_all(dir.file("out/tiny/summary.md")),
               Contains("| [a\\|b] [nielsen/plain/scalar/seq] |"));
  REQUIRE_THAT(read_all(dir.file("out/tiny/summary.tex")), Contains("\n{}[a\\textbar{}b]"));
  REQUIRE(latex_cell("s to test_accuracy>=0.9 (2/3) 5 ± 1 – missed 100%") ==
          "s to test\\_accuracy$\\ge$0.9 (2/3) 5 $\\pm$ 1 -- missed 100\\%");
}

TEST_CASE("regression_schema_and_parser_disagreed_on_dataset_options", "[outputs][schema]") {
  // Every property configs/schema.json lists (array items as "*", $ref and oneOf
  // followed), found by walking it.
  const Json schema = read_json_file(SGDBENCH_SOURCE_DIR "/configs/schema.json");
  std::set<std::string> listed;
  std::set<std::string> open_maps;  // objects whose keys the schema leaves to the code
  std::function<void(const Json&, const std::string&, int)> walk =
      [&](const Json& node_in, const std::string& at, int depth) {
        if (depth > 16) return;
        const Json* node = &node_in;
        while (node->contains("$ref")) {
          node = &schema.at(Json::json_pointer(node->at("$ref").get<std::string>().substr(1)));
        }
        for (const char* alternatives : {"oneOf", "anyOf"}) {
          if (node->contains(alternatives)) {
            for (const Json& alt : node->at(alternatives)) walk(alt, at, depth + 1);
          }
        }
        if (node->contains("additionalProperties") && node->at("additionalProperties").is_object())
          open_maps.insert(at);
        if (node->contains("properties")) {
          for (const auto& [key, sub] : node->at("properties").items()) {
            listed.insert(at + "/" + key);
            walk(sub, at + "/" + key, depth + 1);
          }
        }
        if (node->contains("items")) walk(node->at("items"), at + "/*", depth + 1);
      };
  walk(schema, "", 0);
  REQUIRE(listed.size() > 100);

  // Configs that together use every listed property; the parser must accept each.
  const std::vector<std::string> samples = {
      R"({"$schema": "schema.json", "name": "all-a", "description": "d",
          "dataset": {"name": "idx", "label": "L", "images": "i.idx", "labels": "l.idx",
                      "train": 10, "test": 5, "split_seed": 1, "validation": 2,
                      "preprocess": "standardize",
                      "targets": {"test_accuracy": [0.5], "train_loss": [1.0],
                                  "suboptimality": [0.1], "validation_accuracy": [0.5],
                                  "validation_loss": [1.0]}},
          "model": {"init": "xavier", "l2": 0.001},
          "variants": ["mlp/plain/simd/tbb",
                       {"variant": "mlp/plain/simd/tbb", "label": "x", "batch_size": [1],
                        "lr": {"log_grid": {"min": 0.1, "max": 1, "num": 2}},
                        "epochs": 1},
                       {"variant": "mlp/plain/simd/tbb", "label": "y",
                        "lr": {"log_grid": {"min": 0.01, "max": 1, "per_decade": 3}},
                        "schedule": {"type": "step", "every_epochs": 1, "factor": 0.5,
                                     "warmup_epochs": 0.5, "linear_scaling_base_batch": 8},
                        "epochs": 2}],
          "sweep": {"batch_size": [1, "full"], "lr": {"log_grid": {"min": 0.1, "max": 1, "num": 3}},
                    "seed": [0], "widths": [[4, 3, 2]]},
          "budget": {"epochs": 1, "grad_evals": 10, "updates": 10, "seconds": 1,
                     "until_first_target": true},
          "eval": {"every_grad_evals": 5, "record_params": false, "log_per_decade": 4},
          "targets": {"test_accuracy": [0.5], "train_loss": [1.0], "suboptimality": [0.1],
                      "validation_accuracy": [0.5], "validation_loss": [1.0]},
          "tuning": {"seeds": [1], "points": false, "select_by": "train_loss",
                     "bracket": {"max_extensions": 2}},
          "noise_scale": {"b_small": 1, "b_big": 4, "batches": 2},
          "update": {"momentum": 0.9, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "rho": 0.9,
                     "svrg_inner_epochs": 1, "lbfgs_memory": 5},
          "schedule": {"type": "inverse_time", "lambda": 0.1},
          "analyses": ["throughput_fit"],
          "f_star": {"variant": "softmax/lbfgs/simd/tbb", "epochs": 10},
          "conditioning": true,
          "execution": {"threads": 1, "chunk_rows": 16, "divergence_loss": 1e6}})",
      R"({"name": "all-b", "eval": {"every_epochs": 0.5},
          "datasets": [
            {"name": "csv", "label": "c", "path": "x.csv", "header": true, "task": "regression",
             "train": 5, "test": 5, "validation": 1, "preprocess": "scale01", "split_seed": 2,
             "targets": {"train_loss": [1.0], "test_accuracy": [0.5], "suboptimality": [0.1],
                         "validation_accuracy": [0.5], "validation_loss": [1.0]}},
            {"name": "libsvm", "label": "s", "path": "x.svm", "features": 8,
             "task": "classification", "train": 5, "test": 5},
            {"name": "idx", "label": "i", "images": "i.idx", "labels": "l.idx", "train": 5,
             "test": 5},
            {"name": "synthetic-lsq", "label": "q", "train": 10, "test": 5, "d": 3,
             "noise": 0.1, "condition": 10, "seed": 1},
            {"name": "gaussian-mixture", "label": "g", "train": 10, "test": 5, "d": 3,
             "classes": 3, "separation": 2, "seed": 1}],
          "variants": ["mlp/plain/simd/tbb"],
          "sweep": {"batch_size": [1], "lr": [0.1], "seed": [0], "threads": [1], "widths": [[3, 2, 3]]},
          "budget": {"epochs": 1}})",
      R"({"name": "one-csv", "dataset": {"name": "csv", "path": "x.csv", "header": false,
          "task": "classification", "train": 5, "test": 5}, "variants": ["softmax/plain/simd/tbb"],
          "sweep": {"batch_size": [1], "lr": [0.1], "seed": [0]}, "budget": {"epochs": 1}})",
      R"({"name": "one-svm", "dataset": {"name": "libsvm", "path": "x.svm", "features": 4,
          "train": 5, "test": 5}, "variants": ["softmax/plain/simd/tbb"],
          "sweep": {"batch_size": [1], "lr": [0.1], "seed": [0]}, "budget": {"epochs": 1}})",
      R"({"name": "one-gm", "dataset": {"name": "gaussian-mixture", "train": 5, "test": 5,
          "d": 2, "classes": 2, "separation": 1, "seed": 3}, "model": {"widths": [2, 3, 2]},
          "schedule": {"type": "step", "every_epochs": 1, "factor": 0.5, "warmup_epochs": 0.1,
                       "linear_scaling_base_batch": 4},
          "variants": ["mlp/plain/simd/tbb", {"variant": "mlp/plain/simd/tbb", "label": "t",
                       "schedule": {"type": "inverse_time", "lambda": 0.1}}],
          "sweep": {"batch_size": [1], "lr": {"log_grid": {"min": 0.1, "max": 1, "per_decade": 1}}, "seed": [0]}, "budget": {"epochs": 1}})",
      R"({"name": "one-per-target", "dataset": {"name": "gaussian-mixture", "train": 5,
          "test": 5, "d": 2, "classes": 2, "separation": 1, "seed": 3},
          "variants": [{"variant": "softmax/nesterov/simd/tbb", "label": "n",
                        "update": {"momentum": 0.99}}],
          "sweep": {"batch_size": [1], "lr": [0.1], "seed": [0]},
          "budget": {"epochs": 1, "until_all_targets": true},
          "targets": {"test_accuracy": [0.5]},
          "tuning": {"seeds": [1], "select_by": "grad_evals_to_target", "per_target": true}})",
      R"({"name": "one-lsq", "dataset": {"name": "synthetic-lsq", "train": 5, "test": 5,
          "d": 2, "noise": 0.1, "condition": 4}, "variants": ["lsq/plain/simd/tbb"],
          "sweep": {"batch_size": [1], "lr": [0.1], "seed": [0]}, "budget": {"epochs": 1}})"};
  std::set<std::string> used;
  std::function<void(const Json&, const std::string&)> collect = [&](const Json& v,
                                                                     const std::string& at) {
    if (v.is_object()) {
      for (const auto& [key, sub] : v.items()) {
        used.insert(at + "/" + key);
        collect(sub, at + "/" + key);
      }
    } else if (v.is_array()) {
      for (const Json& sub : v) collect(sub, at + "/*");
    }
  };
  TempDir dir("schema");
  std::set<std::string> asked;  // every key the parser looks up
  log_config_keys(&asked);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string file = dir.file(fmt::format("sample{}.json", i));
    write_text(file, samples[i]);
    INFO(samples[i]);
    const Json sample = read_json_file(file);
    collect(sample, "");
    REQUIRE_NOTHROW(parse_config(file));
  }
  for (const auto& entry : std::filesystem::directory_iterator(SGDBENCH_SOURCE_DIR "/configs")) {
    if (entry.path().extension() == ".json" && entry.path().filename() != "schema.json") {
      REQUIRE_NOTHROW(parse_config(entry.path().string()));
    }
  }
  log_config_keys(nullptr);

  // The parser accepts every property the schema lists: the samples use them all.
  for (const std::string& path : listed) {
    // Parents of only-array values ("/sweep/widths") are listed and used as themselves.
    INFO("the schema lists " << path << " but no sample config uses it");
    CHECK(used.count(path) == 1);
  }
  // The parser accepts no key the schema lacks: everything it asks about is listed.
  for (const std::string& key : asked) {
    if (open_maps.count(key.substr(0, key.rfind('/'))) == 1) continue;  // /update: the rules'
    INFO("the parser reads " << key << " but configs/schema.json does not list it");
    CHECK(listed.count(key) == 1);
  }
}

TEST_CASE("unit_the_parser_accepts_every_enum_value_the_schema_lists_and_no_other",
          "[outputs][schema]") {
  const Json schema = read_json_file(SGDBENCH_SOURCE_DIR "/configs/schema.json");
  const Json base = Json::parse(R"({
    "name": "enums", "dataset": {"name": "csv", "path": "x.csv", "task": "classification",
                                 "preprocess": "none"},
    "model": {"init": "xavier"}, "variants": ["softmax/plain/simd/tbb"],
    "sweep": {"batch_size": [1], "lr": [0.1], "seed": [0]}, "budget": {"epochs": 1},
    "targets": {"test_accuracy": [0.5]}, "tuning": {"seeds": [1], "select_by": "train_loss"},
    "analyses": ["throughput_fit"], "schedule": {"type": "constant"}})");
  // Where each enum sits in a config, and where the schema lists its values.
  const std::pair<const char*, const char*> enums[] = {
      {"/dataset/name", "/properties/dataset/properties/name/enum"},
      {"/dataset/preprocess", "/properties/dataset/properties/preprocess/enum"},
      {"/dataset/task", "/properties/dataset/properties/task/enum"},
      {"/model/init", "/properties/model/properties/init/enum"},
      {"/tuning/select_by", "/properties/tuning/properties/select_by/enum"},
      {"/analyses/0", "/properties/analyses/items/enum"},
      {"/schedule/type", "/properties/schedule/properties/type/enum"}};
  TempDir dir("enums");
  const std::string file = dir.file("config.json");
  // The error parse_config gives for `config`, "" if none.
  auto error_of = [&](const Json& config) -> std::string {
    write_text(file, config.dump());
    try {
      parse_config(file);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  std::size_t values = 0;
  for (const auto& [at, listed] : enums) {
    const Json::json_pointer where(at);
    for (const Json& value : schema.at(Json::json_pointer(listed))) {
      Json config = base;
      config[where] = value;
      INFO(at << " = " << value.dump() << ": " << error_of(config));
      // Another field may be missing for this value (idx needs images); this one is fine.
      CHECK_THAT(error_of(config), !Contains(fmt::format(": {}:", at)));
      ++values;
    }
    Json config = base;
    config[where] = "no-such-value";
    CHECK_THAT(error_of(config), Contains(fmt::format(": {}:", at)));
  }
  REQUIRE(values >= 25);
}

TEST_CASE("unit_the_dataset_catalog_and_the_schema_name_the_same_datasets", "[outputs][schema]") {
  const Json schema = read_json_file(SGDBENCH_SOURCE_DIR "/configs/schema.json");
  std::set<std::string> in_schema, in_catalog;
  for (const Json& name : schema["properties"]["dataset"]["properties"]["name"]["enum"]) {
    in_schema.insert(name.get<std::string>());
  }
  for (const std::string_view name : all_dataset_names()) in_catalog.insert(std::string(name));
  REQUIRE(in_catalog.size() >= 9);
  REQUIRE(in_schema == in_catalog);
}

TEST_CASE("unit_update_keys_are_what_the_rules_declare_with_their_ranges", "[outputs][schema]") {
  const Json base = Json::parse(R"({
    "name": "hyper", "dataset": {"name": "synthetic-lsq", "train": 5, "test": 5, "d": 2},
    "variants": ["lsq/plain/simd/tbb"], "sweep": {"batch_size": [1], "lr": [0.1], "seed": [0]},
    "budget": {"epochs": 1}})");
  TempDir dir("hyper");
  const std::string file = dir.file("config.json");
  auto parse = [&](const Json& update) {
    Json config = base;
    config["update"] = update;
    write_text(file, config.dump());
    return parse_config(file);
  };
  const std::vector<HyperParam> declared = compiled_variants().hyper_params();
  REQUIRE(declared.size() >= 7);  // momentum, beta1, beta2, eps, rho, svrg, lbfgs
  // Rules that share a key (eps, momentum) declare it alike: one default, one range.
  for (const VariantInfo& v : compiled_variants().all()) {
    for (const HyperParam& p : v.hyper_params) {
      for (const HyperParam& q : declared) {
        if (q.name != p.name) continue;
        INFO(v.name << " declares " << p.name << " unlike another rule");
        REQUIRE((p.default_value == q.default_value && p.min == q.min && p.max == q.max &&
                 p.integer == q.integer));
      }
    }
  }
  for (const HyperParam& p : declared) {
    const std::string key(p.name);
    INFO(key);
    REQUIRE(parse(Json::object()).update.value(p) == p.default_value);
    const double inside = p.integer ? p.min + 1 : (p.min + p.max) / 2;
    const Json given = p.integer ? Json(static_cast<std::uint64_t>(inside)) : Json(inside);
    REQUIRE(parse(Json{{key, given}}).update.value(p) == inside);
    REQUIRE_THROWS_WITH(parse(Json{{key, p.max * 2 + 1}}), Contains("/update/" + key));
  }
  REQUIRE_THROWS_WITH(parse(Json{{"no_such_hyper_parameter", 1}}),
                      Contains("/update") && Contains("momentum"));
}
