#include "sweep/sweep.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "data/synthetic.hpp"
#include "datasets/dataset_catalog.hpp"
#include "datasets/datasets.hpp"
#include "records/build_info.hpp"
#include "records/report.hpp"
#include "sweep/optimum.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace {

std::string widths_label(const std::vector<std::size_t>& widths) {
  std::string s;
  for (std::size_t w : widths) s += (s.empty() ? "" : "-") + std::to_string(w);
  return s;
}

/// One problem's entry of the closing "problems" record: its sizes, F* and, for small
/// least squares, the quadratic form F(w) = ½ wᵀAw − bᵀw + c (+ λ/2 ‖w‖²) that lets a
/// plot draw the loss's contours.
Json problem_record(const Problem& problem, const Split& data, const Optimum& optimum, double l2) {
  Json info = {{"dataset", problem.label},
               {"train_rows", data.train.rows},
               {"test_rows", data.test.rows},
               {"validation_rows", data.validation.rows}};
  if (!problem.widths.empty()) info["widths"] = widths_label(problem.widths);
  if (optimum.f_star) info["f_star"] = *optimum.f_star;
  if (!optimum.hessian.is_null()) info["hessian"] = optimum.hessian;
  if (data.train.is_regression() && data.train.cols <= 8) {
    const auto q = lsq_quadratic(data.train);
    info["quadratic"] = {{"A", q.a}, {"b", q.b}, {"c", q.c}, {"l2", l2}};
  }
  return info;
}

}  // namespace

ProblemSetup load_problem(const ExperimentConfig& c, std::size_t pi, const RunOptions& options,
                          bool with_f_star, DatasetCache& datasets) {
  const Problem& problem = c.problems[pi];
  ProblemSetup s{pi, problem.label, for_problem(c, problem),
                 {}, std::nullopt,  {{"dataset", problem.label}},
                 {}};
  s.data = datasets.get(s.pc);
  if (c.widths_swept) s.extra_key["widths"] = widths_label(problem.widths);
  if (with_f_star) {
    stop_if_interrupted();  // loading and F* take seconds: Ctrl-C is honoured between them
    const Optimum optimum = optimum_of(s.pc, *s.data, options);
    s.f_star = optimum.f_star;
    s.record = problem_record(problem, *s.data, optimum, s.pc.model.l2);
  }
  return s;
}

