#include "sweep/experiment.hpp"

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <memory>
#include <optional>

#include "config/datasets.hpp"
#include "data/synthetic.hpp"
#include "data/text_table.hpp"
#include "records/machine.hpp"
#include "records/output_files.hpp"
#include "records/report.hpp"
#include "records/results_folder.hpp"
#include "sweep/interrupt.hpp"
#include "sweep/progress.hpp"
#include "sweep/resume.hpp"
#include "tuning/lr_search.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

#ifndef SGDBENCH_GIT_COMMIT
#define SGDBENCH_GIT_COMMIT "unknown"
#endif

namespace sgdbench {

ModelSpec model_widths(const ExperimentConfig& c, const VariantInfo& v, const Dataset& train) {
  const std::size_t out = train.is_regression() ? 1 : train.classes;
  if (v.model == "softmax" || v.model == "least_squares") {
    const std::vector<std::size_t> w = {train.cols, out};
    if (!c.model.widths.empty() && c.model.widths != w) {
      throw Error(
          fmt::format("{}: /model/widths: {} takes its widths from the data ({} → {}); "
                      "leave them out",
                      c.file, v.name, train.cols, out));
    }
    return {w};
  }
  if (c.model.widths.empty()) {
    throw Error(fmt::format("{}: /model/widths: missing; {} needs layer widths", c.file, v.name));
  }
  if (c.model.widths.front() != train.cols) {
    throw Error(fmt::format("{}: /model/widths/0: input width {} but {} has {} features per row",
                            c.file, c.model.widths.front(), train.name, train.cols));
  }
  if (c.model.widths.back() != out) {
    throw Error(fmt::format("{}: /model/widths/{}: output width {} but {} has {} classes", c.file,
                            c.model.widths.size() - 1, c.model.widths.back(), train.name, out));
  }
  return {c.model.widths};
}

Split check_problem(const ExperimentConfig& c, const std::string& data_dir) {
  const Registry& registry = compiled_variants();
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    if (registry.find(c.variants[i]) != nullptr) continue;
    std::string known;
    for (const auto& v : registry.all()) known += "\n  " + v.name;
    throw Error(
        fmt::format("{}: /variants/{}: variant \"{}\" is not compiled in this build. Compiled:{}\n"
                    "To add one, list its file under variants/ in SGDBENCH_VARIANTS, e.g.\n"
                    "  cmake --preset release -DSGDBENCH_VARIANTS=\"<list>;<new_variant>\"",
                    c.file, i, c.variants[i], known));
  }
  Split data = load_dataset(c, data_dir);
  // With several problems, a variant runs on those of its task (classification or
  // regression); with one problem, every variant must fit it.
  std::size_t fitting = 0;
  for (std::size_t i = 0; i < c.variants.size(); ++i) {
    const VariantInfo& v = *registry.find(c.variants[i]);
    if (v.classifier == data.train.is_regression()) {
      if (c.problems.size() > 1) continue;
      throw Error(fmt::format("{}: /variants/{}: {} is a {} model but {} is a {} problem", c.file,
                              i, v.name, v.classifier ? "classification" : "regression",
                              c.dataset.name,
                              data.train.is_regression() ? "regression" : "classification"));
    }
    ++fitting;
    const ModelSpec m = model_widths(c, v, data.train);  // throws when they do not fit the data
    if (c.record_params) {
      std::size_t params = m.widths.front();  // least squares: one weight a feature
      if (v.model != "least_squares") {
        params = 0;
        for (std::size_t l = 1; l < m.widths.size(); ++l)
          params += (m.widths[l - 1] + 1) * m.widths[l];
      }
      if (params > 64) {
        throw Error(
            fmt::format("{}: /eval/record_params: {} has {} parameters on {}; at most 64 "
                        "are recorded",
                        c.file, v.name, params, c.dataset.name));
      }
    }
  }
  if (fitting == 0) {
    throw Error(fmt::format("{}: /variants: none fits the {} problem {}", c.file,
                            data.train.is_regression() ? "regression" : "classification",
                            c.dataset.name));
  }
  for (std::size_t vi = 0; vi < c.variant_sweeps.size(); ++vi) {
    const auto& own = c.variant_sweeps[vi].batch_sizes;
    for (std::size_t i = 0; i < own.size(); ++i) {
      if (own[i] > data.train.rows) {
        throw Error(
            fmt::format("{}: /variants/{}/batch_size/{}: batch size {} exceeds the {} "
                        "training rows",
                        c.file, vi, i, own[i], data.train.rows));
      }
    }
  }
  for (std::size_t i = 0; i < c.batch_sizes.size(); ++i) {
    if (c.batch_sizes[i] > data.train.rows) {
      throw Error(
          fmt::format("{}: /sweep/batch_size/{}: batch size {} exceeds the {} training rows",
                      c.file, i, c.batch_sizes[i], data.train.rows));
    }
  }
  return data;
}

