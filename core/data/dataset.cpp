#include "data/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/error.hpp"
#include "util/rng.hpp"

namespace sgdbench {

Dataset select_rows(const Dataset& from, std::span<const std::uint32_t> indices, std::string name) {
  Dataset out;
  out.name = std::move(name);
  out.rows = indices.size();
  out.cols = from.cols;
  out.classes = from.classes;
  out.x.resize(out.rows * out.cols);
  for (std::size_t r = 0; r < out.rows; ++r) {
    std::copy_n(from.row(indices[r]), from.cols, out.x.data() + r * out.cols);
    if (!from.y.empty()) out.y.push_back(from.y[indices[r]]);
    if (!from.targets.empty()) out.targets.push_back(from.targets[indices[r]]);
  }
  return out;
}

Split split_by_seed(const Dataset& pool, std::size_t n_train, std::size_t n_test,
                    std::uint64_t split_seed) {
  if (n_train == 0 || n_train > pool.rows || n_test > pool.rows - n_train) {
    throw Error(fmt::format("{}: cannot split {} rows into {} train + {} test", pool.name,
                            pool.rows, n_train, n_test));
  }
  const auto perm = shuffled_indices(pool.rows, split_seed, Stream::kSplit);
  const std::span<const std::uint32_t> all(perm);
  return {select_rows(pool, all.subspan(0, n_train), pool.name + "/train"),
          select_rows(pool, all.subspan(n_train, n_test), pool.name + "/test")};
}

}  // namespace sgdbench
