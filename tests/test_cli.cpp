// The sgdbench binary end to end: configs that are wrong get a clear error and a
// non-zero exit before anything is written; a small run writes well-formed results that
// reproduce exactly.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_helpers.hpp"

using namespace sgdbench::test;
using Catch::Matchers::Contains;
using Json = nlohmann::json;

namespace {

/// Runs `config` into dir/out; the plots (matplotlib, seconds a run) only when asked for.
CommandResult run_config(const TempDir& dir, const Json& config, const std::string& out,
                         bool plots = false) {
  write_text(dir.file("config.json"), config.dump(2));
  return run_sgdbench("run " + dir.file("config.json") + " --quiet --out " + dir.file(out) +
                          (plots ? "" : " --no-plots"),
                      dir);
}

std::vector<Json> read_lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  return lines;
}

}  // namespace

TEST_CASE("example_small_run_writes_points_and_runs_that_reproduce", "[cli]") {
  TempDir dir("cli-run");
  const Json config = small_idx_problem(dir);
  const auto first = run_config(dir, config, "a", true);
  INFO(first.output);
  REQUIRE(first.exit_code == 0);
  REQUIRE(run_config(dir, config, "b").exit_code == 0);

  const auto a = read_lines(dir.file("a/tiny/runs.jsonl"));
  const auto b = read_lines(dir.file("b/tiny/runs.jsonl"));
  REQUIRE(a.size() == b.size());
  std::size_t points = 0, runs = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string type = a[i]["type"];
    if (type == "point") {
      ++points;
      for (const char* field : {"variant", "batch_size", "lr", "seed", "epoch", "grad_evals",
                                "updates", "train_seconds", "train_loss", "test_accuracy"}) {
        REQUIRE(a[i].contains(field));
      }
    }
    if (type == "run") {
      ++runs;
      REQUIRE(a[i]["status"] == "ok");
    }
    if (type != "point" && type != "run") continue;
    // Same config and seed: the same losses and accuracies, to the last bit.
    for (const char* field :
         {"train_loss", "test_loss", "test_accuracy", "grad_evals", "updates"}) {
      REQUIRE(a[i][field] == b[i][field]);
    }
  }
  REQUIRE(runs == 2 * 3 * 2);
  REQUIRE(points == runs * 3);  // epochs 0, 1, 2
  // Full batch: one update per epoch; B = 1: one per row.
  for (const Json& line : a) {
    if (line["type"] != "run") continue;
    const std::size_t expected =
        line["batching"] == "full" ? 2 : 2 * (200 / line["batch_size"].get<std::size_t>());
    REQUIRE(line["updates"] == expected);
    REQUIRE(line["grad_evals"] == 400);
  }
  std::ifstream summary(dir.file("a/tiny/summary.md"));
  std::string text((std::istreambuf_iterator<char>(summary)), std::istreambuf_iterator<char>());
  // The config used the alias nielsen/simd/tbb; records carry the canonical name.
  REQUIRE_THAT(text, Contains("| nielsen/plain/simd/tbb | full (200) |"));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("a/tiny/runs.jsonl.partial")));
  // A run draws its plots unless told not to.
  REQUIRE(std::filesystem::is_regular_file(dir.file("a/tiny/plots/test_accuracy_vs_epoch.png")));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("b/tiny/plots")));
}

