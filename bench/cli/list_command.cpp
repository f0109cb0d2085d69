#include <fmt/format.h>

#include "cli/commands.hpp"
#include "variants/registry.hpp"

namespace sgdbench::cli {

/// One line per compiled Trainer instantiation: a variant and one of its batchings.
int list_command() {
  const auto& registry = compiled_variants();
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
