#pragma once
// Execution policy: every chunk on the calling thread, in order, into one accumulator;
// the kernels stay on that thread too (kernel_threads = 1).
#include <cstddef>
#include <string_view>

#include "exec/accumulator_pool.hpp"

namespace sgdbench {

struct Sequential {
  static constexpr std::string_view name = "seq";
  static constexpr bool deterministic = true;
  static constexpr bool collective = false;
  /// The kernels it calls stay on the calling thread too (kernels/kernel_threads.hpp).
  static constexpr std::size_t kernel_threads = 1;

  /// result ← result ⊕ chunk 0 ⊕ chunk 1 ⊕ … , where `leaf(i, acc)` adds chunk i into acc
  /// and `join(a, b)` does a ← a ⊕ b. Parallel policies draw extra accumulators from
  /// `pool`; this one needs none.
  template <class Acc, class Leaf, class Join>
  void reduce(std::size_t n_chunks, Acc& result, AccumulatorPool<Acc>& /*pool*/, Leaf&& leaf,
              Join&& /*join*/) const {
    for (std::size_t i = 0; i < n_chunks; ++i) leaf(i, result);
  }
  /// body(begin, end) over [0, n) — here in one piece; parallel policies split it into
  /// ranges of about `grain` (for work whose result does not depend on the split,
  /// such as gathering a mini-batch).
  template <class Body>
  void for_ranges(std::size_t n, std::size_t /*grain*/, const Body& body) const {
    body(std::size_t{0}, n);
  }
};

}  // namespace sgdbench
