#include <fmt/format.h>

#include "cli/commands.hpp"
#include "config/config.hpp"
#include "exec/mpi_world.hpp"
#include "measure/machine.hpp"
#include "util/error.hpp"

namespace sgdbench::cli {

int throughput_command(ThroughputArgs args) {
  ThroughputOptions& tp = args.options;
  if (!args.machine_of.empty()) {
    fmt::print("{}\n", machine_description(args.machine_of).dump());
  } else if (args.peak_flops) {
    fmt::print("{}\n", measure_peak_flops(tp.threads).dump());
  } else if (args.stream) {
    fmt::print("{}\n", measure_stream(tp.threads).dump());
  } else {
    if (tp.variant.empty()) throw Error("throughput: --variant is required");
    const auto batch = BatchSize::parse(args.batch);
    if (!batch) {
      throw Error("throughput: --batch must be a positive integer or full, not '" + args.batch +
                  "'");
    }
    tp.batch = *batch;
    const Json result = measure_throughput(tp);
    // Under mpirun (the mpi policy) every rank measures; rank 0 speaks for them.
    if (mpi::started_size() == 1 || mpi::rank() == 0) fmt::print("{}\n", result.dump());
  }
  return 0;
}

}  // namespace sgdbench::cli
