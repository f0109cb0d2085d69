// libFuzzer target: the CSV parser (core/data/text_table.hpp). The first input byte picks
// the task (bit 0) and whether the first line is a header (bit 1); the rest is the text.
// Only sgdbench::Error is expected.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/text_table.hpp"
#include "fuzz_check.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto task = (data[0] & 1) ? sgdbench::Task::kRegression : sgdbench::Task::kClassification;
  const bool header = (data[0] & 2) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const sgdbench::Dataset ds = sgdbench::parse_csv(text, "fuzz.csv", task, header);
    sgdbench::fuzz::check_dataset(ds);
  } catch (const sgdbench::Error&) {
  }
  return 0;
}
