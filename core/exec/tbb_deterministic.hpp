#pragma once
// Execution policy: chunks reduced in parallel over a fixed binary tree
// (tbb::parallel_deterministic_reduce, simple partitioner, grain one chunk), so the
// floating-point sums, and every trained weight, are bit-identical for any thread count.
// The tree depends only on the number of chunks (batch size / chunk rows), never on
// scheduling.
#include <cstddef>
#include <memory>
#include <string_view>

#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include "exec/accumulator_pool.hpp"

namespace sgdbench {

struct TbbDeterministic {
  static constexpr std::string_view name = "tbb";
  static constexpr bool deterministic = true;

  /// Same contract as Sequential::reduce.
  template <class Acc, class Leaf, class Join>
  void reduce(std::size_t n_chunks, Acc& result, AccumulatorPool<Acc>& pool, Leaf&& leaf,
              Join&& join) const {
    if (n_chunks <= 1) {
      if (n_chunks == 1) leaf(0, result);
      return;
    }
    Body<Acc, Leaf, Join> body(&result, pool, leaf, join);
    tbb::parallel_deterministic_reduce(tbb::blocked_range<std::size_t>(0, n_chunks, 1), body,
                                       tbb::simple_partitioner());
  }

 private:
  template <class Acc, class Leaf, class Join>
  struct Body {
    Body(Acc* root, AccumulatorPool<Acc>& pool, Leaf& leaf, Join& join)
        : acc(root), pool(pool), leaf(leaf), join_fn(join) {}
    Body(Body& other, tbb::split)
        : owned(other.pool.take()), pool(other.pool), leaf(other.leaf), join_fn(other.join_fn) {
      acc = owned.get();
    }
    Body(const Body&) = delete;
    Body& operator=(const Body&) = delete;
    ~Body() {
      if (owned) pool.give_back(std::move(owned));
    }
    void operator()(const tbb::blocked_range<std::size_t>& r) {
      for (std::size_t i = r.begin(); i != r.end(); ++i) leaf(i, *acc);
    }
    void join(Body& right) { join_fn(*acc, *right.acc); }

    Acc* acc = nullptr;
    std::unique_ptr<Acc> owned;
    AccumulatorPool<Acc>& pool;
    Leaf& leaf;
    Join& join_fn;
  };
};

}  // namespace sgdbench
