// Issue 38: `sgdbench verify` re-renders what a results folder shows beyond its tables (the
// analyses plot.py writes, the README's generated section) and names an edited one.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.hpp"
#include "records/report.hpp"
#include "sweep/experiment.hpp"
#include "test_helpers.hpp"
#include "verify/verify.hpp"

using namespace sgdbench;
using namespace sgdbench::test;
using Catch::Matchers::Contains;

namespace {

namespace fs = std::filesystem;

/// Steps to 60 % test accuracy against B on a Gaussian mixture, with the batch-scaling fit.
Json scaling_config() {
  return Json::parse(R"({
    "name": "tiny-scaling",
    "dataset": {"name": "gaussian-mixture", "train": 300, "test": 100, "d": 6, "classes": 4,
                "separation": 1.5, "seed": 1},
    "variants": ["softmax/plain/simd/tbb"],
    "sweep": {"batch_size": [1, 4, 16, 64], "lr": [0.3], "seed": [0, 1]},
    "budget": {"epochs": 4},
    "eval": {"every_epochs": 0.25, "log_per_decade": 4},
    "targets": {"test_accuracy": [0.6]},
    "analyses": ["batch_scaling_fit"],
    "execution": {"threads": 2, "chunk_rows": 16}
  })");
}

/// Runs the config into ROOT/results/<name> (ROOT/configs/ holding the config) and returns
/// the results folder.
std::string run_into(const fs::path& root, const Json& config) {
  fs::create_directories(root / "configs");
  const fs::path file = root / "configs" / (config["name"].get<std::string>() + ".json");
  write_text(file.string(), config.dump(2));
  RunOptions options;
  options.out_root = (root / "results").string();
  options.progress = false;
  options.plots = true;  // the analyses are written with the plots
  run_experiment(parse_config(file.string()), options);
  return (root / "results" / config["name"].get<std::string>()).string();
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Appends one character after `marker`'s first occurrence in a file.
void edit_after(const fs::path& path, const std::string& marker) {
  std::string text = read_text(path);
  const auto at = text.find(marker);
  REQUIRE(at != std::string::npos);
  text.insert(at + marker.size(), "9");
  write_text(path.string(), text);
}

}  // namespace

TEST_CASE("regression_verify_passed_an_edited_batch_scaling_fit", "[verify][renders]") {
  TempDir dir("verify-fit");
  const std::string results = run_into(dir.path(), scaling_config());
  REQUIRE(fs::exists(fs::path(results) / "batch_scaling_fit.md"));
  RunOptions options;
  options.progress = false;
  const VerifyResult clean = verify_results(results, options);
  INFO(clean.report);
  REQUIRE(clean.mismatches == 0);

  edit_after(fs::path(results) / "batch_scaling_fit.md", "| ");
  const VerifyResult r = verify_results(results, options);
  REQUIRE(r.mismatches == 1);
  REQUIRE_THAT(r.report, Contains("batch_scaling_fit.md: differs from a re-rendering"));
}

TEST_CASE("regression_verify_passed_an_edited_readme_results_section", "[verify][renders]") {
  TempDir dir("verify-readme");
  const std::string results = run_into(dir.path(), scaling_config());
  // Pages whose generated blocks are what readme_results.py renders for this tree: the
  // README's headline and docs/results.md's section.
  write_text(dir.file("README.md"),
             "# A repository\n\n<!-- headline:begin -->\n<!-- headline:end -->\n");
  std::filesystem::create_directories(dir.path() / "docs");
  write_text(dir.file("docs/results.md"),
             "# Results\n\n<!-- results:begin -->\n<!-- results:end -->\n");
  const std::string render = "/usr/bin/python3 " SGDBENCH_SOURCE_DIR
                             "/bench/scripts/readme_results.py '" +
                             dir.path().string() + "'";
  REQUIRE(std::system(render.c_str()) == 0);
  RunOptions options;
  options.progress = false;
  const VerifyResult clean = verify_results(results, options);
  INFO(clean.report);
  REQUIRE(clean.mismatches == 0);

  edit_after(dir.path() / "docs/results.md", "<!-- results:begin -->\nGenerated");
  const VerifyResult r = verify_results(results, options);
  REQUIRE(r.mismatches == 1);
  REQUIRE_THAT(r.report, Contains("docs/results.md: its results section differs"));

  REQUIRE(std::system(render.c_str()) == 0);  // restored; now the README's headline
  edit_after(dir.path() / "README.md", "<!-- headline:begin -->\nGenerated");
  const VerifyResult h = verify_results(results, options);
  REQUIRE(h.mismatches == 1);
  REQUIRE_THAT(h.report, Contains("README.md: its results section differs"));
}
