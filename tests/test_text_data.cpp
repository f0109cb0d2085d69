// CSV and LIBSVM data, preprocessing and splits; the hostile-input corpus for both text
// formats and for the config reader. Every bad input gets an Error naming the source and
// the line (or byte offset, or JSON path); none crashes.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "data/dataset.hpp"
#include "data/text_table.hpp"
#include "test_helpers.hpp"
#include "util/error.hpp"

using namespace sgdbench;
using namespace sgdbench::test;
using Catch::Matchers::Contains;

namespace {
/// parse_csv's error on `text` (as bad.csv, a classification set), or "no error".
std::string csv_error(std::string_view text, bool header = false) {
  try {
    parse_csv(text, "bad.csv", Task::kClassification, header);
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return "no error";
}
/// parse_libsvm's error on `text` (as bad.svm), or "no error".
std::string svm_error(std::string_view text, std::size_t features = 0) {
  try {
    parse_libsvm(text, "bad.svm", Task::kClassification, features);
  } catch (const Error& e) {
    return std::string(e.what());
  }
  return "no error";
}
}  // namespace

TEST_CASE("unit_csv_reads_labels_and_features_and_maps_labels", "[loaders]") {
  const Dataset d = parse_csv("label,a,b\n-1,0.5,2\n1,1e-3,-4\n-1, 3 ,5\r\n\n", "t.csv",
                              Task::kClassification, true);
  REQUIRE(d.rows == 3);
  REQUIRE(d.cols == 2);
  REQUIRE(d.classes == 2);
  REQUIRE(d.y == std::vector<std::uint8_t>{0, 1, 0});  // −1 → 0, +1 → 1
  REQUIRE(d.x[2] == Approx(1e-3f));
  REQUIRE(d.x[4] == 3.0f);
  const Dataset r = parse_csv("0.5,1\n-2.25,2\n", "r.csv", Task::kRegression, false);
  REQUIRE(r.is_regression());
  REQUIRE(r.targets == std::vector<float>{0.5f, -2.25f});
}

// Issue 42, row 3: labels parsed as floats made 16777216 and 16777217 one class (float has
// 24 bits), and the run reported test accuracy 1.0.
TEST_CASE("regression_class_labels_above_2_to_the_24_were_merged_into_one_class",
          "[loaders][hostile]") {
  const Dataset d =
      parse_csv("16777216,1\n16777217,2\n16777216,3\n", "big.csv", Task::kClassification, false);
  REQUIRE(d.classes == 2);
  REQUIRE(d.y == std::vector<std::uint8_t>{0, 1, 0});
  const Dataset s =
      parse_libsvm("16777217 1:1\n16777216 1:2\n", "big.svm", Task::kClassification, 0);
  REQUIRE(s.y == std::vector<std::uint8_t>{1, 0});
  REQUIRE_THAT(csv_error("1,1\n1e300,2\n"),
               Contains("bad.csv: line 2, field 1: class label 1e300 is out of range"));
  // 2^53 + 1 reads as the double 2^53: it would merge with 9007199254740992.
  REQUIRE_THAT(csv_error("9007199254740992,1\n9007199254740993,2\n"),
               Contains("bad.csv: line 1, field 1: class label 9007199254740992 is out of range"));
  REQUIRE_THAT(csv_error("1,1\n16777217.5,2\n"),
               Contains("bad.csv: line 2, field 1: class label 16777217.5 is not an integer"));
  REQUIRE_THAT(csv_error("x,1\n"),
               Contains("bad.csv: line 1, field 1: label is not a finite number"));
}

TEST_CASE("unit_libsvm_reads_sparse_rows_densely", "[loaders]") {
  const Dataset d = parse_libsvm("+1 1:0.5 3:2 # comment\n-1 2:1\n\n+1 3:-1\n", "t.svm",
                                 Task::kClassification, 0);
  REQUIRE(d.rows == 3);
  REQUIRE(d.cols == 3);
  REQUIRE(std::vector<float>(d.x.data(), d.x.data() + 9) ==
          std::vector<float>{0.5f, 0, 2, 0, 1, 0, 0, 0, -1});
  REQUIRE(d.y == std::vector<std::uint8_t>{1, 0, 1});
  REQUIRE(parse_libsvm("1 1:1\n", "w.svm", Task::kClassification, 5).cols == 5);
}

TEST_CASE("unit_hostile_csv_inputs_name_the_line_and_field", "[loaders][hostile]") {
  REQUIRE_THAT(csv_error("1,2,3\n0,1\n"),
               Contains("bad.csv: line 2: 2 fields, the first data line has 3"));
  REQUIRE_THAT(csv_error("1,2,x\n"),
               Contains("bad.csv: line 1, field 3: not a finite number: \"x\""));
  REQUIRE_THAT(csv_error("1,2,nan\n"), Contains("line 1, field 3"));
  REQUIRE_THAT(csv_error("1,2,1e999\n"), Contains("line 1, field 3"));
  REQUIRE_THAT(csv_error("1.5,2\n"),
               Contains("line 1, field 1: class label 1.5 is not an integer"));
  REQUIRE_THAT(csv_error(""), Contains("bad.csv: no data rows"));
  REQUIRE_THAT(csv_error("", true), Contains("bad.csv: empty file, expected a header"));
  REQUIRE_THAT(csv_error("3\n"), Contains("line 1: a label and at least one feature needed"));
  REQUIRE_THAT(csv_error("1,,2\n"), Contains("line 1, field 2"));
  std::string many;
  for (int i = 0; i < 300; ++i) many += std::to_string(i) + ",1\n";
  REQUIRE_THAT(csv_error(many), Contains("300 distinct class labels, at most 256"));
}

TEST_CASE("unit_hostile_libsvm_inputs_name_the_line_and_token", "[loaders][hostile]") {
  REQUIRE_THAT(svm_error("1 3:1 2:1\n"), Contains("bad.svm: line 1, token 3: index 2 after 3"));
  REQUIRE_THAT(svm_error("1 2:1 2:1\n"), Contains("strictly increasing"));
  REQUIRE_THAT(svm_error("1 0:1\n"), Contains("index 0 after 0: indices are 1-based"));
  REQUIRE_THAT(svm_error("1 4:1\n", 3), Contains("index 4 beyond the 3 features allowed"));
  REQUIRE_THAT(svm_error("1 99999999:1\n"), Contains("beyond the 1048576 features allowed"));
  REQUIRE_THAT(svm_error("1 1-1\n"), Contains("line 1, token 2: expected index:value"));
  REQUIRE_THAT(svm_error("1 1:x\n"), Contains("expected index:value, got \"1:x\""));
  REQUIRE_THAT(svm_error("a 1:1\n"), Contains("line 1, token 1: label is not a finite number"));
  REQUIRE_THAT(svm_error("\n\n1 1:1\n2 x\n"), Contains("line 4, token 2"));
  REQUIRE_THAT(svm_error("# only a comment\n"), Contains("no data rows"));
}

TEST_CASE("unit_hostile_files_directories_and_non_utf8_json", "[loaders][hostile]") {
  TempDir dir("hostile");
  REQUIRE_THROWS_WITH(load_csv(dir.path().string(), Task::kClassification, false),
                      Contains("is a directory"));
  REQUIRE_THROWS_WITH(load_libsvm(dir.file("missing.svm"), Task::kClassification, 0),
                      Contains("missing.svm: cannot open"));
  // A config whose string holds Latin-1 bytes is not UTF-8: a parse error with its offset.
  write_bytes(dir.file("latin1.json"),
              {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', 0xE9, '"', '}'});
  REQUIRE_THROWS_WITH(read_json_file(dir.file("latin1.json")),
                      Contains("latin1.json: invalid JSON at byte offset 10"));
  write_text(dir.file("empty.json"), "");
  REQUIRE_THROWS_WITH(read_json_file(dir.file("empty.json")), Contains("empty.json: invalid JSON"));
  write_text(dir.file("array.json"), "[1, 2]");
  REQUIRE_THROWS_WITH(parse_config(dir.file("array.json")),
                      Contains("array.json: /: expected an object"));
}

TEST_CASE("unit_preprocessing_uses_training_statistics_only", "[loaders]") {
  Split s;
  for (Dataset* d : {&s.train, &s.test}) {
    d->cols = 2;
    d->classes = 2;
  }
  s.train.rows = 3;
  s.train.x.resize(6);
  const float train[] = {0, 10, 2, 10, 4, 10};  // feature 2 is constant
  std::copy(train, train + 6, s.train.x.data());
  s.test.rows = 1;
  s.test.x.resize(2);
  s.test.x[0] = 6;
  s.test.x[1] = 11;
  Split standardized = s, centred = s;
  preprocess(standardized, Preprocess::kStandardize);
  // Issue 38: one global scale, the pooled deviation of the centred features ({-2, 0, 2}
  // and {0, 0, 0}: sqrt(8 / 6)), so a near-constant feature is not blown up.
  preprocess(centred, Preprocess::kCenterGlobalScale);
  const double pooled = std::sqrt(8.0 / 6.0);
  REQUIRE(centred.train.x[0] == Approx(-2.0 / pooled));
  REQUIRE(centred.train.x[1] == 0.0f);
  REQUIRE(centred.test.x[0] == Approx(4.0 / pooled));
  REQUIRE(centred.test.x[1] == Approx(1.0 / pooled));  // the same scale for every feature
  const double sd = std::sqrt(8.0 / 3.0);              // of {0, 2, 4}
  REQUIRE(standardized.train.x[0] == Approx(-2.0 / sd));
  REQUIRE(standardized.train.x[1] == 0.0f);             // constant: centred, not scaled
  REQUIRE(standardized.test.x[0] == Approx(4.0 / sd));  // train mean and sd
  REQUIRE(standardized.test.x[1] == 1.0f);
  preprocess(s, Preprocess::kScale01);
  REQUIRE(s.train.x[4] == 1.0f);
  REQUIRE(s.test.x[0] == 1.5f);  // test values may leave [0, 1]: train min and max
}

TEST_CASE("unit_split_by_seed_is_disjoint_and_reproducible", "[loaders]") {
  Dataset pool;
  pool.rows = 100;
  pool.cols = 1;
  pool.classes = 2;
  pool.x.resize(100);
  for (std::size_t i = 0; i < 100; ++i) {
    pool.x[i] = static_cast<float>(i);
    pool.y.push_back(static_cast<std::uint8_t>(i % 2));
  }
  const Split a = split_by_seed(pool, 60, 25, 3, 15), b = split_by_seed(pool, 60, 25, 3, 15);
  std::vector<int> seen(100, 0);
  for (const Dataset* d : {&a.train, &a.test, &a.validation}) {
    for (std::size_t i = 0; i < d->rows; ++i) ++seen[static_cast<std::size_t>(d->x[i])];
  }
  for (int v : seen) REQUIRE(v == 1);
  REQUIRE(std::equal(a.test.x.data(), a.test.x.data() + 25, b.test.x.data()));
  REQUIRE_THROWS_WITH(split_by_seed(pool, 60, 30, 3, 15), Contains("cannot split 100 rows"));
}

// Found by the fuzz targets (tests/fuzz/findings/): each now an error, not a crash.
TEST_CASE("unit_fuzz_finding_long_config_name_is_an_error_not_a_stack_overflow", "[hostile]") {
  TempDir dir("longname");
  write_text(dir.file("long.json"), "{\"name\": \"" + std::string(100000, 'a') + "\"}");
  REQUIRE_THROWS_WITH(parse_config(dir.file("long.json")),
                      Contains("/name: must be a folder name"));
}

TEST_CASE("unit_fuzz_finding_libsvm_cannot_ask_for_gigabytes", "[hostile]") {
  // 2 KB of rows with an index near 2^20: dense it would be 4 GiB.
  std::string text;
  for (int i = 0; i < 300; ++i) text += "1 1048575:1\n";
  REQUIRE_THROWS_WITH(parse_libsvm(text, "big.svm", Task::kClassification, 0),
                      Contains("exceed the dense limit"));
}
