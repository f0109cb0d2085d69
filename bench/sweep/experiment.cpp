// run_experiment: a results folder locked and checked, a starting point (fresh, resumed
// or complete), then every problem's cells in the planned order, each problem's data and
// F* loaded once; the records go to runs.jsonl line by line, the tables at the end.
#include "sweep/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>

#include "config/dataset_catalog.hpp"
#include "config/datasets.hpp"
#include "data/synthetic.hpp"
#include "records/machine.hpp"
#include "records/output_files.hpp"
#include "records/report.hpp"
#include "records/results_folder.hpp"
#include "sweep/cell_runner.hpp"
#include "sweep/interrupt.hpp"
#include "sweep/plan.hpp"
#include "sweep/progress.hpp"
#include "sweep/resume.hpp"
#include "tuning/lr_search.hpp"
#include "util/error.hpp"

#ifndef SGDBENCH_GIT_COMMIT
#define SGDBENCH_GIT_COMMIT "unknown"
#endif

namespace sgdbench {
namespace {

/// F* as the final objective of a long run of /f_star/variant (full batch, lr 1: L-BFGS
/// chooses its own steps), with the experiment's L2 and chunking.
double long_run_f_star(const ExperimentConfig& c, const Split& data, const RunOptions& options) {
  const VariantInfo* v = compiled_variants().find(c.f_star_variant);
  if (v == nullptr) {
    throw Error(
        fmt::format("{}: /f_star/variant: \"{}\" is not compiled", c.file, c.f_star_variant));
  }
  const Cell cell{v, BatchSize::full(), 1.0, 0, 0, "", nullptr};
  TrainSpec spec = train_spec_of(c, cell, data.train.rows);
  // F* is a property of the problem, not of the methods under test: the F* variant runs
  // at its defaults (constant step, default hyper-parameters, the default divergence
  // limit) whatever /schedule, /update and /execution set for them. Its own budget:
  // f_star epochs, no other limit, no stop at a target, the final point only.
  spec.schedule = Schedule{};
  spec.update = HyperParams{};
  spec.divergence_loss = TrainSpec{}.divergence_loss;
  spec.epochs = c.f_star_epochs;
  spec.max_grad_evals = spec.max_updates = 0;
  spec.max_seconds = 0;
  spec.eval_every_grad_evals = std::numeric_limits<std::uint64_t>::max() / 2;
  spec.stop_metric.clear();
  spec.noise_b_big = 0;
  spec.record_params = false;
  if (options.progress) {
    std::fprintf(stderr, "F*: %s for %g epochs...\n", v->name.c_str(), c.f_star_epochs);
  }
  const RunResult r =
      v->run(model_widths(c, *v, data.train), data.train, data.test, nullptr, spec, {});
  return r.final_point.train_loss;
}

/// Suboptimality F(w) − F* needs F*: exact for least squares (solved in double), else the
/// long run of /f_star, else none.
std::optional<double> f_star_of(const ExperimentConfig& pc, const Split& data,
                                const RunOptions& options) {
  if (find_dataset(pc.dataset.name)->exact_f_star) {
    return solve_lsq(data.train, pc.model.l2).f;
  }
  if (pc.f_star_variant.empty()) return std::nullopt;
  const double f = long_run_f_star(pc, data, options);
  stop_if_interrupted();
  return f;
}

std::string widths_label(const std::vector<std::size_t>& widths) {
  std::string s;
  for (std::size_t w : widths) s += (s.empty() ? "" : "-") + std::to_string(w);
  return s;
}

/// One problem's entry of the closing "problems" record: its sizes, F* and, for small
/// least squares, the quadratic form F(w) = ½ wᵀAw − bᵀw + c (+ λ/2 ‖w‖²) that lets a
/// plot draw the loss's contours.
Json problem_record(const Problem& problem, const Split& data, std::optional<double> f_star,
                    double l2) {
  Json info = {{"dataset", problem.label},
               {"train_rows", data.train.rows},
               {"test_rows", data.test.rows},
               {"validation_rows", data.validation.rows}};
  if (!problem.widths.empty()) info["widths"] = widths_label(problem.widths);
  if (f_star) info["f_star"] = *f_star;
  if (data.train.is_regression() && data.train.cols <= 8) {
    const auto q = lsq_quadratic(data.train);
    info["quadratic"] = {{"A", q.a}, {"b", q.b}, {"c", q.c}, {"l2", l2}};
  }
  return info;
}

/// The first record of runs.jsonl: the config, the build, every target's label.
Json experiment_header(const ExperimentConfig& c) {
  Json header = {{"type", "experiment"},
                 {"experiment", c.name},
                 {"config_file", c.file},
                 {"config", read_json_file(c.file)},
                 {"git_commit", SGDBENCH_GIT_COMMIT}};
  Json targets = Json::array();
  for (const Problem& p : c.problems) {
    for (const Target& t : p.targets) {
      if (std::find(targets.begin(), targets.end(), t.label()) == targets.end())
        targets.push_back(t.label());
    }
  }
  header["targets"] = targets;
  header["problems"] = Json::array();
  return header;
}

/// The state of one sweep: the records so far (written through `out`), the finished
/// cells of an interrupted run still to replay, progress and the closing records.
class Sweep {
 public:
  Sweep(const ExperimentConfig& c, const RunOptions& options, PartialRun resumed,
        JsonLinesWriter& out, std::size_t cells, std::string partial)
      : c_(c),
        options_(options),
        resumed_(std::move(resumed)),
        out_(out),
        total_(cells),
        partial_(std::move(partial)),
        progress_(cells, options.progress) {
    progress_.resume(std::min(resumed_.cells.size(), cells));
  }

