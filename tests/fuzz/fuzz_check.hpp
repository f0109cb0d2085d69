#pragma once
// Shared by the fuzz targets: invariants every successfully parsed data set must meet.
// A violated invariant aborts, so libFuzzer records the input as a crash.
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "data/dataset.hpp"

namespace sgdbench::fuzz {

[[noreturn]] inline void invariant_failed(const char* what) {
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

#define SGDBENCH_FUZZ_CHECK(cond) ((cond) ? (void)0 : ::sgdbench::fuzz::invariant_failed(#cond))

/// Shape and label checks on a data set a parser returned (not an Error).
inline void check_dataset(const Dataset& ds) {
  SGDBENCH_FUZZ_CHECK(ds.rows > 0);
  SGDBENCH_FUZZ_CHECK(ds.cols > 0);
  SGDBENCH_FUZZ_CHECK(ds.x.size() == ds.rows * ds.cols);
  for (std::size_t i = 0; i < ds.x.size(); ++i) SGDBENCH_FUZZ_CHECK(std::isfinite(ds.x[i]));
  if (ds.is_regression()) {
    SGDBENCH_FUZZ_CHECK(ds.targets.size() == ds.rows);
    SGDBENCH_FUZZ_CHECK(ds.y.empty());
    for (float t : ds.targets) SGDBENCH_FUZZ_CHECK(std::isfinite(t));
  } else {
    SGDBENCH_FUZZ_CHECK(ds.classes >= 2 && ds.classes <= 256);
    SGDBENCH_FUZZ_CHECK(ds.y.size() == ds.rows);
    SGDBENCH_FUZZ_CHECK(ds.targets.empty());
    for (auto label : ds.y) SGDBENCH_FUZZ_CHECK(label < ds.classes);
  }
}

}  // namespace sgdbench::fuzz
