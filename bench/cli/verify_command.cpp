#include <fmt/format.h>

#include "cli/commands.hpp"
#include "verify/verify.hpp"

namespace sgdbench::cli {

int verify_command(const std::string& dir, RunOptions options) {
  options.progress = false;
  const VerifyResult r = verify_results(dir, options);
  fmt::print("{}", r.report);
  return r.mismatches == 0 ? 0 : 1;
}

}  // namespace sgdbench::cli
