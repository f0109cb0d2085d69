// The portable generator and the epoch shuffle.
#include <algorithm>
#include <catch2/catch.hpp>
#include <numeric>

#include "data/dataset.hpp"
#include "train/batching.hpp"
#include "util/rng.hpp"

using namespace sgdbench;

namespace {
Dataset tiny_dataset(std::size_t rows) {
  Dataset d;
  d.rows = rows;
  d.cols = 2;
  d.classes = 10;
  d.x.resize(rows * 2);
  for (std::size_t i = 0; i < rows; ++i) {
    d.x[2 * i] = static_cast<float>(i);
    d.y.push_back(static_cast<std::uint8_t>(i % 10));
  }
  return d;
}
}  // namespace

TEST_CASE("unit_rng_reproduces_for_a_seed_and_differs_between_seeds_and_streams", "[rng]") {
  Rng a(42), b(42), c(43), d(42, Stream::kShuffle);
  bool differs_seed = false, differs_stream = false;
  for (int i = 0; i < 100; ++i) {
    const auto va = a.next();
    REQUIRE(va == b.next());
    differs_seed |= va != c.next();
    differs_stream |= va != d.next();
  }
  REQUIRE(differs_seed);
  REQUIRE(differs_stream);
}

TEST_CASE("unit_rng_below_stays_in_range_and_normal_has_unit_moments", "[rng]") {
  Rng rng(7);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 60000; ++i) ++counts[rng.below(6)];
  for (int c : counts) REQUIRE(std::abs(c - 10000) < 500);  // > 5 sd of a binomial
  double sum = 0.0, sq = 0.0;
  const int n = 100000;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sq += z * z;
  }
  REQUIRE(std::abs(sum / n) < 0.02);
  REQUIRE(std::abs(sq / n - 1.0) < 0.02);
}

TEST_CASE("unit_shuffle_is_a_permutation_differs_between_epochs_and_reproduces",
          "[rng][batching]") {
  const Dataset data = tiny_dataset(1000);
  MiniBatches a(data, 10, 5), b(data, 10, 5), other_seed(data, 10, 6);
  std::vector<std::vector<std::uint32_t>> epochs;
  for (int e = 0; e < 3; ++e) {
    a.begin_epoch();
    b.begin_epoch();
    other_seed.begin_epoch();
    std::vector<std::uint32_t> order(a.order().begin(), a.order().end());
    REQUIRE(std::equal(order.begin(), order.end(), b.order().begin()));  // reproduces
    REQUIRE_FALSE(std::equal(order.begin(), order.end(), other_seed.order().begin()));
    auto sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint32_t> iota(1000);
    std::iota(iota.begin(), iota.end(), 0u);
    REQUIRE(sorted == iota);  // a permutation
    REQUIRE(order != iota);
    for (const auto& previous : epochs) REQUIRE(order != previous);  // new every epoch
    epochs.push_back(order);
  }
}

TEST_CASE("unit_mini_batches_cover_each_row_once_per_epoch_with_a_short_last_batch", "[batching]") {
  const Dataset data = tiny_dataset(105);
  MiniBatches batches(data, 10, 1);
  batches.begin_epoch();
  REQUIRE(batches.steps_per_epoch() == 11);
  std::vector<int> seen(105, 0);
  for (std::size_t s = 0; s < batches.steps_per_epoch(); ++s) {
    const Rows r = batches.batch(s);
    REQUIRE(r.count == (s == 10 ? 5u : 10u));
    for (std::size_t i = 0; i < r.count; ++i) {
      const auto row = static_cast<std::size_t>(r.x[2 * i]);
      ++seen[row];
      REQUIRE(r.y[i] == row % 10);  // labels travel with their rows
    }
  }
  for (int s : seen) REQUIRE(s == 1);
}
