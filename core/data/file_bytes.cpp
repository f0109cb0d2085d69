#include "data/file_bytes.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "util/error.hpp"

namespace sgdbench {

std::string read_file_bytes(const std::string& path, std::uint64_t max_bytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(fmt::format("{}: is a directory, expected a file", path));
  }
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(fmt::format("{}: cannot open for reading (missing or not a regular file)", path));
  }
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(fmt::format("{}: cannot read its size: {}", path, ec.message()));
  if (size > max_bytes) {
    throw Error(fmt::format("{}: {} bytes, more than the {} accepted", path, size, max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open for reading", path));
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uint64_t>(in.gcount()) != size) {
    throw Error(fmt::format("{}: read {} of {} bytes", path, in.gcount(), size));
  }
  return bytes;
}

}  // namespace sgdbench