TEST_CASE("unit_cli_config_errors_name_the_json_path_and_write_nothing", "[cli][hostile]") {
  TempDir dir("cli-bad");
  const Json good = small_idx_problem(dir);
  struct Case {
    std::string what;
    Json config;
    std::string expected;
  };
  std::vector<Case> cases;
  {
    Json c = good;
    c["sweep"].erase("lr");
    cases.push_back({"missing field", c, "/sweep/lr: missing required field"});
  }
  {
    Json c = good;
    c["sweep"]["lr"][0] = "fast";
    cases.push_back({"mistyped field", c, "/sweep/lr/0: expected a number"});
  }
  {
    Json c = good;
    c["budget"]["epochs"] = -1;
    cases.push_back({"negative epochs", c, "/budget/epochs"});
  }
  {
    Json c = good;
    c["sweep"]["learning_rate"] = {1.0};
    cases.push_back({"unknown key", c, "/sweep/learning_rate: unknown field"});
  }
  {
    Json c = good;
    c["sweep"]["batch_size"][1] = 500;
    cases.push_back({"batch larger than the set", c, "/sweep/batch_size/1"});
  }
  {
    Json c = good;
    c["variants"][0] = "nielsen/gpu/magic";
    cases.push_back(
        {"variant not compiled", c, "/variants/0: variant \"nielsen/gpu/magic\" is not compiled"});
  }
  {
    Json c = good;
    c["model"]["widths"][0] = 15;
    cases.push_back({"input width mismatch", c, "/model/widths/0"});
  }
  {
    Json c = good;
    c["model"]["widths"][1] = 4611686018427387904ull;  // would overflow the parameter count
    cases.push_back({"absurd hidden width", c, "/model/widths/1: width"});
  }
  {
    Json c = good;
    c["execution"]["chunk_rows"] = 18446744073709551615ull;
    cases.push_back({"absurd chunk size", c, "/execution/chunk_rows: must be at most"});
  }
  {
    Json c = good;
    c["dataset"]["train"] = 18446744073709551615ull;  // train + test wraps around
    cases.push_back({"train + test overflow", c, "/dataset"});
  }
  {
    Json c = good;
    c["sweep"]["lr"][0] = 1e-50;  // zero in float
    cases.push_back({"learning rate below float range", c, "/sweep/lr/0"});
  }
  {
    Json c = good;
    c["conditioning"] = true;  // a classification problem without /f_star: no w* to measure at
    cases.push_back({"conditioning without an optimum", c, "/conditioning: problem"});
  }
  {
    Json c = good;
    c["conditioning"] = "yes";
    cases.push_back({"conditioning not a boolean", c, "/conditioning"});
  }
  for (const auto& c : cases) {
    INFO(c.what);
    const auto r = run_config(dir, c.config, "out");
    INFO(r.output);
    REQUIRE(r.exit_code != 0);
    REQUIRE_THAT(r.output, Contains("config.json") && Contains(c.expected));
    REQUIRE_FALSE(std::filesystem::exists(dir.file("out")));
  }
}

TEST_CASE("unit_validate_counts_the_cells_the_run_writes", "[cli]") {
  // Issue 39: validate had its own formula (the global batch sizes for every variant,
  // tuning as lrs x (1 + seeds)); it prints plan_sweep's count now. A tuned config with
  // per-variant batch sizes and rates: 2 B x (2 lr x 2 seeds + 2 final) + 1 B x (1 x 2 + 2).
  TempDir dir("cli-count");
  Json config = small_idx_problem(dir);
  config["variants"] = Json::parse(R"([
      {"variant": "nielsen/simd/tbb", "batch_size": [1, "full"], "lr": [1.0, 3.0]},
      {"variant": "nielsen/scalar/seq", "batch_size": [50]}])");
  config["tuning"] = Json::parse(
      R"({"seeds": [5, 6], "select_by": "train_loss", "bracket": {"max_extensions": 0}})");
  write_text(dir.file("config.json"), config.dump(2));
  const auto validate = run_sgdbench("validate " + dir.file("config.json"), dir);
  INFO(validate.output);
  REQUIRE(validate.exit_code == 0);
  CHECK_THAT(validate.output, Contains("16 run cells planned"));
  const auto r = run_config(dir, config, "out");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  std::size_t runs = 0;
  for (const Json& line : read_lines(dir.file("out/tiny/runs.jsonl"))) {
    runs += line.value("type", "") == "run";
  }
  CHECK(runs == 16);
}

TEST_CASE("unit_conditioning_records_the_hessian_extremes_and_tables_them", "[cli]") {
  TempDir dir("cli-kappa");
  const Json config = {
      {"name", "kappa"},
      {"dataset",
       {{"name", "synthetic-lsq"}, {"train", 500}, {"test", 100}, {"d", 8}, {"condition", 30}}},
      {"model", {{"l2", 0.01}}},
      {"variants", {"lsq/plain/simd/tbb"}},
      {"sweep", {{"batch_size", {"full"}}, {"lr", {0.5}}, {"seed", {0}}}},
      {"budget", {{"epochs", 2}}},
      {"conditioning", true}};
  const auto r = run_config(dir, config, "out");
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  Json hessian;
  for (const Json& line : read_lines(dir.file("out/kappa/runs.jsonl"))) {
    if (line.value("type", "") == "problems") hessian = line["problems"][0]["hessian"];
  }
  REQUIRE(hessian.is_object());
  const double top = hessian["top"], bottom = hessian["bottom"], kappa = hessian["kappa"];
  CHECK(hessian["converged"] == true);
  CHECK(bottom >= 0.01);  // ∇²F ⪰ λI
  CHECK(kappa == Approx(top / bottom));
  CHECK(kappa > 3.0);  // the generator's spread of column scales is there
  const double m = hessian["nesterov_momentum"];
  CHECK(m == Approx((std::sqrt(kappa) - 1) / (std::sqrt(kappa) + 1)));
  std::ifstream summary(dir.file("out/kappa/summary.md"));
  const std::string md((std::istreambuf_iterator<char>(summary)), {});
  CHECK_THAT(md, Contains("Conditioning at the optimum") && Contains("| λ_max |"));
}

