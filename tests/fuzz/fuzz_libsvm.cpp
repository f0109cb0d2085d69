// libFuzzer target: the LIBSVM / SVMlight parser (core/data/text_table.hpp). The first
// input byte picks the task (bit 0) and the feature count (bits 1-7: 0 = the largest index
// seen, else 1..127); the rest is the text. Only sgdbench::Error is expected.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "data/text_table.hpp"
#include "fuzz_check.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto task = (data[0] & 1) ? sgdbench::Task::kRegression : sgdbench::Task::kClassification;
  const std::size_t features = data[0] >> 1;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const sgdbench::Dataset ds = sgdbench::parse_libsvm(text, "fuzz.svm", task, features);
    sgdbench::fuzz::check_dataset(ds);
    if (features > 0) SGDBENCH_FUZZ_CHECK(ds.cols == features);
  } catch (const sgdbench::Error&) {
  }
  return 0;
}
