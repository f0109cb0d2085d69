#include <fmt/format.h>

#include <cstdlib>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "records/machine.hpp"
#include "util/error.hpp"

namespace sgdbench::cli {

int throughput_command(ThroughputArgs args) {
  ThroughputOptions& tp = args.options;
  if (!args.machine_of.empty()) {
    ExperimentConfig c;
    c.file = args.machine_of;
    fmt::print("{}\n", machine_description(c).dump());
  } else if (args.peak_flops) {
    fmt::print("{}\n", measure_peak_flops(tp.threads).dump());
  } else if (args.stream) {
    fmt::print("{}\n", measure_stream(tp.threads).dump());
  } else {
    if (tp.variant.empty()) throw Error("throughput: --variant is required");
    tp.batch = 0;  // full
    if (args.batch != "full") {
      tp.batch = std::strtoull(args.batch.c_str(), nullptr, 10);
      if (tp.batch == 0 || args.batch.find_first_not_of("0123456789") != std::string::npos) {
        throw Error("throughput: --batch must be a positive integer or full, not '" + args.batch +
                    "'");
      }
    }
    fmt::print("{}\n", measure_throughput(tp).dump());
  }
  return 0;
}

}  // namespace sgdbench::cli
