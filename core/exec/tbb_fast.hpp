#pragma once
// Execution policy: chunks reduced by plain tbb::parallel_reduce (auto partitioner).
// Bodies split only when work is stolen, so fewer accumulators are summed and it is
// usually faster than TbbDeterministic — but the order of the floating-point sums depends
// on scheduling, so results are NOT reproducible run to run or across thread counts.
#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <cstddef>
#include <string_view>

#include "exec/accumulator_pool.hpp"
#include "exec/pooled_body.hpp"
#include "kernels/kernel_threads.hpp"

namespace sgdbench {

struct TbbFast {
  static constexpr std::string_view name = "tbbfast";
  static constexpr bool deterministic = false;
  static constexpr bool collective = false;
  /// A kernel may split one call across whatever threads TBB allows.
  static constexpr std::size_t kernel_threads = kAnyKernelThreads;

  /// Same contract as Sequential::reduce.
  template <class Acc, class Leaf, class Join>
  void reduce(std::size_t n_chunks, Acc& result, AccumulatorPool<Acc>& pool, Leaf&& leaf,
              Join&& join) const {
    pooled_reduce(n_chunks, result, pool, leaf, join, [](const auto& range, auto& body) {
      tbb::parallel_reduce(range, body, tbb::auto_partitioner());
    });
  }
  /// Same contract as Sequential::for_ranges.
  template <class Body>
  void for_ranges(std::size_t n, std::size_t grain, const Body& body) const {
    parallel_ranges(n, grain, body);
  }
};

}  // namespace sgdbench
