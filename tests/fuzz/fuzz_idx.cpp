// libFuzzer target: the in-memory IDX parser (core/data/idx.hpp), as a labels file
// (1 dimension) and as an image file (3 dimensions). Only sgdbench::Error is expected.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "data/idx.hpp"
#include "fuzz_check.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  for (std::size_t dims : {std::size_t{1}, std::size_t{3}}) {
    try {
      const sgdbench::IdxArray a = sgdbench::parse_idx(bytes, "fuzz.idx", dims);
      SGDBENCH_FUZZ_CHECK(a.dims.size() == dims);
      std::uint64_t count = 1;
      for (auto d : a.dims) count *= d;
      SGDBENCH_FUZZ_CHECK(a.offset == 4 + 4 * dims);
      SGDBENCH_FUZZ_CHECK(a.size() == count);
      SGDBENCH_FUZZ_CHECK(a.bytes.size() == size);
    } catch (const sgdbench::Error&) {
    }
  }
  return 0;
}
