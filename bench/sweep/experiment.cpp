// run_experiment: a results folder locked and checked, a starting point (fresh, resumed
// or complete), then every problem's cells in the planned order (sweep/sweep.hpp), each
// problem's F* computed once and its data taken from one DatasetCache (a run of one data
// set reads its files once); the records go to runs.jsonl line by line, the tables at the
// end. Under mpirun the cells are spread over the ranks (sweep/distributed.hpp); the file
// is the same.
#include "sweep/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "exec/mpi_world.hpp"
#include "measure/machine.hpp"
#include "records/output_files.hpp"
#include "records/report.hpp"
#include "records/results_folder.hpp"
#include "sweep/checks.hpp"
#include "sweep/distributed.hpp"
#include "sweep/interrupt.hpp"
#include "sweep/plan.hpp"
#include "sweep/resume.hpp"
#include "sweep/sweep.hpp"
#include "util/error.hpp"

namespace sgdbench {

std::vector<Json> run_experiment(const ExperimentConfig& c, const RunOptions& options) {
  const std::string dir = options.out_root + "/" + c.name;
  // Locked first, so that a second writer refuses at once; then everything is checked
  // before anything is trained or written.
  ResultsFolder folder(dir, fmt::format("sgdbench run {}", c.file));
  DatasetCache datasets(options.data_dir);  // the check's data, which the run starts from
  try {
    check_experiment(c, datasets);  // nothing runs until every problem is valid
  } catch (const Error&) {
    folder.remove_if_unused();
    throw;
  }
  if (interrupt_requested())
    throw Interrupted("interrupted while the data loaded; nothing written");
  const Json header = experiment_header(c);
  Json machine = machine_description(c.file);
  if (!options.ranks.is_null()) machine[mpi::kMachineKey] = options.ranks;
  const bool all_cores = std::find(c.threads.begin(), c.threads.end(), 0) != c.threads.end();
  StartingPoint start = starting_point(dir, header, machine, options.resume, all_cores);
  if (!start.complete.empty()) {
    write_report(dir, start.complete);
    if (options.plots) draw_plots(dir);
    return start.complete;
  }
  const bool resuming = !start.partial.header.is_null();
  // A new run replaces a complete one only when it completes: until then the old one is
  // runs.jsonl.previous, so an interrupted re-run leaves a consistent folder.
  if (!resuming) folder.set_aside("runs.jsonl");
  write_file_atomically(dir + "/machine.json", machine.dump(2) + "\n");
  JsonLinesWriter out(
      dir + "/runs.jsonl",
      resuming ? std::optional<std::uintmax_t>(start.partial.keep_bytes) : std::nullopt);
  const SweepPlan plan = plan_sweep(c, options.progress);
  const Json first = resuming ? start.partial.header : header;
  std::vector<Json> records;
  if (options.distribute) {
    records =
        distributed_sweep(c, options, plan, start.partial, first, resuming, out, dir, datasets);
  } else {
    Sweep sweep(c, options, start.partial, out, plan.cells, dir + "/runs.jsonl.partial", nullptr,
                options.announce);
    sweep.header(first, resuming);
    try {
      for (const PlannedProblem& p : plan.problems) {
        sweep.run_problem(p, load_problem(c, p.problem, options, true, datasets));
      }
    } catch (const Interrupted&) {
      throw sweep.interrupted(dir);
    }
    records = sweep.finish();
  }
  // Tables first: a kill between the two leaves a complete .partial that --resume
  // finishes, never a runs.jsonl beside stale tables.
  write_report(dir, records);
  out.commit();
  folder.drop_set_aside();
  if (options.plots) draw_plots(dir);
  return records;
}

}  // namespace sgdbench
