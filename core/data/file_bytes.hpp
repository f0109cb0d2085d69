#pragma once
// Reading a whole input file with the checks every loader needs: a directory, a missing
// file or one larger than a limit are errors naming the path, before anything is
// allocated for its content.
#include <cstdint>
#include <string>

namespace sgdbench {

/// Largest text data file accepted (4 GiB).
inline constexpr std::uint64_t kMaxTextFileBytes = std::uint64_t{1} << 32;

std::string read_file_bytes(const std::string& path, std::uint64_t max_bytes = kMaxTextFileBytes);

}  // namespace sgdbench
