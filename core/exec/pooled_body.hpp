#pragma once
// The TBB reduction body shared by the parallel execution policies: the root body adds
// into the caller's accumulator; every split body takes a zeroed one from the pool and
// gives it back when joined.
#include <tbb/blocked_range.h>
#include <tbb/parallel_reduce.h>

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

}  // namespace sgdbench
