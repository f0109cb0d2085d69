#pragma once
// A free list of accumulators (gradient buffer + workspace) for the reduction bodies of
// a parallel execution policy. The trainer owns one per kind of reduction, so that after
// the first step no body allocates.
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace sgdbench {

/// Acc must provide reset(): back to the zero of the reduction.
template <class Acc>
class AccumulatorPool {
 public:
  explicit AccumulatorPool(std::function<Acc()> make) : make_(std::move(make)) {}

  /// A zeroed accumulator, reused when one is free.
  std::unique_ptr<Acc> take() {
    std::unique_ptr<Acc> acc;
    {
      std::lock_guard lock(mutex_);
      if (!free_.empty()) {
        acc = std::move(free_.back());
        free_.pop_back();
      }
    }
    if (!acc) acc = std::make_unique<Acc>(make_());
    acc->reset();
    return acc;
  }
  void give_back(std::unique_ptr<Acc> acc) {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(acc));
  }

 private:
  std::function<Acc()> make_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Acc>> free_;
};

}  // namespace sgdbench