  void emit(Json line) {
    out_.write(line);
    records_.push_back(std::move(line));
  }
  /// The first record; `on_disk`: a resumed run's, already written.
  void header(Json line, bool on_disk) {
    if (on_disk) {
      records_.push_back(std::move(line));
    } else {
      emit(std::move(line));
    }
    complete_records_ = records_.size();
  }

  /// Loads one problem and runs its cells.
  void run_problem(const PlannedProblem& plan) {
    const Problem& problem = c_.problems[plan.problem];
    const ExperimentConfig pc = for_problem(c_, problem);
    const Split data = load_dataset(pc, options_.data_dir);
    stop_if_interrupted();  // loading and F* take seconds: Ctrl-C is honoured between them
    const std::optional<double> f_star = f_star_of(pc, data, options_);
    problems_.push_back(problem_record(problem, data, f_star, pc.model.l2));
    Json extra_key = {{"dataset", problem.label}};
    if (c_.widths_swept) extra_key["widths"] = widths_label(problem.widths);
    const CellRunner runner(pc, data, f_star, extra_key, [this](Json l) { emit(std::move(l)); });
    for (const auto& cells : plan.groups) {
      if (!c_.tuning) {
        for (const Cell& cell : cells) run_cell(runner, problem.label, cell);
      } else {
        run_tuned_group(runner, pc, problem.label, extra_key, cells);
      }
    }
  }

  /// The closing records; the records of the whole run.
  const std::vector<Json>& finish() {
    if (next_replay_ < resumed_.cells.size()) {
      throw Error(
          fmt::format("{}: holds {} finished cells, more than this config's {}: cannot resume, run "
                      "without --resume",
                      partial_, resumed_.cells.size(), next_replay_));
    }
    if (c_.tuning) emit({{"type", "tuning"}, {"experiment", c_.name}, {"chosen", chosen_}});
    // The problems' sizes and F* are known only once each is loaded: a closing record.
    emit({{"type", "problems"}, {"experiment", c_.name}, {"problems", problems_}});
    return records_;
  }

  /// After Ctrl-C: tables of the finished cells (a half-done cell's points stay out of
  /// them; --resume drops them) and the message for the user.
  Interrupted interrupted(const std::string& dir) {
    records_.resize(complete_records_);
    write_report(dir, records_,
                 fmt::format("**Interrupted after {} of {} run cells**: these tables show the "
                             "finished ones; `sgdbench run {} --resume` completes the run.",
                             finished_, total_, c_.file));
    return Interrupted(
        fmt::format("interrupted after {} of {} run cells; they are kept in {} and tabled in "
                    "{}/summary.md",
                    finished_, total_, partial_, dir));
  }

 private:
  /// Runs a cell, or replays it when the interrupted run finished it; its run line.
  Json run_cell(const CellRunner& runner, const std::string& label, const Cell& cell) {
    Json run;
    if (next_replay_ < resumed_.cells.size()) {
      const std::vector<Json>& kept = resumed_.cells[next_replay_];
      if (!same_cell(kept.back(), runner.key(cell))) {
        throw Error(fmt::format(
            "{}: finished cell {} is {}, but this config's cell {} is {}: cannot resume, run "
            "without --resume",
            partial_, next_replay_ + 1, kept.back().dump(), next_replay_ + 1,
            runner.key(cell).dump()));
      }
      ++next_replay_;
      records_.insert(records_.end(), kept.begin(), kept.end());
      run = kept.back();
    } else {
      stop_if_interrupted();
      progress_.start(label + " " + describe(cell));
      run = runner.run(cell);
      progress_.done(run);
    }
    complete_records_ = records_.size();
    ++finished_;
    return run;
  }