// Issue 42, rows 1 and 2: configs that ran "successfully" into a wrong or empty result are
// refused at validate (so before run writes anything), naming the path.
TEST_CASE("regression_repeated_sweep_values_ran_the_same_cells_twice_and_tabled_them",
          "[cli][hostile]") {
  TempDir dir("cli-repeats");
  const Json good = small_idx_problem(dir);
  const std::pair<std::function<void(Json&)>, std::string> cases[] = {
      {[](Json& c) {
         c["sweep"]["batch_size"] = {10, 10};
       },
       "/sweep/batch_size/1: batch size 10 is already at /sweep/batch_size/0"},
      {[](Json& c) {
         c["sweep"]["batch_size"] = {"full", 5, "full"};
       },
       "/sweep/batch_size/2: batch size full is already at /sweep/batch_size/0"},
      {[](Json& c) {
         c["sweep"]["lr"] = {0.1, 0.1};
       },
       "/sweep/lr/1: learning rate 0.1 is already at /sweep/lr/0"},
      // Two doubles that train as the same float.
      {[](Json& c) {
         c["sweep"]["lr"] = {0.1, 0.1000000001};
       },
       "/sweep/lr/1: learning rate"},
      {[](Json& c) {
         c["sweep"]["lr"] = Json::parse(R"({"log_grid": {"min": 1, "max": 1, "num": 3}})");
       },
       "/sweep/lr/log_grid/1: learning rate 1 is already at /sweep/lr/log_grid/0"},
      {[](Json& c) {
         c["sweep"]["seed"] = {0, 1, 0};
       },
       "/sweep/seed/2: 0 is already at /sweep/seed/0"},
      {[](Json& c) {
         c["sweep"]["threads"] = {2, 2};
       },
       "/sweep/threads/1: 2 is already at /sweep/threads/0"},
      {[](Json& c) {
         c["variants"][0] = Json{{"variant", "nielsen/simd/tbb"}, {"lr", {1.0, 1.0}}};
       },
       "/variants/0/lr/1: learning rate 1 is already at /variants/0/lr/0"},
  };
  for (const auto& [mutate, expected] : cases) {
    Json c = good;
    mutate(c);
    write_text(dir.file("config.json"), c.dump(2));
    const auto r = run_sgdbench("validate " + dir.file("config.json"), dir);
    INFO(c["sweep"].dump() << "\n" << r.output);
    REQUIRE(r.exit_code == 1);
    REQUIRE_THAT(r.output, Contains("config.json: " + expected));
  }
}

// Issue 42, row 7: a typo in a variant object was told "known here: variant" (the fields
// present), not the fields valid there.
TEST_CASE("regression_a_misspelt_field_was_told_only_the_fields_present", "[cli][hostile]") {
  TempDir dir("cli-typo");
  Json c = small_idx_problem(dir);
  c["variants"][0] = Json{{"variant", "nielsen/simd/tbb"}, {"batchsize", {10}}};
  write_text(dir.file("config.json"), c.dump(2));
  auto r = run_sgdbench("validate " + dir.file("config.json"), dir);
  INFO(r.output);
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("config.json: /variants/0/batchsize: unknown field: did you "
                                  "mean \"batch_size\"? (valid here: batch_size, epochs, label, "
                                  "lr, schedule, update, variant)"));
  c = small_idx_problem(dir);
  c["sweep"]["zzz"] = 1;  // nothing close: no guess, still every valid field
  write_text(dir.file("config.json"), c.dump(2));
  r = run_sgdbench("validate " + dir.file("config.json"), dir);
  INFO(r.output);
  REQUIRE_THAT(r.output, Contains("/sweep/zzz: unknown field (valid here: batch_size, lr, seed, "
                                  "threads, widths)"));
}

