#include "data/dataset.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/simd_kernels.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

namespace sgdbench {

void Dataset::copy_row(std::size_t i, float* out) const {
  if (compact()) {
    SimdKernels<BestArch>::widen_bytes(x8.data() + i * cols, cols, x8_scale, out);
  } else {
    std::copy_n(row(i), cols, out);
  }
}

void expand(Dataset& d) {
  if (!d.compact()) return;
  d.x.resize(d.rows * d.cols);
  SimdKernels<BestArch>::widen_bytes(d.x8.data(), d.x8.size(), d.x8_scale, d.x.data());
  d.x8 = AlignedBuffer<std::uint8_t>{};
  d.x8_scale = 0.0f;
}

Dataset select_rows(const Dataset& from, std::span<const std::uint32_t> indices, std::string name) {
  Dataset out;
  out.name = std::move(name);
  out.rows = indices.size();
  out.cols = from.cols;
  out.classes = from.classes;
  if (from.compact()) {
    out.x8.resize(out.rows * out.cols);
    out.x8_scale = from.x8_scale;
  } else {
    out.x.resize(out.rows * out.cols);
  }
  for (std::size_t r = 0; r < out.rows; ++r) {
    if (from.compact()) {
      std::copy_n(from.x8.data() + indices[r] * from.cols, from.cols, out.x8.data() + r * out.cols);
    } else {
      std::copy_n(from.row(indices[r]), from.cols, out.x.data() + r * out.cols);
    }
    if (!from.y.empty()) out.y.push_back(from.y[indices[r]]);
    if (!from.targets.empty()) out.targets.push_back(from.targets[indices[r]]);
  }
  return out;
}

Split split_by_seed(const Dataset& pool, std::size_t n_train, std::size_t n_test,
                    std::uint64_t split_seed, std::size_t n_validation) {
  if (n_train == 0 || n_train > pool.rows || n_test > pool.rows - n_train ||
      n_validation > pool.rows - n_train - n_test) {
    throw Error(fmt::format("{}: cannot split {} rows into {} train + {} test + {} validation",
                            pool.name, pool.rows, n_train, n_test, n_validation));
  }
  const auto perm = shuffled_indices(pool.rows, split_seed, Stream::kSplit);
  const std::span<const std::uint32_t> all(perm);
  Split s{select_rows(pool, all.subspan(0, n_train), pool.name + "/train"),
          select_rows(pool, all.subspan(n_train, n_test), pool.name + "/test"), Dataset{}};
  if (n_validation > 0) {
    s.validation =
        select_rows(pool, all.subspan(n_train + n_test, n_validation), pool.name + "/validation");
  }
  return s;
}

void preprocess(Split& split, Preprocess how) {
  if (how == Preprocess::kNone) return;
  expand(split.train);  // preprocessed features are floats
  expand(split.test);
  expand(split.validation);
  const Dataset& train = split.train;
  const std::size_t d = train.cols;
  // shift and scale per feature: x ← (x − shift) · scale
  std::vector<double> shift(d, 0.0), scale(d, 1.0);
  if (how == Preprocess::kScale01) {
    std::vector<double> lo(d, INFINITY), hi(d, -INFINITY);
    for (std::size_t i = 0; i < train.rows; ++i) {
      for (std::size_t j = 0; j < d; ++j) {
        lo[j] = std::min<double>(lo[j], train.row(i)[j]);
        hi[j] = std::max<double>(hi[j], train.row(i)[j]);
      }
    }
    for (std::size_t j = 0; j < d; ++j) {
      shift[j] = lo[j];
      scale[j] = hi[j] > lo[j] ? 1.0 / (hi[j] - lo[j]) : 1.0;  // constant features stay put
    }
  } else {
    std::vector<double> sum(d, 0.0), sq(d, 0.0);
    for (std::size_t i = 0; i < train.rows; ++i) {
      for (std::size_t j = 0; j < d; ++j) sum[j] += train.row(i)[j];
    }
    for (std::size_t j = 0; j < d; ++j) shift[j] = sum[j] / static_cast<double>(train.rows);
    for (std::size_t i = 0; i < train.rows; ++i) {
      for (std::size_t j = 0; j < d; ++j) {
        const double c = train.row(i)[j] - shift[j];
        sq[j] += c * c;
      }
    }
    double pooled = 0.0;  // Σ over features of the centred sum of squares
    for (std::size_t j = 0; j < d; ++j) pooled += sq[j];
    const double global_sd = std::sqrt(pooled / static_cast<double>(train.rows * d));
    for (std::size_t j = 0; j < d; ++j) {
      const double sd = how == Preprocess::kCenterGlobalScale
                            ? global_sd
                            : std::sqrt(sq[j] / static_cast<double>(train.rows));
      scale[j] = sd > 0.0 ? 1.0 / sd : 1.0;  // constant features are only centred
    }
  }
  for (Dataset* ds : {&split.train, &split.test, &split.validation}) {
    for (std::size_t i = 0; i < ds->rows; ++i) {
      float* x = ds->x.data() + i * d;
      for (std::size_t j = 0; j < d; ++j) x[j] = static_cast<float>((x[j] - shift[j]) * scale[j]);
    }
  }
}

}  // namespace sgdbench
