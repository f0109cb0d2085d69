#pragma once
// A labelled data set held once in memory: features row-major in one aligned buffer,
// one label byte per row.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "model/rows.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

struct Dataset {
  std::string name;
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::size_t classes = 0;
  AlignedBuffer<float> x;       // rows × cols (empty when compact)
  std::vector<std::uint8_t> y;  // class labels (classification; classes > 0)
  std::vector<float> targets;   // real targets (regression; classes == 0)
  // Compact storage (image pixels): feature = x8 · x8_scale, a quarter of the memory and
  // of the traffic of a mini-batch gather or a full-batch pass (issue 7).
  AlignedBuffer<std::uint8_t> x8;  // rows × cols when compact (on huge pages, as x)
  float x8_scale = 0.0f;           // 0: not compact

  bool compact() const { return x8_scale != 0.0f; }
  const float* row(std::size_t i) const { return x.data() + i * cols; }  // float storage
  /// Row i as floats into out (cols values), whatever the storage.
  void copy_row(std::size_t i, float* out) const;
  /// Bytes of feature storage.
  std::size_t feature_bytes() const { return x.size() * sizeof(float) + x8.size(); }
  bool is_regression() const { return classes == 0; }
  Rows all_rows() const {
    Rows r{x.data(), y.empty() ? nullptr : y.data(), rows,
           targets.empty() ? nullptr : targets.data()};
    if (compact()) {
      r.x = nullptr;
      r.x8 = x8.data();
      r.x8_scale = x8_scale;
    }
    return r;
  }
};

/// Widens a compact data set to float storage (nothing to do otherwise).
void expand(Dataset& d);

/// The rows `indices` of `from`, in that order.
Dataset select_rows(const Dataset& from, std::span<const std::uint32_t> indices, std::string name);

/// Train and test sets of a problem.
struct Split {
  Dataset train;
  Dataset test;
  Dataset validation;  // rows == 0: none
};

/// Shuffles `pool` with `split_seed` and takes the first `n_train` rows as the training
/// set, the next `n_test` as the test set and the next `n_validation` as the validation
/// set.
Split split_by_seed(const Dataset& pool, std::size_t n_train, std::size_t n_test,
                    std::uint64_t split_seed, std::size_t n_validation = 0);

/// Per-feature preprocessing with statistics of the training set only, applied to all.
/// kCenterGlobalScale centres each feature and divides all by one scale, the deviation of
/// the centred features pooled (what image pipelines do): standardising each pixel by its
/// own deviation divides border pixels by deviations near 0 (|z| up to 284 on
/// Fashion-MNIST), a different problem rather than a better-conditioned one.
enum class Preprocess { kNone, kScale01, kStandardize, kCenterGlobalScale };
void preprocess(Split& split, Preprocess how);

}  // namespace sgdbench
