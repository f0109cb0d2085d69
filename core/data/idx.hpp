#pragma once
// IDX files (the MNIST format, http://yann.lecun.com/exdb/mnist/): a 4-byte magic
// (0, 0, type 0x08 = unsigned byte, number of dimensions), big-endian u32 dimensions,
// then the data. Raw and gzipped files are read alike (zlib reads plain files through).
// Every defect is an Error naming the file and the byte offset in the (decompressed)
// stream.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "data/dataset.hpp"

namespace sgdbench {

/// Largest data section accepted (4 GiB): far above any image set that fits the
/// suite's purpose, low enough that a lying header cannot exhaust memory.
inline constexpr std::uint64_t kMaxIdxBytes = std::uint64_t{1} << 32;

/// An IDX file's content: the data is the bytes after the header (kept in place, so a
/// large file is held once).
struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> bytes;  // header + data
  std::size_t offset = 0;           // where the data starts
  const std::uint8_t* data() const { return bytes.data() + offset; }
  std::size_t size() const { return bytes.size() - offset; }
};

/// Reads an unsigned-byte IDX file (raw or gzipped) with `expected_dims` dimensions.
IdxArray read_idx(const std::string& path, std::size_t expected_dims);

/// The same checks on an uncompressed IDX image in memory (what the fuzz target calls).
IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& source,
                   std::size_t expected_dims);

/// Images (n × rows × cols, scaled to [0, 1] as pixel · (1/255)) and labels (n, each <
/// classes) as a data set; `compact` keeps the pixels as bytes (Dataset::x8).
Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path,
                      std::size_t classes = 10, bool compact = false);

/// The pixel scale of IDX images: feature = pixel · kPixelScale.
inline constexpr float kPixelScale = 1.0f / 255.0f;

}  // namespace sgdbench
