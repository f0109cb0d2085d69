// Statistics over seeds (issue 11, "censoring and uncertainty"): a miss is a censored
// time, not a missing one, and every mean or median carries a bootstrap interval.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "config/json_reader.hpp"
#include "records/report.hpp"
#include "records/seed_stats.hpp"

using namespace sgdbench;
using Catch::Matchers::Contains;

namespace {

const double kInf = std::numeric_limits<double>::infinity();

/// The records of one cell over seeds, each reaching "test_accuracy>=0.5" after the
/// given seconds (+∞: missed).
std::vector<Json> cell_records(const std::vector<double>& seconds) {
  std::vector<Json> records;
  records.push_back({{"type", "experiment"},
                     {"experiment", "censoring"},
                     {"targets", {"test_accuracy>=0.5"}},
                     {"config", {{"description", ""}}}});
  for (std::size_t seed = 0; seed < seconds.size(); ++seed) {
    Json hit = std::isinf(seconds[seed]) ? Json{{"missed", true}}
                                         : Json{{"seconds", seconds[seed]},
                                                {"epochs", 1.0},
                                                {"updates", 100},
                                                {"grad_evals", 100}};
    records.push_back({{"type", "run"},
                       {"variant", "softmax/plain/simd/tbb"},
                       {"batching", "mini"},
                       {"batch_size", 10},
                       {"lr", 0.1},
                       {"threads", 1},
                       {"seed", seed},
                       {"status", "ok"},
                       {"train_loss", 0.5},
                       {"test_accuracy", 0.6},
                       {"train_seconds", 1.0},
                       {"samples_per_second", 1000.0},
                       {"targets", {{"test_accuracy>=0.5", hit}}}});
  }
  return records;
}

/// The table's cell under "s to test_accuracy>=0.5".
std::string seconds_cell(const std::vector<Json>& records) {
  const std::string md = make_tables(records).markdown;
  const auto header = md.find("| variant");
  const auto row = md.find("| softmax/plain", header);
  const auto cells = [](const std::string& line) {
    std::vector<std::string> out;
    std::size_t at = 1;
    for (std::size_t bar; (bar = line.find(" |", at)) != std::string::npos; at = bar + 2) {
      out.push_back(line.substr(at + 1, bar - at - 1));
    }
    return out;
  };
  const auto names = cells(md.substr(header, md.find('\n', header) - header));
  const auto values = cells(md.substr(row, md.find('\n', row) - row));
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == "s to test_accuracy>=0.5") return values.at(i);
  }
  FAIL("no seconds column in\n" << md);
  return {};
}

}  // namespace

TEST_CASE("unit_bootstrap_intervals_hold_the_estimate_and_reproduce", "[stats]") {
  const std::vector<double> v = {1.0, 2.0, 3.0, 4.0, 10.0};
  const Estimate m = mean_estimate(v);
  REQUIRE(m.value == Approx(4.0));
  REQUIRE(m.lo < m.value);
  REQUIRE(m.hi > m.value);
  REQUIRE(m.lo >= 1.0);
  REQUIRE(m.hi <= 10.0);
  const Estimate again = mean_estimate(v);
  REQUIRE(again.lo == m.lo);
  REQUIRE(again.hi == m.hi);
  const Estimate same = mean_estimate({2.5, 2.5, 2.5});
  REQUIRE(same.lo == 2.5);
  REQUIRE(same.hi == 2.5);
  REQUIRE(mean_estimate({}).n == 0);
}

TEST_CASE("unit_a_censored_median_counts_a_miss_as_never", "[stats]") {
  const Estimate one_miss = censored_median({1.0, 3.0, kInf});
  REQUIRE(one_miss.value == 3.0);
  REQUIRE(std::isinf(one_miss.hi));  // resamples can draw two misses
  REQUIRE(one_miss.lo == 1.0);
  REQUIRE(std::isinf(censored_median({1.0, kInf, kInf}).value));
  REQUIRE(std::isinf(censored_median({1.0, 2.0, kInf, kInf}).value));
  REQUIRE(censored_median({1.0, 2.0, 3.0, kInf}).value == 2.5);
}

TEST_CASE("regression_target_columns_averaged_only_the_seeds_that_reached", "[stats]") {
  // One seed of three reached the target, after 0.01 s. The old table printed
  // "0.01 ± 0 (1/3)", the time of a lucky seed; the median seed never reached it.
  REQUIRE(seconds_cell(cell_records({0.01, kInf, kInf})) == "missed (1/3)");
  // Two of three: the median is the slower of the two, and the misses make the upper
  // bound of its interval infinite.
  REQUIRE(seconds_cell(cell_records({0.01, 0.03, kInf})) == "0.03 [0.01, ∞] (2/3)");
  const std::string all = seconds_cell(cell_records({0.01, 0.02, 0.03, 0.04, 0.05}));
  REQUIRE_THAT(all, Contains("0.03 [") && Contains("(5/5)"));
  // LaTeX and CSV carry the same: the interval and reached/runs.
  const Tables t = make_tables(cell_records({0.01, 0.03, kInf}));
  REQUIRE_THAT(t.latex, Contains("0.03 [0.01, $\\infty$] (2/3)"));
  REQUIRE_THAT(t.csv, Contains(",2/3,0.03,0.01,inf,"));
}