  /// The lr grid of one (variant, B, threads) with the tuning seed, then the chosen lr
  /// with every tuning seed.
  void run_tuned_group(const CellRunner& runner, const ExperimentConfig& pc,
                       const std::string& label, const Json& extra_key,
                       const std::vector<Cell>& cells) {
    LrSearch search(*c_.tuning, pc.targets);
    for (const Cell& cell : cells) search.offer(cell.lr, run_cell(runner, label, cell));
    const Cell& first = cells.front();
    // One rate given (L-BFGS's and Armijo's first trial step, which their line searches
    // adapt): nothing is tuned, so nothing is extended or flagged.
    const bool fixed_rate = cells.size() == 1;
    if (c_.tuning->bracket && !fixed_rate) extend_to_bracket(runner, label, first, search);
    Json choice = extra_key;
    if (!first.sweep->label.empty()) choice["method"] = first.sweep->label;
    choice.update({{"variant", first.variant->name},
                   // the tuning record's batch_size: 0 stands for the full batch
                   {"batch_size", first.batch.rows(0)},
                   {"threads", first.threads},
                   {"lr", search.best_lr()},
                   {"select_by", c_.tuning->select_by},
                   {"score", search.best_score()}});
    if (c_.tuning->bracket) {
      choice["solved"] = search.solved();
      choice["bracketed"] = search.solved() && search.best_edge() == Edge::kInside;
      if (fixed_rate) choice["fixed_rate"] = true;
      choice["tried"] = search.tried();
      choice["tuning_runs"] = search.runs();
      choice["tuning_seconds"] = search.seconds();
      if (!search.solved()) choice["lr"] = nullptr;  // no rate scored: nothing is chosen
    }
    chosen_.push_back(choice);
    if (c_.tuning->bracket && !search.solved()) return;
    for (std::uint64_t seed : c_.tuning->seeds) {
      Cell cell = first;
      cell.lr = search.best_lr();
      cell.seed = seed;
      cell.phase = "final";
      run_cell(runner, label, cell);
    }
  }

  /// /tuning/bracket: while the best lr is the lowest (highest) tried, try one grid step
  /// beyond it, at most max_extensions times per edge; while no rate scores, try beyond
  /// the highest, then beyond the lowest.
  void extend_to_bracket(const CellRunner& runner, const std::string& label, const Cell& first,
                         LrSearch& search) {
    std::size_t low = 0, high = 0;
    const std::size_t cap = c_.tuning->max_extensions;
    for (;;) {
      Edge side = search.best_edge();
      if (!search.solved()) side = high < cap ? Edge::kHigh : Edge::kLow;
      if (side == Edge::kInside || (side == Edge::kLow ? low : high) >= cap) return;
      ++(side == Edge::kLow ? low : high);
      Cell cell = first;
      cell.lr = search.next_rate(side);
      ++total_;  // a cell the plan did not count
      search.offer(cell.lr, run_cell(runner, label, cell));
    }
  }

  const ExperimentConfig& c_;
  const RunOptions& options_;
  PartialRun resumed_;
  JsonLinesWriter& out_;
  std::size_t total_;
  std::string partial_;
  Progress progress_;
  std::vector<Json> records_;
  Json chosen_ = Json::array(), problems_ = Json::array();
  std::size_t next_replay_ = 0;       // the first resumed cell not yet replayed
  std::size_t complete_records_ = 0;  // header and finished cells
  std::size_t finished_ = 0;          // cells finished, replayed ones included
};

}  // namespace

std::vector<Json> run_experiment(const ExperimentConfig& c, const RunOptions& options) {
  const std::string dir = options.out_root + "/" + c.name;
  // Locked first, so that a second writer refuses at once; then everything is checked
  // before anything is trained or written.
  ResultsFolder folder(dir, fmt::format("sgdbench run {}", c.file));
  try {
    check_experiment(c, options.data_dir);  // nothing runs until every problem is valid
  } catch (const Error&) {
    folder.remove_if_unused();
    throw;
  }
  if (interrupt_requested())
    throw Interrupted("interrupted while the data loaded; nothing written");
  const Json header = experiment_header(c);
  const Json machine = machine_description(c.file);
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
  const Json resumed_header = start.partial.header;
  Sweep sweep(c, options, std::move(start.partial), out, plan.cells, dir + "/runs.jsonl.partial");
  sweep.header(resuming ? resumed_header : header, resuming);
  try {
    for (const PlannedProblem& p : plan.problems) sweep.run_problem(p);
  } catch (const Interrupted&) {
    throw sweep.interrupted(dir);
  }
  const std::vector<Json>& records = sweep.finish();
  // Tables first: a kill between the two leaves a complete .partial that --resume
  // finishes, never a runs.jsonl beside stale tables.
  write_report(dir, records);
  out.commit();
  folder.drop_set_aside();
  if (options.plots) draw_plots(dir);
  return records;
}

}  // namespace sgdbench
