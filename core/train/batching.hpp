#pragma once
// Batching policies: which rows each step sees.
//   FullBatch   — every step is the whole training set, in stored order (gradient descent).
//   MiniBatches — the rows reshuffled every epoch by the run's seed, sliced into batches of
//                 B (the last one smaller when B does not divide n); B = 1 is pure SGD.
// Mini-batches are gathered into one reused buffer; the full batch is a view.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <span>
#include <string_view>
#include <vector>

#include "data/dataset.hpp"
#include "model/rows.hpp"
#include "util/rng.hpp"
#include "util/software_prefetch.hpp"

namespace sgdbench {

class FullBatch {
 public:
  static constexpr std::string_view name = "full";
  FullBatch(const Dataset& train, std::size_t /*batch_size*/, std::uint64_t /*seed*/)
      : train_(train) {}
  std::size_t steps_per_epoch() const { return 1; }
  void begin_epoch() {}
  Rows batch(std::size_t /*step*/) const { return train_.all_rows(); }
  template <class ForRanges>
  Rows batch(std::size_t step, const ForRanges& /*for_ranges*/) const {
    return batch(step);
  }

 private:
  const Dataset& train_;
};

class MiniBatches {
 public:
  static constexpr std::size_t kPrefetchRows = 4;
  static constexpr std::size_t kGatherGrain = 256;  // rows per gathering task, about
  static constexpr std::string_view name = "mini";
  MiniBatches(const Dataset& train, std::size_t batch_size, std::uint64_t seed)
      : train_(train),
        batch_size_(std::clamp<std::size_t>(batch_size, 1, train.rows)),
        order_(train.rows),
        rng_(seed, Stream::kShuffle),
        x_(train.compact() ? 0 : batch_size_ * train.cols),
        x8_(train.compact() ? batch_size_ * train.cols : 0),
        y_(train.y.empty() ? 0 : batch_size_),
        targets_(train.targets.empty() ? 0 : batch_size_) {
    std::iota(order_.begin(), order_.end(), 0u);
  }
  std::size_t steps_per_epoch() const { return (train_.rows + batch_size_ - 1) / batch_size_; }
  /// Reshuffles the current order (so each epoch's order depends on all before it).
  void begin_epoch() { rng_.shuffle(std::span<std::uint32_t>(order_)); }
  std::span<const std::uint32_t> order() const { return order_; }

  Rows batch(std::size_t step) {
    return batch(step, [](std::size_t n, std::size_t /*grain*/, const auto& body) { body(0, n); });
  }
  /// The same batch, its rows copied by `for_ranges(n, grain, body)` (an execution
  /// policy's, so that large batches are gathered on every thread: the copy is a
  /// scattered read of the whole set, measured a quarter of a B = 1000 step).
  template <class ForRanges>
  Rows batch(std::size_t step, const ForRanges& for_ranges) {
    const std::size_t begin = step * batch_size_;
    const std::size_t count = std::min(batch_size_, train_.rows - begin);
    const std::size_t cols = train_.cols;
    const bool compact = train_.compact();
    if (count == 1) {  // pure SGD: the row itself, no copy
      const std::uint32_t src = order_[begin];
      Rows one{compact ? nullptr : train_.row(src), y_.empty() ? nullptr : &train_.y[src], 1,
               targets_.empty() ? nullptr : &train_.targets[src]};
      if (compact) {
        one.x8 = train_.x8.data() + src * cols;
        one.x8_scale = train_.x8_scale;
      }
      return one;
    }
    const std::size_t row_bytes = compact ? cols : cols * sizeof(float);
    const bool prefetch = software_prefetch_pays();
    for_ranges(count, kGatherGrain, [&](std::size_t first, std::size_t last) {
      for (std::size_t r = first; r < last; ++r) {
        const std::uint32_t src = order_[begin + r];
        // The rows are scattered over the whole set: where it pays (AMD, +5 % samples/s
        // for softmax at B = 100; Intel runs 6 % faster without), ask for the one
        // kPrefetchRows ahead now, so that its cache misses overlap this copy.
        if (prefetch && r + kPrefetchRows < last) {
          const std::size_t ahead_row = order_[begin + r + kPrefetchRows];
          const auto* ahead = compact ? reinterpret_cast<const char*>(&train_.x8[ahead_row * cols])
                                      : reinterpret_cast<const char*>(train_.row(ahead_row));
          for (std::size_t byte = 0; byte < row_bytes; byte += 64)
            __builtin_prefetch(ahead + byte, 0, 0);
        }
        if (compact) {
          std::copy_n(&train_.x8[src * cols], cols, x8_.data() + r * cols);
        } else {
          std::copy_n(train_.row(src), cols, x_.data() + r * cols);
        }
        if (!y_.empty()) y_[r] = train_.y[src];
        if (!targets_.empty()) targets_[r] = train_.targets[src];
      }
    });
    Rows out{compact ? nullptr : x_.data(), y_.empty() ? nullptr : y_.data(), count,
             targets_.empty() ? nullptr : targets_.data()};
    if (compact) {
      out.x8 = x8_.data();
      out.x8_scale = train_.x8_scale;
    }
    return out;
  }

 private:
  const Dataset& train_;
  std::size_t batch_size_;
  std::vector<std::uint32_t> order_;
  Rng rng_;
  AlignedBuffer<float> x_;
  std::vector<std::uint8_t> x8_;  // compact data sets: the batch's rows as bytes
  std::vector<std::uint8_t> y_;
  std::vector<float> targets_;
};

}  // namespace sgdbench