// Issue 42, row 4: a synthetic problem larger than the machine's memory ended in
// "unexpected error: std::bad_alloc" (exit 2, no field named).
TEST_CASE("regression_a_synthetic_problem_larger_than_memory_was_a_bad_alloc", "[cli][hostile]") {
  TempDir dir("cli-memory");
  const Json c = Json::parse(R"({
    "name": "huge",
    "dataset": {"name": "synthetic-lsq", "train": 100000, "test": 1000, "d": 65536},
    "variants": ["lsq/plain/simd/tbb"],
    "sweep": {"batch_size": [10], "lr": [0.01], "seed": [0]},
    "budget": {"epochs": 1}
  })");
  const auto r = run_config(dir, c, "out");
  INFO(r.output);
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output, Contains("config.json: /dataset: synthetic-lsq with d = 65536 and 101000 "
                                  "rows needs about") &&
                             Contains("GiB for the exact optimum's d x d solve"));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out")));
}

TEST_CASE("regression_lbfgs_given_mini_batches_ran_no_cell_and_wrote_an_empty_table",
          "[cli][hostile]") {
  TempDir dir("cli-no-cell");
  Json c = small_idx_problem(dir);
  c.erase("model");  // softmax takes its widths from the data
  c["variants"] = {"softmax/lbfgs/simd/tbb"};
  c["sweep"]["batch_size"] = {10};
  auto r = run_config(dir, c, "out");
  INFO(r.output);
  REQUIRE(r.exit_code == 1);
  REQUIRE_THAT(r.output,
               Contains("config.json: /variants/0: softmax/lbfgs/simd/tbb runs on the full batch "
                        "only, so its batch sizes (10, from /sweep/batch_size) give it no cell"));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out")));
  // Its own batch size makes it runnable beside mini-batch methods.
  c["variants"] = {"softmax/plain/simd/tbb",
                   Json{{"variant", "softmax/lbfgs/simd/tbb"}, {"batch_size", {"full"}}}};
  write_text(dir.file("config.json"), c.dump(2));
  r = run_sgdbench("validate " + dir.file("config.json"), dir);
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
}

TEST_CASE("unit_cli_bad_data_files_and_bad_json_give_file_and_offset", "[cli][hostile]") {
  TempDir dir("cli-data");
  const Json config = small_idx_problem(dir);
  auto images = idx_images(300, 4, 4);
  images.resize(10);  // cut inside the header
  write_bytes(dir.file("images.idx"), images);
  auto r = run_config(dir, config, "out");
  REQUIRE(r.exit_code != 0);
  REQUIRE_THAT(r.output, Contains("images.idx") && Contains("byte offset 10"));

  write_text(dir.file("broken.json"), "{\"name\": \"x\",\n \"dataset\": }");
  r = run_sgdbench("validate " + dir.file("broken.json"), dir);
  REQUIRE(r.exit_code != 0);
  REQUIRE_THAT(r.output, Contains("broken.json: invalid JSON at byte offset"));

  write_text(dir.file("overflow.json"), "{\"name\": 1e400}");
  r = run_sgdbench("validate " + dir.file("overflow.json"), dir);
  REQUIRE(r.exit_code == 1);  // a clear error, not the "unexpected error" exit 2
  REQUIRE_THAT(r.output, Contains("overflow.json: invalid JSON"));
  REQUIRE_FALSE(std::filesystem::exists(dir.file("out")));
}

