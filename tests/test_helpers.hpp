#pragma once
// Helpers for tests that generate their own files: a fresh temporary folder per test,
// IDX writers (raw and gzipped), and running the sgdbench binary; and seeded random
// vectors for the kernel tests.
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "util/rng.hpp"

namespace sgdbench::test {

namespace fs = std::filesystem;

/// n floats uniform in [-1, 1) from `seed` (the same on every machine).
inline std::vector<float> random_vector(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.uniform() * 2.0 - 1.0);
  return v;
}

/// A folder under the system temp dir, removed when the object goes away.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() / ("sgdbench-test-" + tag + "-" + std::to_string(::getpid()) +
                                         "-" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

inline void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

inline void write_gzip(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

inline void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

/// An IDX image file of n images of rows×cols whose pixel (i, j) of image k is (k+i+j)%256.
inline std::vector<std::uint8_t> idx_images(std::uint32_t n, std::uint32_t rows,
                                            std::uint32_t cols) {
  std::vector<std::uint8_t> out = {0, 0, 0x08, 3};
  put_u32(out, n);
  put_u32(out, rows);
  put_u32(out, cols);
  for (std::uint32_t k = 0; k < n; ++k) {
    for (std::uint32_t i = 0; i < rows * cols; ++i)
      out.push_back(static_cast<std::uint8_t>((k * 7 + i) % 256));
  }
  return out;
}

/// An IDX label file: label k is k % classes.
inline std::vector<std::uint8_t> idx_labels(std::uint32_t n, std::uint32_t classes = 10) {
  std::vector<std::uint8_t> out = {0, 0, 0x08, 1};
  put_u32(out, n);
  for (std::uint32_t k = 0; k < n; ++k) out.push_back(static_cast<std::uint8_t>(k % classes));
  return out;
}

/// 300 IDX images of 4×4 pixels with 10 classes written into `dir`, and a config that
/// trains 16-8-10 on them: 2 variants × B = 1, 50, full × 2 seeds = 12 cells of 2 epochs.
inline nlohmann::json small_idx_problem(const TempDir& dir) {
  write_bytes(dir.file("images.idx"), idx_images(300, 4, 4));
  write_bytes(dir.file("labels.idx"), idx_labels(300));
  return nlohmann::json::parse(R"({
    "name": "tiny",
    "dataset": {"name": "idx", "images": "images.idx", "labels": "labels.idx",
                "train": 200, "test": 100, "split_seed": 1},
    "model": {"widths": [16, 8, 10]},
    "variants": ["nielsen/simd/tbb", "nielsen/scalar/seq"],
    "sweep": {"batch_size": [1, 50, "full"], "lr": [3.0], "seed": [0, 1]},
    "budget": {"epochs": 2},
    "execution": {"threads": 2, "chunk_rows": 16}
  })");
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

/// Runs the sgdbench binary of this build with `args` (a shell-quoted string).
inline CommandResult run_sgdbench(const std::string& args, const TempDir& dir) {
  const std::string log = dir.file("command.log");
  const std::string cmd = std::string(SGDBENCH_EXE) + " " + args + " >" + log + " 2>&1";
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(log);
  r.output.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return r;
}

}  // namespace sgdbench::test
