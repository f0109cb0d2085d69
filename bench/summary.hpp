#pragma once
// summary.md from the records of runs.jsonl: one row per (variant, batch size, lr),
// seeds aggregated as mean ± sd.
#include <string>
#include <vector>

#include "json_reader.hpp"

namespace sgdbench {

std::string summary_markdown(const std::vector<Json>& records);

}  // namespace sgdbench