TEST_CASE("cli_throughput_prints_samples_per_second_and_refuses_bad_flags", "[cli]") {
  TempDir dir("throughput");
  const auto ok = run_sgdbench(
      "throughput --variant nielsen/plain/simd/tbb --dataset mnist --widths 784,30,10 "
      "--batch 10 --seconds 0.05",
      dir);
  INFO(ok.output);
  REQUIRE(ok.exit_code == 0);
  const Json r = Json::parse(ok.output);
  REQUIRE(r["batch_size"] == 10);
  REQUIRE(r["samples_per_s"].get<double>() > 0.0);
  REQUIRE(r["steps"].get<std::uint64_t>() * 10 == r["samples"].get<std::uint64_t>());
  REQUIRE(r["storage"] == "floats");  // the npm digits are floats; IDX pixels stay bytes

  const auto peak = run_sgdbench("throughput --peak-flops", dir);
  REQUIRE(peak.exit_code == 0);
  const Json peak_json = Json::parse(peak.output);
  REQUIRE(peak_json["gflops"].get<double>() > 0.1);
  // The nominal peak beside the rate: ports × lanes × 2 × GHz, and the rate's fraction of it.
  const double nominal = peak_json["nominal_gflops"].get<double>();
  REQUIRE(peak_json["fma_ports"].get<int>() >= 1);
  REQUIRE(nominal > 0.0);
  REQUIRE(peak_json["fraction_of_nominal"].get<double>() ==
          Approx(peak_json["gflops"].get<double>() / nominal));

  const auto bad_batch = run_sgdbench(
      "throughput --variant nielsen/plain/simd/tbb --dataset mnist --widths 784,30,10 "
      "--batch ten",
      dir);
  REQUIRE(bad_batch.exit_code != 0);
  REQUIRE_THAT(bad_batch.output, Contains("--batch must be a positive integer or full"));
  const auto bad_variant = run_sgdbench("throughput --variant no/such/variant", dir);
  REQUIRE(bad_variant.exit_code != 0);
  REQUIRE_THAT(bad_variant.output, Contains("no compiled variant named 'no/such/variant'"));
  const auto bad_data =
      run_sgdbench("throughput --variant softmax/plain/simd/tbb --dataset cifar", dir);
  REQUIRE(bad_data.exit_code != 0);
  REQUIRE_THAT(bad_data.output,
               Contains("--dataset must be a built-in image set (mnist, fashion-mnist)"));
  REQUIRE(run_sgdbench("throughput --peak-flops --threads 0", dir).exit_code != 0);
}

#ifdef SGDBENCH_WITH_BLAS
// OpenBLAS picks per-CPU kernels as it loads; `run` pins them (kPinnedOpenBlasCore) so that
// the blas variants' losses reproduce on AMD and Intel alike, and machine.json says which
// ran. Two runs of the same config, pinned and on another core type, give different losses:
// the pin is what makes them agree across CPUs.
TEST_CASE("cli_run_pins_openblas_kernels_and_records_them", "[cli]") {
  if (__builtin_cpu_supports("avx2") == 0 || __builtin_cpu_supports("fma") == 0) {
    WARN("no AVX2 and FMA: sgdbench leaves OpenBLAS's choice alone here");
    return;
  }
  // A value set around the test suite would be kept by sgdbench: cleared here, restored at
  // the end.
  const char* outer = std::getenv("OPENBLAS_CORETYPE");
  const std::string saved = outer == nullptr ? "" : outer;
  unsetenv("OPENBLAS_CORETYPE");
  struct Restore {
    std::string value;
    ~Restore() {
      if (value.empty()) {
        unsetenv("OPENBLAS_CORETYPE");
      } else {
        setenv("OPENBLAS_CORETYPE", value.c_str(), 1);
      }
    }
  } restore{saved};
  TempDir dir("openblas-pin");
  Json config = small_idx_problem(dir);
  config["variants"] = {"nielsen/plain/blas/seq"};
  config["sweep"]["batch_size"] = {"full"};
  config["sweep"]["seed"] = {0};
  const auto pinned = run_config(dir, config, "pinned");
  INFO(pinned.output);
  REQUIRE(pinned.exit_code == 0);
  const auto machine = [&](const std::string& out) {
    std::ifstream in(dir.file(out + "/tiny/machine.json"));
    return Json::parse(in);
  };
  REQUIRE(machine("pinned")["openblas_core"] == "Haswell");

  // A user's own choice is kept (Sandybridge: AVX kernels, on any CPU with AVX2).
  setenv("OPENBLAS_CORETYPE", "Sandybridge", 1);
  const auto own = run_config(dir, config, "own");
  unsetenv("OPENBLAS_CORETYPE");
  REQUIRE(own.exit_code == 0);
  REQUIRE(machine("own")["openblas_core"] == "Sandybridge");
  const auto a = read_lines(dir.file("pinned/tiny/runs.jsonl"));
  const auto b = read_lines(dir.file("own/tiny/runs.jsonl"));
  REQUIRE(a.size() == b.size());
  bool differ = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i]["type"] == "point") differ = differ || a[i]["train_loss"] != b[i]["train_loss"];
  }
  REQUIRE(differ);
}
#endif
