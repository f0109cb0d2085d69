#pragma once
// Running a config from a test and reading what it wrote (the harness and per-target tests).
#include <fstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "sweep/experiment.hpp"
#include "test_helpers.hpp"

namespace sgdbench::test {

/// Writes `config` to DIR/config.json and runs it into DIR/out; its records.
inline std::vector<Json> run(const TempDir& dir, const Json& config) {
  write_text(dir.file("config.json"), config.dump(2));
  RunOptions options;
  options.out_root = dir.file("out");
  options.progress = false;
  return run_experiment(parse_config(dir.file("config.json")), options);
}

/// The records of one "type" (run, point, tuning, ...), in order.
inline std::vector<Json> of_type(const std::vector<Json>& records, const std::string& type) {
  std::vector<Json> out;
  for (const Json& r : records) {
    if (r.value("type", "") == type) out.push_back(r);
  }
  return out;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace sgdbench::test
