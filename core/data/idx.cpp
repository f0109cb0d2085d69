#include "data/idx.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <filesystem>
#include <limits>

#include "kernels/simd_kernels.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace {

/// A (possibly gzipped) file read in pieces; zlib passes plain files through.
class GzReader {
 public:
  explicit GzReader(const std::string& path) : path_(path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      throw Error(fmt::format("{}: is a directory, expected an IDX file", path));
    }
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw Error(fmt::format("{}: cannot open for reading (missing or not a regular file)", path));
    }
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) throw Error(fmt::format("{}: cannot open for reading", path));
  }
  ~GzReader() {
    if (file_ != nullptr) gzclose(file_);
  }
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  /// Appends up to `n` more bytes to `out`; fewer only at the end of the stream.
  void read(std::vector<std::uint8_t>& out, std::uint64_t n) {
    constexpr std::uint64_t kBlock = 1 << 20;  // memory grows only as bytes arrive
    while (n > 0) {
      const auto want = static_cast<unsigned>(std::min(n, kBlock));
      const std::size_t old = out.size();
      out.resize(old + want);
      const int got = gzread(file_, out.data() + old, want);
      if (got < 0) {
        int code = 0;
        const std::string why = gzerror(file_, &code);
        throw Error(
            fmt::format("{}: corrupt gzip stream after byte offset {} of the "
                        "decompressed data: {}",
                        path_, old, why));
      }
      out.resize(old + static_cast<std::size_t>(got));
      if (static_cast<unsigned>(got) < want) {
        // A gzip member cut short reads as a short stream; zlib says so here.
        int code = 0;
        gzerror(file_, &code);
        if (code == Z_BUF_ERROR) {
          throw Error(fmt::format("{}: gzip stream ends early, after {} decompressed bytes", path_,
                                  out.size()));
        }
        return;
      }
      n -= want;
    }
  }

 private:
  std::string path_;
  gzFile file_ = nullptr;
};

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

}  // namespace

namespace {

/// Checks the magic number and dimensions of an IDX header (`have` bytes of it available)
/// and returns the number of data bytes they promise.
std::uint64_t check_idx_header(const std::uint8_t* bytes, std::size_t have, const std::string& path,
                               std::size_t expected_dims, std::vector<std::uint32_t>& dims) {
  if (have < 4) {
    throw Error(
        fmt::format("{}: truncated IDX file at byte offset {}: the magic number needs 4 "
                    "bytes",
                    path, have));
  }
  const std::uint32_t magic = big_endian_u32(bytes);
  const std::uint32_t expected_magic = 0x0800u | static_cast<std::uint32_t>(expected_dims);
  if (magic != expected_magic) {
    throw Error(
        fmt::format("{}: wrong magic number 0x{:08x} at byte offset 0, expected 0x{:08x} "
                    "(unsigned bytes, {} dimensions)",
                    path, magic, expected_magic, expected_dims));
  }
  const std::size_t header = 4 + 4 * expected_dims;
  if (have < header) {
    throw Error(
        fmt::format("{}: truncated IDX header at byte offset {}: {} dimensions need {} "
                    "header bytes",
                    path, have, expected_dims, header));
  }
  dims.clear();
  std::uint64_t count = 1;
  for (std::size_t d = 0; d < expected_dims; ++d) {
    const std::uint32_t dim = big_endian_u32(bytes + 4 + 4 * d);
    dims.push_back(dim);
    count *= dim;  // each factor < 2^32 and count ≤ 2^32 before it: no overflow
    if (count > kMaxIdxBytes) {
      throw Error(
          fmt::format("{}: dimensions at byte offset {} promise more than the {} data "
                      "bytes sgdbench accepts",
                      path, 4 + 4 * d, kMaxIdxBytes));
    }
  }
  return count;
}

void check_idx_size(std::uint64_t count, std::uint64_t available, std::size_t header,
                    const std::string& path) {
  if (available == count) return;
  throw Error(fmt::format(
      "{}: dimensions promise {} data bytes after the {}-byte header, the "
      "file has {} ({} at byte offset {})",
      path, count, header, available > count ? "more" : std::to_string(available),
      available > count ? "trailing bytes" : "truncated", header + std::min(count, available)));
}

}  // namespace

IdxArray parse_idx(std::span<const std::uint8_t> bytes, const std::string& source,
                   std::size_t expected_dims) {
  IdxArray out;
  const std::uint64_t count =
      check_idx_header(bytes.data(), bytes.size(), source, expected_dims, out.dims);
  const std::size_t header = 4 + 4 * expected_dims;
  check_idx_size(count, bytes.size() - header, header, source);
  out.bytes.assign(bytes.begin(), bytes.end());
  out.offset = header;
  return out;
}

IdxArray read_idx(const std::string& path, std::size_t expected_dims) {
  GzReader in(path);
  IdxArray out;
  in.read(out.bytes, 4);
  const std::size_t header = 4 + 4 * expected_dims;
  if (out.bytes.size() == 4) in.read(out.bytes, header - 4);  // only after a readable magic
  const std::uint64_t count =
      check_idx_header(out.bytes.data(), out.bytes.size(), path, expected_dims, out.dims);
  // Read what the header promises and one byte more, to tell trailing bytes apart. The
  // buffer is reserved once (no doubling, so a data set is never held twice), but never
  // beyond what the file can hold: deflate expands at most 1032:1.
  std::error_code ec;
  const std::uint64_t on_disk = std::filesystem::file_size(path, ec);
  const std::uint64_t most = ec ? count : std::min<std::uint64_t>(count, on_disk * 1032);
  out.bytes.reserve(header + most + 1);
  in.read(out.bytes, count + 1);
  check_idx_size(count, out.bytes.size() - header, header, path);
  out.offset = header;
  return out;
}

Dataset load_idx_pair(const std::string& images_path, const std::string& labels_path,
                      std::size_t classes, bool compact) {
  const IdxArray images = read_idx(images_path, 3);
  // A zero dimension passes the size check (0 bytes promised, 0 present) but leaves a
  // model with no inputs or a data set with no rows: named here, with its header offset.
  for (std::size_t d = 0; d < 3; ++d) {
    if (images.dims[d] == 0) {
      throw Error(fmt::format("{}: dimension {} at byte offset {} is 0: {}", images_path, d,
                              4 + 4 * d,
                              d == 0 ? "the file holds no images" : "images have no pixels"));
    }
  }
  const IdxArray labels = read_idx(labels_path, 1);
  if (images.dims[0] != labels.dims[0]) {
    throw Error(fmt::format("{}: {} labels for the {} images of {}", labels_path, labels.dims[0],
                            images.dims[0], images_path));
  }
  Dataset ds;
  ds.name = images_path;
  ds.rows = images.dims[0];
  ds.cols = std::size_t{images.dims[1]} * images.dims[2];
  ds.classes = classes;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels.data()[i] >= classes) {
      throw Error(fmt::format("{}: label {} at byte offset {} is not below the {} classes",
                              labels_path, labels.data()[i], 8 + i, classes));
    }
  }
  ds.y.assign(labels.data(), labels.data() + labels.size());
  const std::uint8_t* pixels = images.data();
  if (compact) {
    ds.x8.resize(images.size());
    std::copy_n(pixels, images.size(), ds.x8.data());
    ds.x8_scale = kPixelScale;
  } else {
    ds.x.resize(ds.rows * ds.cols);
    SimdKernels<BestArch>::widen_bytes(pixels, images.size(), kPixelScale, ds.x.data());
  }
  return ds;
}

}  // namespace sgdbench
