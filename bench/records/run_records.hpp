#pragma once
// A results folder's runs.jsonl read back, and what its config says of the budget: the
// parts of the report (report.cpp) that read files and configs rather than tables.
#include <nlohmann/json.hpp>
#include <string>

namespace sgdbench {

/// The budget each run had, from the config: one for every method, or each method's
/// own when /variants gives some their own epochs (a reader must see unequal budgets).
std::string budget_note(const nlohmann::json& config);

}  // namespace sgdbench