Json experiment_header(const ExperimentConfig& c) {
  Json header = {{"type", "experiment"},
                 {"experiment", c.name},
                 {"config_file", c.file},
                 {"config", read_json_file(c.file)},
                 {"git_commit", build_git_commit()}};
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

Sweep::Sweep(const ExperimentConfig& c, const RunOptions& options, const PartialRun& resumed,
             JsonLinesWriter& out, std::size_t cells, std::string partial, CellCache* cache,
             std::function<void(const ProblemSetup&, const Cell&)> before_local_run)
    : c_(c),
      resumed_(resumed),
      out_(out),
      total_(cells),
      partial_(std::move(partial)),
      resume_command_(options.resume_command.empty()
                          ? fmt::format("sgdbench run {} --resume", c.file)
                          : options.resume_command),
      progress_(cells, options.progress && cache == nullptr),
      cache_(cache),
      before_local_run_(std::move(before_local_run)) {
  progress_.resume(std::min(resumed_.cells.size(), cells));
}

void Sweep::emit(Json line) {
  if (cache_ == nullptr) {
    out_.write(line);
  } else {
    // A pass re-emits what earlier passes wrote (skipped), and writes new lines only up
    // to its first missing cell, so runs.jsonl keeps the planned order.
    if (emitted_ >= cache_->written && !missed_) {
      out_.write(line);
      ++cache_->written;
    }
    ++emitted_;
  }
  records_.push_back(std::move(line));
}

void Sweep::header(Json line, bool on_disk) {
  if (on_disk) {
    records_.push_back(std::move(line));
  } else {
    emit(std::move(line));
  }
  complete_records_ = records_.size();
}

void Sweep::run_problem(const PlannedProblem& plan, const ProblemSetup& setup) {
  problems_.push_back(setup.record);
  const CellRunner runner(setup.pc, *setup.data, setup.f_star, setup.extra_key,
                          [this](Json l) { emit(std::move(l)); });
  for (const auto& cells : plan.groups) {
    try {
      if (!c_.tuning) {
        for (const Cell& cell : cells) run_cell(runner, setup, cell);
      } else {
        run_tuned_group(runner, setup, cells);
      }
    } catch (const GroupPending&) {
      // a pass: this group waits for its cells; the next groups may still add theirs
    }
  }
}

const std::vector<Json>& Sweep::finish() {
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

Interrupted Sweep::interrupted(const std::string& dir) {
  records_.resize(complete_records_);
  write_report(dir, records_,
               fmt::format("**Interrupted after {} of {} run cells**: these tables show the "
                           "finished ones; `{}` completes the run.",
                           finished_, total_, resume_command_));
  return Interrupted(
      fmt::format("interrupted after {} of {} run cells; they are kept in {} and tabled in "
                  "{}/summary.md",
                  finished_, total_, partial_, dir));
}

/// Runs a cell, replays it when the interrupted run finished it, or takes it from the
/// cache; its run line (null in a pass that does not have it yet).
Json Sweep::run_cell(const CellRunner& runner, const ProblemSetup& setup, const Cell& cell) {
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
  } else if (cache_ != nullptr) {
    const std::string key = runner.key(cell).dump();
    const auto hit = cache_->done.find(key);
    if (hit == cache_->done.end()) {
      cache_->needed.push_back({setup.index, cell, key});
      missed_ = true;
      return Json();
    }
    for (const Json& line : hit->second) emit(line);
    run = hit->second.back();
  } else {
    stop_if_interrupted();
    progress_.start(setup.label + " " + describe(cell));
    if (before_local_run_) before_local_run_(setup, cell);
    run = runner.run(cell);
    progress_.done(run);
  }
  if (!missed_) complete_records_ = records_.size();
  ++finished_;
  return run;
}

namespace {

/// The tuning record of one (variant, B, threads): the rate chosen (per target with
/// /tuning/per_target), its score, and with bracketing whether it is bracketed.
Json choice_record(const Tuning& tuning, const std::vector<Target>& targets, const Json& key,
                   const Cell& first, const LrSearch& search, bool fixed_rate) {
  Json choice = key;
  if (!first.sweep->label.empty()) choice["method"] = first.sweep->label;
  choice.update({{"variant", first.variant->name},
                 // the tuning record's batch_size: 0 stands for the full batch
                 {"batch_size", first.batch.rows(0)},
                 {"threads", first.threads},
                 {"lr", search.best_lr()},
                 {"select_by", tuning.select_by},
                 {"score", search.best_score()}});
  if (tuning.bracket) {
    choice["solved"] = search.solved();
    choice["bracketed"] = search.solved() && search.best_edge() == Edge::kInside;
    if (fixed_rate) choice["fixed_rate"] = true;
    choice["tried"] = search.tried();
    choice["tuning_runs"] = search.runs();
    choice["tuning_seconds"] = search.seconds();
    if (!search.solved()) choice["lr"] = nullptr;  // no rate scored: nothing is chosen
  }
  if (tuning.per_target) {
    Json per_target = Json::array();
    for (std::size_t j = 0; j < search.objectives(); ++j) {
      const bool solved = search.solved(j);
      per_target.push_back({{"target", targets[j].label()},
                            {"lr", solved ? Json(search.best_lr(j)) : Json(nullptr)},
                            {"score", solved ? Json(search.best_score(j)) : Json(nullptr)},
                            {"solved", solved},
                            {"bracketed", solved && search.best_edge(j) == Edge::kInside}});
    }
    choice["per_target"] = std::move(per_target);
  }
  return choice;
}

/// The rates the reporting seeds re-run: the one chosen, or with /tuning/per_target each
/// target's (once each, in the targets' order); none for an objective no rate scored.
std::vector<double> rates_to_report(const Tuning& tuning, const LrSearch& search) {
  std::vector<double> rates;
  for (std::size_t j = 0; j < search.objectives(); ++j) {
    if (tuning.bracket && !search.solved(j)) continue;
    if (std::find(rates.begin(), rates.end(), search.best_lr(j)) == rates.end()) {
      rates.push_back(search.best_lr(j));
    }
  }
  return rates;
}

}  // namespace

/// The lr grid of one (variant, B, threads) with the tuning seeds, then each chosen lr
/// with every reporting seed.
void Sweep::run_tuned_group(const CellRunner& runner, const ProblemSetup& setup,
                            const std::vector<Cell>& cells) {
  LrSearch search(*c_.tuning, setup.pc.targets);
  std::vector<Json> grid;
  grid.reserve(cells.size());
  for (const Cell& cell : cells) grid.push_back(run_cell(runner, setup, cell));
  if (std::any_of(grid.begin(), grid.end(), [](const Json& r) { return r.is_null(); })) {
    throw GroupPending{};  // a pass: the whole grid is asked for at once
  }
  // The plan lists the grid rate by rate, each rate with every tuning seed.
  const std::size_t seeds = c_.seeds.size();
  for (std::size_t i = 0; i < cells.size(); i += seeds) {
    search.offer(cells[i].lr,
                 std::vector<Json>(grid.begin() + static_cast<std::ptrdiff_t>(i),
                                   grid.begin() + static_cast<std::ptrdiff_t>(i + seeds)));
  }
  const Cell& first = cells.front();
  // One rate given (L-BFGS's and Armijo's first trial step, which their line searches
  // adapt): nothing is tuned, so nothing is extended or flagged.
  const bool fixed_rate = cells.size() == seeds;
  if (c_.tuning->bracket && !fixed_rate) extend_to_bracket(runner, setup, first, search);
  chosen_.push_back(
      choice_record(*c_.tuning, setup.pc.targets, setup.extra_key, first, search, fixed_rate));
  const std::vector<double> rates = rates_to_report(*c_.tuning, search);
  if (rates.size() > 1) total_ += (rates.size() - 1) * c_.tuning->seeds.size();
  for (const double lr : rates) {
    for (std::uint64_t seed : c_.tuning->seeds) {
      Cell cell = first;
      cell.lr = lr;
      cell.seed = seed;
      cell.phase = "final";
      run_cell(runner, setup, cell);  // the final cells decide nothing: a pass asks for all
    }
  }
}

std::vector<Json> Sweep::run_rate(const CellRunner& runner, const ProblemSetup& setup,
                                  const Cell& first, double lr) {
  std::vector<Json> runs;
  for (const std::uint64_t seed : c_.seeds) {
    Cell cell = first;
    cell.lr = lr;
    cell.seed = seed;
    ++total_;  // a cell the plan did not count
    runs.push_back(run_cell(runner, setup, cell));
  }
  return runs;
}

/// /tuning/bracket: while an objective's best lr is the lowest (highest) tried, try one
/// grid step beyond it, at most max_extensions times per edge; while an objective has no
/// rate that scores, try beyond the highest, then beyond the lowest.
void Sweep::extend_to_bracket(const CellRunner& runner, const ProblemSetup& setup,
                              const Cell& first, LrSearch& search) {
  std::size_t low = 0, high = 0;
  const std::size_t cap = c_.tuning->max_extensions;
  for (;;) {
    Edge side = Edge::kInside;
    for (std::size_t j = 0; j < search.objectives() && side == Edge::kInside; ++j) {
      side = search.wants_extension(j, low, high, cap);
    }
    if (side == Edge::kInside) return;
    ++(side == Edge::kLow ? low : high);
    const double lr = search.next_rate(side);
    const std::vector<Json> runs = run_rate(runner, setup, first, lr);
    if (std::any_of(runs.begin(), runs.end(), [](const Json& r) { return r.is_null(); })) {
      throw GroupPending{};
    }
    search.offer(lr, runs);
  }
}

}  // namespace sgdbench
