#pragma once
// The tuning protocol's choices as tables (summary.md and summary.tex): the learning rate
// chosen per cell, and with /tuning/bracket whether it is bracketed, the rates tried and
// what the search cost.
#include <string>
#include <vector>

#include "config/json_reader.hpp"

namespace sgdbench {

/// Appends a table per "tuning" record of `records` to `md` and `tex`.
void add_tuning_tables(const std::vector<Json>& records, std::string& md, std::string& tex);

}  // namespace sgdbench