std::size_t check_experiment(const ExperimentConfig& c, const std::string& data_dir) {
  for (const Problem& p : c.problems) check_problem(for_problem(c, p), data_dir);
  return c.problems.size() * c.variants.size() * c.batch_sizes.size() * c.threads.size() *
         c.learning_rates.size() * (c.tuning ? 1 + c.tuning->seeds.size() : c.seeds.size());
}

namespace {

/// JSON has no NaN: a figure that does not apply (accuracy of a regression) is null.
Json finite_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

/// One run cell of the sweep.
struct Cell {
  const VariantInfo* variant = nullptr;
  std::size_t batch = 0;  // 0: full batch
  double lr = 0.0;
  std::uint64_t seed = 0;
  std::size_t threads = 0;
  std::string phase;                    // "tune" or "final" under the tuning protocol, else empty
  const VariantSweep* sweep = nullptr;  // the variant entry's own label and schedule
};

/// Runs cells and writes their records; shared state of one experiment.
class CellRunner {
 public:
  CellRunner(const ExperimentConfig& c, const Split& data, std::optional<double> f_star,
             Json extra_key, std::function<void(Json)> emit)
      : c_(c),
        data_(data),
        f_star_(f_star),
        extra_key_(std::move(extra_key)),
        emit_(std::move(emit)) {}

  /// The fields that name a cell in its records.
  Json key(const Cell& cell) const {
    Json key = {{"experiment", c_.name},
                {"variant", cell.variant->name},
                {"dataset", c_.dataset.name},
                {"batching", cell.batch == 0 ? "full" : "mini"},
                {"batch_size", cell.batch == 0 ? data_.train.rows : cell.batch},
                {"lr", cell.lr},
                {"seed", cell.seed},
                {"threads", threads_of(cell)}};
    key.update(extra_key_);
    if (cell.sweep != nullptr && !cell.sweep->label.empty()) key["method"] = cell.sweep->label;
    if (!cell.phase.empty()) key["phase"] = cell.phase;
    return key;
  }

