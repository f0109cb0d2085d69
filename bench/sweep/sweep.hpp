#pragma once
// The state of one sweep (sgdbench run): the records so far, written to runs.jsonl in the
// planned order; the finished cells of an interrupted run, replayed; the tuning protocol's
// choices; the closing records. A cell's lines come from one of three places: the resumed
// file, a local run, or, in a distributed sweep (sweep/distributed.hpp), the cells the
// worker ranks have sent back (a CellCache).
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "data/dataset.hpp"
#include "datasets/datasets.hpp"
#include "records/output_files.hpp"
#include "sweep/cell_runner.hpp"
#include "sweep/experiment.hpp"
#include "sweep/interrupt.hpp"
#include "sweep/plan.hpp"
#include "sweep/progress.hpp"
#include "sweep/resume.hpp"
#include "tuning/lr_search.hpp"

namespace sgdbench {

/// One problem, loaded: its config, data, F*, the fields its records carry and its entry
/// of the closing "problems" record.
struct ProblemSetup {
  std::size_t index = 0;              // into ExperimentConfig::problems
  std::string label;                  // the problem's label (its dataset)
  ExperimentConfig pc;                // for_problem(config, problem)
  std::shared_ptr<const Split> data;  // shared with the problems of the same data set
  std::optional<double> f_star;
  Json extra_key;  // {"dataset": label[, "widths": "784-30-10"]}
  Json record;     // its entry of the "problems" record
};

/// Problem `pi` with its data from `datasets`; with `with_f_star`, also solves or runs for
/// F* (seconds to minutes) and fills `record`.
ProblemSetup load_problem(const ExperimentConfig& c, std::size_t pi, const RunOptions& options,
                          bool with_f_star, DatasetCache& datasets);

/// The first record of runs.jsonl: the config, the build, every target's label.
Json experiment_header(const ExperimentConfig& c);

/// A distributed sweep's finished cells (key → its lines, points then run line) and the
/// cells a pass over the sweep found missing, in the order it needs them.
struct CellCache {
  struct Needed {
    std::size_t problem = 0;
    Cell cell;
    std::string key;
  };
  std::map<std::string, std::vector<Json>> done;
  std::vector<Needed> needed;
  std::size_t written = 0;  // lines of runs.jsonl written by earlier passes
};

/// Thrown inside a pass when a tuning decision needs a cell that has not come back yet:
/// the rest of that group waits for a later pass.
struct GroupPending {};

class Sweep {
 public:
  /// `cache`: null runs cells here; else cells come from it, and a missing one is noted in
  /// cache->needed (a pass). `before_local_run`: called before each cell run here (the
  /// lock-step mode of the mpi policy announces it to the other ranks).
  Sweep(const ExperimentConfig& c, const RunOptions& options, const PartialRun& resumed,
        JsonLinesWriter& out, std::size_t cells, std::string partial, CellCache* cache = nullptr,
        std::function<void(const ProblemSetup&, const Cell&)> before_local_run = {});

  void emit(Json line);
  /// The first record; `on_disk`: a resumed run's, already written.
  void header(Json line, bool on_disk);
  /// Runs (or replays, or takes from the cache) one problem's cells.
  void run_problem(const PlannedProblem& plan, const ProblemSetup& setup);
  /// True once a pass met a cell it does not have (nothing after it was written).
  bool missed() const { return missed_; }
  /// The closing records; the records of the whole run.
  const std::vector<Json>& finish();
  /// After Ctrl-C: tables of the finished cells and the message for the user.
  Interrupted interrupted(const std::string& dir);

 private:
  Json run_cell(const CellRunner& runner, const ProblemSetup& setup, const Cell& cell);
  void run_tuned_group(const CellRunner& runner, const ProblemSetup& setup,
                       const std::vector<Cell>& cells);
  void extend_to_bracket(const CellRunner& runner, const ProblemSetup& setup, const Cell& first,
                         LrSearch& search);
  /// The runs of one rate with every tuning seed (null entries in a pass that lacks them).
  std::vector<Json> run_rate(const CellRunner& runner, const ProblemSetup& setup, const Cell& first,
                             double lr);

  const ExperimentConfig& c_;
  const PartialRun& resumed_;
  JsonLinesWriter& out_;
  std::size_t total_;
  std::string partial_;
  std::string resume_command_;  // RunOptions::resume_command
  Progress progress_;
  CellCache* cache_;
  std::function<void(const ProblemSetup&, const Cell&)> before_local_run_;
  std::vector<Json> records_;
  Json chosen_ = Json::array(), problems_ = Json::array();
  std::size_t next_replay_ = 0;       // the first resumed cell not yet replayed
  std::size_t complete_records_ = 0;  // header and finished cells
  std::size_t finished_ = 0;          // cells finished, replayed ones included
  std::size_t emitted_ = 0;           // lines emitted by this pass (cache mode)
  bool missed_ = false;
};

}  // namespace sgdbench
