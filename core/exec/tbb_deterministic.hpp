#pragma once
// Execution policy: chunks reduced in parallel over a fixed binary tree
// (tbb::parallel_deterministic_reduce, simple partitioner, grain one chunk), so the
// floating-point sums, and every trained weight, are bit-identical for any thread count.
// The tree depends only on the number of chunks (batch size / chunk rows), never on
// scheduling.
#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <cstddef>
#include <string_view>

#include "exec/accumulator_pool.hpp"
#include "exec/pooled_body.hpp"
#include "kernels/kernel_threads.hpp"

namespace sgdbench {

struct TbbDeterministic {
  static constexpr std::string_view name = "tbb";
  static constexpr bool deterministic = true;
  static constexpr bool collective = false;
  /// A kernel may split one call across whatever threads TBB allows.
  static constexpr std::size_t kernel_threads = kAnyKernelThreads;

  /// Same contract as Sequential::reduce.
  template <class Acc, class Leaf, class Join>
  void reduce(std::size_t n_chunks, Acc& result, AccumulatorPool<Acc>& pool, Leaf&& leaf,
              Join&& join) const {
    pooled_reduce(n_chunks, result, pool, leaf, join, [](const auto& range, auto& body) {
      tbb::parallel_deterministic_reduce(range, body, tbb::simple_partitioner());
    });
  }
  /// Same contract as Sequential::for_ranges.
  template <class Body>
  void for_ranges(std::size_t n, std::size_t grain, const Body& body) const {
    parallel_ranges(n, grain, body);
  }
};

}  // namespace sgdbench
