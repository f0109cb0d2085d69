#pragma once
// Execution policy: data-parallel over MPI ranks, TBB inside each rank, bit-identical to
// TbbDeterministic for any rank and thread count.
//
// TbbDeterministic reduces chunks over a fixed binary tree: [b, e) splits at
// b + (e − b)/2 and joins left ⊕= right, down to single chunks. That tree depends only on
// the chunk count, so it can be cut: the nodes ceil(log2 P) levels down form a frontier,
// each rank reduces the frontier nodes it owns with the same TBB tree (a subtree's bits do
// not depend on who computes it), and the levels above are joined in the same order, the
// right child's accumulator sent to the left child's owner. Rank 0 ends with the root and
// broadcasts it. Per reduction a rank sends at most ceil(log2 P) accumulators, and the
// broadcast delivers one to every rank.
//
// Every rank holds the same parameters and draws the same batches (same seed), so every
// rank calls reduce with the same chunk count in the same order. One chunk (a batch of at
// most chunk_rows rows, and the fused SGD step) is computed by every rank alike: splitting
// it would change its bits.
#include <chrono>
#include <cstddef>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "exec/accumulator_pool.hpp"
#include "exec/mpi_world.hpp"
#include "exec/pooled_body.hpp"
#include "exec/tbb_deterministic.hpp"
#include "kernels/kernel_threads.hpp"

namespace sgdbench {

struct MpiDeterministic {
  static constexpr std::string_view name = "mpi";
  static constexpr bool deterministic = true;
  static constexpr bool collective = true;  // every rank runs every step together
  static constexpr std::size_t kernel_threads = kAnyKernelThreads;

  /// Same contract as Sequential::reduce, with `result` zero on entry (as the gradient
  /// engine passes it); Acc also provides for_each_field(f), calling f on a
  /// std::span<std::byte> of each reduced field (what travels between ranks).
  template <class Acc, class Leaf, class Join>
  void reduce(std::size_t n_chunks, Acc& result, AccumulatorPool<Acc>& pool, Leaf&& leaf,
              Join&& join) const {
    mpi::ensure_init();
    const int ranks = mpi::size();
    if (ranks == 1 || n_chunks <= 1) {
      TbbDeterministic{}.reduce(n_chunks, result, pool, leaf, join);
      return;
    }
    Cut<Acc, Leaf, Join> cut(n_chunks, ranks, mpi::rank(), result, pool, leaf, join);
    cut.run();
  }
  template <class Body>
  void for_ranges(std::size_t n, std::size_t grain, const Body& body) const {
    parallel_ranges(n, grain, body);
  }

 private:
  static constexpr int kTag = 7101;

  template <class Acc, class Leaf, class Join>
  struct Cut {
    Cut(std::size_t n, int ranks, int me, Acc& result, AccumulatorPool<Acc>& pool, Leaf& leaf,
        Join& join)
        : n(n), ranks(ranks), me(me), result(result), pool(pool), leaf(leaf), join(join) {}

    std::size_t n;
    int ranks, me;
    Acc& result;
    AccumulatorPool<Acc>& pool;
    Leaf& leaf;
    Join& join;
    std::size_t depth = 0;                    // frontier depth: 2^depth >= ranks
    std::vector<std::size_t> frontier;        // begin of each frontier node, in order
    std::vector<std::unique_ptr<Acc>> owned;  // by frontier index (null: not mine)

    void run() {
      while ((std::size_t{1} << depth) < static_cast<std::size_t>(ranks)) ++depth;
      collect(0, n, 0);
      owned.resize(frontier.size());
      // My frontier nodes, each reduced over the same TBB tree as its subtree of [0, n).
      for (std::size_t j = 0; j < frontier.size(); ++j) {
        if (owner(j) != me) continue;
        const std::size_t b = frontier[j];
        const std::size_t e = j + 1 < frontier.size() ? frontier[j + 1] : n;
        Acc* acc = &result;
        if (j != 0) {
          owned[j] = pool.take();
          acc = owned[j].get();
        }
        subtree(b, e, *acc);
      }
      const auto t0 = std::chrono::steady_clock::now();
      combine(0, n, 0);
      // Rank 0 holds the root: every rank gets its bytes, field by field, in place.
      result.for_each_field([](std::span<std::byte> f) { mpi::broadcast_bytes(f, 0); });
      for (auto& acc : owned) {
        if (acc) pool.give_back(std::move(acc));
      }
      auto& stats = mpi::comm_stats();
      stats.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      ++stats.reductions;
    }

    bool is_frontier(std::size_t b, std::size_t e, std::size_t d) const {
      return d == depth || e - b == 1;
    }
    void collect(std::size_t b, std::size_t e, std::size_t d) {
      if (is_frontier(b, e, d)) {
        frontier.push_back(b);
        return;
      }
      const std::size_t m = b + (e - b) / 2;
      collect(b, m, d + 1);
      collect(m, e, d + 1);
    }
    /// Frontier nodes are dealt to ranks in contiguous runs, node 0 to rank 0.
    int owner(std::size_t j) const {
      return static_cast<int>(j * static_cast<std::size_t>(ranks) / frontier.size());
    }
    std::size_t index_of(std::size_t b) const {
      std::size_t j = 0;
      while (frontier[j] != b) ++j;
      return j;
    }
    Acc& value(std::size_t j) { return j == 0 ? result : *owned[j]; }

    void subtree(std::size_t b, std::size_t e, Acc& acc) {
      if (e - b == 1) {
        leaf(b, acc);
        return;
      }
      PooledBody<Acc, Leaf, Join> body(&acc, pool, leaf, join);
      tbb::parallel_deterministic_reduce(tbb::blocked_range<std::size_t>(b, e, 1), body,
                                         tbb::simple_partitioner());
    }

    /// Joins the levels above the frontier in the tree's order; returns the frontier
    /// index whose accumulator (on its owner) now holds [b, e).
    std::size_t combine(std::size_t b, std::size_t e, std::size_t d) {
      if (is_frontier(b, e, d)) return index_of(b);
      const std::size_t m = b + (e - b) / 2;
      const std::size_t left = combine(b, m, d + 1);
      const std::size_t right = combine(m, e, d + 1);
      const int lo = owner(left), hi = owner(right);
      if (lo == hi) {
        if (me == lo) join(value(left), value(right));
      } else if (me == hi) {
        // Straight from the accumulator's buffers: no copy into a message buffer (a
        // 7 MiB MLP gradient would be copied twice more).
        value(right).for_each_field([&](std::span<std::byte> f) {
          mpi::send_bytes(f, lo, kTag);
          mpi::comm_stats().bytes_sent += f.size();
        });
      } else if (me == lo) {
        std::unique_ptr<Acc> from = pool.take();
        from->for_each_field([&](std::span<std::byte> f) {
          mpi::recv_bytes(f, hi, kTag);
          mpi::comm_stats().bytes_received += f.size();
        });
        join(value(left), *from);
        pool.give_back(std::move(from));
      }
      return left;
    }
  };
};

}  // namespace sgdbench