  /// Trains one cell; emits its points and its run line, and returns the run line. After
  /// Ctrl-C it throws Interrupted at the next evaluation point.
  Json run(const Cell& cell) {
    const VariantInfo& v = *cell.variant;
    const std::size_t threads = threads_of(cell);
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    TrainSpec spec;
    spec.batch_size = cell.batch == 0 ? data_.train.rows : cell.batch;
    spec.lr = static_cast<float>(cell.lr);
    spec.seed = cell.seed;
    const double epochs =
        cell.sweep != nullptr && cell.sweep->epochs > 0 ? cell.sweep->epochs : c_.epochs;
    spec.epochs = epochs > 0 ? epochs : std::numeric_limits<double>::infinity();
    spec.max_grad_evals = c_.max_grad_evals;
    spec.max_updates = c_.max_updates;
    spec.max_seconds = c_.max_seconds;
    spec.eval_every_grad_evals =
        c_.eval_every_grad_evals > 0
            ? c_.eval_every_grad_evals
            : std::max<std::uint64_t>(
                  1, static_cast<std::uint64_t>(std::llround(
                         c_.eval_every_epochs * static_cast<double>(data_.train.rows))));
    spec.chunk_rows = c_.chunk_rows;
    spec.divergence_loss = c_.divergence_loss;
    spec.schedule =
        cell.sweep != nullptr && cell.sweep->schedule ? *cell.sweep->schedule : c_.schedule;
    spec.update = c_.update;
    spec.l2 = static_cast<float>(c_.model.l2);
    spec.init = c_.model.init;
    spec.svrg_inner_epochs = c_.svrg_inner_epochs;
    spec.lbfgs_memory = c_.lbfgs_memory;
    spec.record_params = c_.record_params;
    if (c_.until_first_target && !c_.targets.empty() &&
        c_.targets.front().metric != "suboptimality") {
      spec.stop_metric = c_.targets.front().metric;
      spec.stop_value = c_.targets.front().value;
    }
    spec.noise_b_small = c_.noise_b_small;
    spec.noise_b_big = c_.noise_b_big;
    spec.noise_batches = c_.noise_batches;

    const Json key = this->key(cell);
    Json reached = Json::object();
    auto observe = [&](const MetricPoint& p) {
      Json line = key;
      line["type"] = "point";
      add_figures(line, p);
      if (spec.noise_b_big > 0) line["b_simple"] = finite_or_null(p.b_simple);
      if (!p.params.empty()) line["params"] = p.params;
      if (data_.validation.rows > 0) {
        line["validation_loss"] = p.validation_loss;
        line["validation_accuracy"] = finite_or_null(p.validation_accuracy);
      }
      for (const Target& t : c_.targets) {
        const Json& value = line[t.metric];
        if (reached.contains(t.label()) || !value.is_number() || !t.reached(value.get<double>()))
          continue;
        reached[t.label()] = {{"seconds", p.train_seconds},
                              {"epochs", p.epoch},
                              {"updates", p.updates},
                              {"grad_evals", p.grad_evals}};
      }
      // Under tuning with points off, a tuning run's curve is not kept (its run line is).
      if (cell.phase != "tune" || !c_.tuning || c_.tuning->points) emit_(std::move(line));
      stop_if_interrupted();
    };
    const RunResult r = v.run(model_widths(c_, v, data_.train), data_.train, data_.test,
                              data_.validation.rows > 0 ? &data_.validation : nullptr, spec,
                              cell.batch == 0, observe);
    Json line = key;
    line["type"] = "run";
    line["status"] = std::string(to_string(r.status));
    add_figures(line, r.final_point);
    line["samples_per_second"] = r.samples_per_second;
    if (!c_.targets.empty()) {
      Json targets = Json::object();
      for (const Target& t : c_.targets) {
        targets[t.label()] =
            reached.contains(t.label()) ? reached[t.label()] : Json{{"missed", true}};
      }
      line["targets"] = std::move(targets);
    }
    emit_(line);
    return line;
  }

 private:
  static std::size_t threads_of(const Cell& cell) {
    return cell.threads == 0 ? static_cast<std::size_t>(tbb::info::default_concurrency())
                             : cell.threads;
  }

  void add_figures(Json& line, const MetricPoint& p) const {
    line["epoch"] = p.epoch;
    line["grad_evals"] = p.grad_evals;
    line["updates"] = p.updates;
    line["train_seconds"] = p.train_seconds;
    line["train_loss"] = p.train_loss;
    line["test_loss"] = p.test_loss;
    line["test_accuracy"] = finite_or_null(p.test_accuracy);  // null for regression
    line["grad_norm"] = p.grad_norm;
    if (f_star_) line["suboptimality"] = p.train_loss - *f_star_;
  }

