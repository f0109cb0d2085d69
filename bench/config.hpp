#pragma once
// An experiment as a JSON config describes it (configs/*.json; "Writing a config" in the
// README). Plain structs with their defaults; parse_config checks every field.
#include <cstdint>
#include <string>
#include <vector>

namespace sgdbench {

struct DatasetConfig {
  std::string name;             // "mnist", "fashion-mnist" or "idx"
  std::size_t train = 0;        // rows for training (0: all the source offers)
  std::size_t test = 0;         // rows for testing (0: all)
  std::uint64_t split_seed = 0; // shuffles the pool before the split
  std::string images, labels;   // "idx" only: the IDX pair, split into train and test
};

/// Upper bounds that keep every size computation far from overflow.
inline constexpr std::uint64_t kMaxLayerWidth = 1 << 20;
inline constexpr std::uint64_t kMaxChunkRows = 1 << 20;

struct ExperimentConfig {
  std::string file;  // where it was read from
  std::string name;  // also the results folder: results/<name>/
  std::string description;
  DatasetConfig dataset;
  std::vector<std::size_t> widths;
  std::vector<std::string> variants;
  std::vector<std::size_t> batch_sizes;  // 0 stands for the full batch ("full")
  std::vector<double> learning_rates;
  std::vector<std::uint64_t> seeds;
  std::size_t epochs = 0;
  std::size_t threads = 0;  // 0: all cores
  std::size_t chunk_rows = 256;
};

/// Reads and checks a config; an Error names the file and the JSON path of any defect.
ExperimentConfig parse_config(const std::string& path);

}  // namespace sgdbench
