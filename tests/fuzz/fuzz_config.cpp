// libFuzzer target: a config from an in-memory JSON text, as `sgdbench validate` reads
// it (bench/json_reader.hpp, bench/config.hpp). Only sgdbench::Error is expected.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const sgdbench::Json json = sgdbench::parse_json_text(text, "fuzz.json");
    const sgdbench::ExperimentConfig config = sgdbench::parse_config_json(json, "fuzz.json");
    (void)config;
  } catch (const sgdbench::Error&) {
  }
  return 0;
}
