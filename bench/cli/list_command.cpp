#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "variants/registry.hpp"

namespace sgdbench::cli {

namespace {

/// | key | rules | default | range | meaning |, one row per hyper-parameter, read from the
/// rules' declarations (kHyperParams in each header).
void print_hyper_params(const Registry& registry) {
  fmt::print("| /update key | read by | default | range | meaning |\n|---|---|---|---|---|\n");
  for (const HyperParam& p : registry.hyper_params()) {
    std::vector<std::string> rules;
    for (const auto& v : registry.all()) {
      for (const HyperParam& q : v.hyper_params) {
        if (q.name == p.name && std::find(rules.begin(), rules.end(), v.update) == rules.end()) {
          rules.push_back(v.update);
        }
      }
    }
    fmt::print("| `{}` | {} | {:g} | [{:g}, {:g}]{} | {} |\n", p.name, fmt::join(rules, ", "),
               p.default_value, p.min, p.max, p.integer ? ", integer" : "", p.meaning);
  }
}

}  // namespace

/// One line per compiled Trainer instantiation: a variant and one of its batchings.
int list_command(bool hyper_params) {
  const auto& registry = compiled_variants();
  if (hyper_params) {
    print_hyper_params(registry);
    return 0;
  }
  fmt::print("{:<30} {:<30} {:<9} {:<8} {:<9} {:<8} {}\n", "variant", "model", "update", "kernels",
             "arch", "batching", "execution");
  for (const auto& v : registry.all()) {
    for (const auto& b : v.batchings) {
      fmt::print("{:<30} {:<30} {:<9} {:<8} {:<9} {:<8} {}{}\n", v.name, v.model, v.update,
                 v.kernels, v.arch, b == "full" ? "full" : "mini", v.exec,
                 v.deterministic ? "" : " (not reproducible)");
    }
  }
  for (const auto& [alias, target] : registry.aliases()) {
    fmt::print("{:<30} alias of {}\n", alias, target);
  }
  return 0;
}

}  // namespace sgdbench::cli
