#pragma once
// The TBB reduction body shared by the parallel execution policies: the root body adds
// into the caller's accumulator; every split body takes a zeroed one from the pool and
// gives it back when joined.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_reduce.h>
#include <tbb/partitioner.h>

#include <cstddef>
#include <memory>

#include "exec/accumulator_pool.hpp"

namespace sgdbench {

template <class Acc, class Leaf, class Join>
struct PooledBody {
  PooledBody(Acc* root, AccumulatorPool<Acc>& pool, Leaf& leaf, Join& join)
      : acc(root), pool(pool), leaf(leaf), join_fn(join) {}
  PooledBody(PooledBody& other, tbb::split)
      : owned(other.pool.take()), pool(other.pool), leaf(other.leaf), join_fn(other.join_fn) {
    acc = owned.get();
  }
  PooledBody(const PooledBody&) = delete;
  PooledBody& operator=(const PooledBody&) = delete;
  ~PooledBody() {
    if (owned) pool.give_back(std::move(owned));
  }
  void operator()(const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) leaf(i, *acc);
  }
  void join(PooledBody& right) { join_fn(*acc, *right.acc); }

  Acc* acc = nullptr;
  std::unique_ptr<Acc> owned;
  AccumulatorPool<Acc>& pool;
  Leaf& leaf;
  Join& join_fn;
};

/// The reduction both TBB policies run: one chunk goes straight into `result`; more are
/// split over a blocked range of grain one chunk and reduced with `parallel_reduce_fn`
/// (tbb::parallel_deterministic_reduce or tbb::parallel_reduce, with its partitioner).
template <class Acc, class Leaf, class Join, class ParallelReduce>
void pooled_reduce(std::size_t n_chunks, Acc& result, AccumulatorPool<Acc>& pool, Leaf& leaf,
                   Join& join, ParallelReduce&& parallel_reduce_fn) {
  if (n_chunks <= 1) {
    if (n_chunks == 1) leaf(0, result);
    return;
  }
  PooledBody<Acc, Leaf, Join> body(&result, pool, leaf, join);
  parallel_reduce_fn(tbb::blocked_range<std::size_t>(0, n_chunks, 1), body);
}

/// Sequential::for_ranges for the TBB policies: ranges of about `grain` (TBB splits a range while
/// it is longer than grain).
template <class Body>
void parallel_ranges(std::size_t n, std::size_t grain, const Body& body) {
  if (n <= grain) {
    body(std::size_t{0}, n);
    return;
  }
  tbb::parallel_for(
      tbb::blocked_range<std::size_t>(0, n, grain),
      [&](const tbb::blocked_range<std::size_t>& r) { body(r.begin(), r.end()); },
      tbb::static_partitioner());
}

}  // namespace sgdbench