  const ExperimentConfig& c_;
  const Split& data_;
  std::optional<double> f_star_;
  Json extra_key_;  // dataset label, widths
  std::function<void(Json)> emit_;
};

std::string describe(const Cell& c) {
  const std::string name = c.sweep != nullptr && !c.sweep->label.empty()
                               ? c.sweep->label + " (" + c.variant->name + ")"
                               : c.variant->name;
  return fmt::format("{} B={} lr={:g} seed={}{}{}", name,
                     c.batch == 0 ? "full" : std::to_string(c.batch), c.lr, c.seed,
                     c.threads ? fmt::format(" threads={}", c.threads) : "",
                     c.phase.empty() ? "" : " (" + c.phase + ")");
}

bool batching_compiled(const VariantInfo& v, std::size_t batch) {
  const std::string b = batch == 0 ? "full" : "mini";
  return std::find(v.batchings.begin(), v.batchings.end(), b) != v.batchings.end();
}

/// F* as the final objective of a long run of /f_star/variant (full batch, lr 1: L-BFGS
/// chooses its own steps), with the experiment's L2 and chunking.
double long_run_f_star(const ExperimentConfig& c, const Split& data, const RunOptions& options) {
  const VariantInfo* v = compiled_variants().find(c.f_star_variant);
  if (v == nullptr) {
    throw Error(
        fmt::format("{}: /f_star/variant: \"{}\" is not compiled", c.file, c.f_star_variant));
  }
  TrainSpec spec;
  spec.batch_size = data.train.rows;
  spec.lr = 1.0f;
  spec.epochs = c.f_star_epochs;
  spec.eval_every_grad_evals = std::numeric_limits<std::uint64_t>::max() / 2;  // final point only
  spec.l2 = static_cast<float>(c.model.l2);
  spec.chunk_rows = c.chunk_rows;
  spec.init = c.model.init;
  if (options.progress) {
    std::fprintf(stderr, "F*: %s for %g epochs...\n", v->name.c_str(), c.f_star_epochs);
  }
  const RunResult r =
      v->run(model_widths(c, *v, data.train), data.train, data.test, nullptr, spec, true, {});
  return r.final_point.train_loss;
}

/// Whether a dataset is a classification or a regression problem, from its config.
Task task_of(const DatasetConfig& d) {
  const bool regression = d.name == "synthetic-lsq" || d.name == "quadratic-bowl-2d" ||
                          d.name == "noisy-lsq-2d" ||
                          ((d.name == "csv" || d.name == "libsvm") && d.task == "regression");
  return regression ? Task::kRegression : Task::kClassification;
}

std::string widths_label(const std::vector<std::size_t>& widths) {
  std::string s;
  for (std::size_t w : widths) s += (s.empty() ? "" : "-") + std::to_string(w);
  return s;
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

void write_tables_and_plots(const std::string& dir, const std::vector<Json>& records,
                            const RunOptions& options) {
  write_report(dir, records);
  if (options.plots) draw_plots(dir);
}

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
  const Json machine = machine_description(c);
  const bool all_cores = std::find(c.threads.begin(), c.threads.end(), 0) != c.threads.end();
  StartingPoint start = starting_point(dir, header, machine, options.resume, all_cores);
  if (!start.complete.empty()) {
    write_tables_and_plots(dir, start.complete, options);
    return start.complete;
  }
  PartialRun& resumed = start.partial;
  const std::string partial = dir + "/runs.jsonl.partial";
  const bool resuming = !resumed.header.is_null();
  // A new run replaces a complete one only when it completes: until then the old one is
  // runs.jsonl.previous, so an interrupted re-run leaves a consistent folder.
  if (!resuming) folder.set_aside("runs.jsonl");
  write_file_atomically(dir + "/machine.json", machine.dump(2) + "\n");

  JsonLinesWriter out(dir + "/runs.jsonl",
                      resuming ? std::optional<std::uintmax_t>(resumed.keep_bytes) : std::nullopt);
  std::vector<Json> records;
  auto emit = [&](Json line) {
    out.write(line);
    records.push_back(std::move(line));
  };
  if (resuming) {
    records.push_back(resumed.header);  // already on disk
  } else {
    emit(header);
  }

  // The cells of each problem: variant × batch size × threads × lr × seed, or under
  // tuning, per (variant, batch size, threads) the lr grid with the one seed, then the
  // chosen lr with every tuning seed.
  struct Planned {
    std::size_t problem;
    std::vector<std::vector<Cell>> groups;
  };
  std::vector<Planned> plans;
  std::size_t total = 0;
  std::vector<Task> problem_tasks;  // known from the check above without loading again
  for (const Problem& p : c.problems) problem_tasks.push_back(task_of(p.dataset));
  for (std::size_t pi = 0; pi < c.problems.size(); ++pi) {
    Planned plan{pi, {}};
    for (std::size_t vi = 0; vi < c.variants.size(); ++vi) {
      const VariantInfo* v = compiled_variants().find(c.variants[vi]);
      const VariantSweep& vs = c.variant_sweeps[vi];
      if (v->classifier != (problem_tasks[pi] == Task::kClassification)) continue;  // other task
      const auto& batches = vs.batch_sizes.empty() ? c.batch_sizes : vs.batch_sizes;
      const auto& lrs = vs.learning_rates.empty() ? c.learning_rates : vs.learning_rates;
      for (std::size_t b : batches) {
        if (!batching_compiled(*v, b)) {
          if (options.progress && pi == 0) {
            std::fprintf(stderr, "skipping %s at B=%s: it runs on %s batches only\n",
                         v->name.c_str(), b == 0 ? "full" : std::to_string(b).c_str(),
                         v->batchings.front().c_str());
          }
          continue;
        }
        for (std::size_t t : c.threads) {
          std::vector<Cell> group;  // the lr grid of one (variant, B, threads)
          for (double lr : lrs) {
            for (std::uint64_t seed : c.seeds) {
              group.push_back({v, b, lr, seed, t, c.tuning ? "tune" : "", &vs});
            }
          }
          plan.groups.push_back(std::move(group));
        }
      }
    }
    for (const auto& g : plan.groups) {
      total += g.size() + (c.tuning ? c.tuning->seeds.size() : 0);
    }
    plans.push_back(std::move(plan));
  }
  Progress progress(total, options.progress);
  progress.resume(std::min(resumed.cells.size(), total));
  Json chosen = Json::array();
  Json problems = Json::array();
  std::size_t next_replay = 0;                    // the first resumed cell not yet replayed
  std::size_t complete_records = records.size();  // header and finished cells
  std::size_t finished_cells = 0;
  try {
    for (const Planned& plan : plans) {
      const Problem& problem = c.problems[plan.problem];
      const ExperimentConfig pc = for_problem(c, problem);
      const Split data = load_dataset(pc, options.data_dir);
      stop_if_interrupted();  // loading and F* take seconds: Ctrl-C is honoured between them
      // Suboptimality F(w) − F* needs F*: exact for least squares (solved in double).
      std::optional<double> f_star;
      if (data.train.is_regression() && pc.dataset.name != "csv" && pc.dataset.name != "libsvm") {
        f_star = solve_least_squares(data.train, pc.model.l2).f;
      } else if (!c.f_star_variant.empty()) {
        f_star = long_run_f_star(pc, data, options);
        stop_if_interrupted();
      }
      Json info = {{"dataset", problem.label},
                   {"train_rows", data.train.rows},
                   {"test_rows", data.test.rows},
                   {"validation_rows", data.validation.rows}};
      if (!problem.widths.empty()) info["widths"] = widths_label(problem.widths);
      if (f_star) info["f_star"] = *f_star;
      if (data.train.is_regression() && data.train.cols <= 8) {
        // F(w) = ½ wᵀAw − bᵀw + c (+ λ/2 ‖w‖²): lets a plot draw the loss's contours.
        const auto q = least_squares_quadratic(data.train);
        info["quadratic"] = {{"A", q.a}, {"b", q.b}, {"c", q.c}, {"l2", pc.model.l2}};
      }
      problems.push_back(info);

      Json extra_key = {{"dataset", problem.label}};
      if (c.widths_swept) extra_key["widths"] = widths_label(problem.widths);
      CellRunner runner(pc, data, f_star, extra_key, emit);
      // A finished cell of the interrupted run is replayed from its records; the others run.
      auto run_cell = [&](const Cell& cell) -> Json {
        Json run;
        if (next_replay < resumed.cells.size()) {
          const std::vector<Json>& kept = resumed.cells[next_replay];
          if (!same_cell(kept.back(), runner.key(cell))) {
            throw Error(fmt::format(
                "{}: finished cell {} is {}, but this config's cell {} is {}: cannot resume, "
                "run without --resume",
                partial, next_replay + 1, kept.back().dump(), next_replay + 1,
                runner.key(cell).dump()));
          }
          ++next_replay;
          records.insert(records.end(), kept.begin(), kept.end());
          run = kept.back();
        } else {
          stop_if_interrupted();
          progress.start(problem.label + " " + describe(cell));
          run = runner.run(cell);
          progress.done(run);
        }
        complete_records = records.size();
        ++finished_cells;
        return run;
      };
      for (const auto& cells : plan.groups) {
        if (!c.tuning) {
          for (const Cell& cell : cells) run_cell(cell);
          continue;
        }
        // Tuning: the lr grid of this group with the tuning seed, then the best lr re-run.
        LrSearch search(*c.tuning, pc.targets);
        for (const Cell& cell : cells) search.offer(cell.lr, run_cell(cell));
        const double best_lr = search.best_lr();
        Json choice = extra_key;
        if (!cells.front().sweep->label.empty()) choice["method"] = cells.front().sweep->label;
        choice.update({{"variant", cells.front().variant->name},
                       {"batch_size", cells.front().batch},
                       {"threads", cells.front().threads},
                       {"lr", best_lr},
                       {"select_by", c.tuning->select_by},
                       {"score", search.best_score()}});
        chosen.push_back(choice);
        for (std::uint64_t seed : c.tuning->seeds) {
          Cell cell = cells.front();
          cell.lr = best_lr;
          cell.seed = seed;
          cell.phase = "final";
          run_cell(cell);
        }
      }
    }
  } catch (const Interrupted&) {
    // Tables of what is complete; the half-done cell's points stay out of them (and are
    // dropped by --resume).
    records.resize(complete_records);
    write_report(dir, records,
                 fmt::format("**Interrupted after {} of {} run cells**: these tables show the "
                             "finished ones; `sgdbench run {} --resume` completes the run.",
                             finished_cells, total, c.file));
    throw Interrupted(
        fmt::format("interrupted after {} of {} run cells; they are kept in {} and tabled in "
                    "{}/summary.md",
                    finished_cells, total, partial, dir));
  }
  if (next_replay < resumed.cells.size()) {
    throw Error(
        fmt::format("{}: holds {} finished cells, more than this config's {}: cannot "
                    "resume, run without --resume",
                    partial, resumed.cells.size(), next_replay));
  }
  if (c.tuning) emit({{"type", "tuning"}, {"experiment", c.name}, {"chosen", chosen}});
  // The problems' sizes and F* are known only once each is loaded: a closing record.
  emit({{"type", "problems"}, {"experiment", c.name}, {"problems", problems}});
  // Tables first: a kill between the two leaves a complete .partial that --resume
  // finishes, never a runs.jsonl beside stale tables.
  write_report(dir, records);
  out.commit();
  folder.drop_set_aside();
  if (options.plots) draw_plots(dir);
  return records;
}

}  // namespace sgdbench
