#include "sweep/distributed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "exec/mpi_world.hpp"
#include "sweep/interrupt.hpp"
#include "sweep/progress.hpp"
#include "sweep/sweep.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace {

// Message tags: rank 0 → worker (a cell, stop), worker → rank 0 (its lines, an error).
constexpr int kCell = 1, kStop = 2, kResult = 3, kFailed = 4;

/// A cell as text: everything a rank with the same config needs to rebuild it; the lr and
/// F* as their bits (the records must not depend on a decimal round trip).
Json cell_message(const ExperimentConfig& c, std::size_t problem, const Cell& cell,
                  std::optional<double> f_star) {
  return {{"problem", problem},
          {"variant", cell.variant->name},
          {"variant_sweep", static_cast<std::size_t>(cell.sweep - c.variant_sweeps.data())},
          {"batch", cell.batch.to_string()},
          {"lr_bits", std::bit_cast<std::uint64_t>(cell.lr)},
          {"seed", cell.seed},
          {"threads", cell.threads},
          {"phase", cell.phase},
          {"f_star_bits", f_star ? Json(std::bit_cast<std::uint64_t>(*f_star)) : Json()}};
}

Cell cell_of(const ExperimentConfig& c, const Json& m) {
  Cell cell;
  cell.variant = compiled_variants().find(m.at("variant").get<std::string>());
  if (cell.variant == nullptr) throw Error("rank 0 sent a variant this build lacks: " + m.dump());
  cell.sweep = &c.variant_sweeps.at(m.at("variant_sweep").get<std::size_t>());
  cell.batch = *BatchSize::parse(m.at("batch").get<std::string>());
  cell.lr = std::bit_cast<double>(m.at("lr_bits").get<std::uint64_t>());
  cell.seed = m.at("seed").get<std::uint64_t>();
  cell.threads = m.at("threads").get<std::size_t>();
  cell.phase = m.at("phase").get<std::string>();
  return cell;
}

std::optional<double> f_star_of(const Json& m) {
  const Json& bits = m.at("f_star_bits");
  if (bits.is_null()) return std::nullopt;
  return std::bit_cast<double>(bits.get<std::uint64_t>());
}

/// The problem a worker holds: set up when a cell of another one arrives.
class LoadedProblem {
 public:
  LoadedProblem(const ExperimentConfig& c, const RunOptions& options)
      : c_(c), options_(options), datasets_(options.data_dir) {}
  ProblemSetup& get(const Json& m) {
    const auto pi = m.at("problem").get<std::size_t>();
    if (!setup_ || setup_->index != pi) {
      setup_.reset();  // one problem's data in memory at a time
      setup_ = load_problem(c_, pi, options_, false, datasets_);
    }
    setup_->f_star = f_star_of(m);
    return *setup_;
  }

 private:
  const ExperimentConfig& c_;
  const RunOptions& options_;
  DatasetCache datasets_;  // a problem of the same data set as the last one loads nothing
  std::optional<ProblemSetup> setup_;
};

std::string host_of(const RunOptions& options, int rank) {
  const Json& hosts = options.ranks.value("hosts", Json::array());
  return rank < static_cast<int>(hosts.size())
             ? hosts[static_cast<std::size_t>(rank)].get<std::string>()
             : "?";
}

int serve_cells(const ExperimentConfig& c, const RunOptions& options) {
  LoadedProblem problem(c, options);
  for (;;) {
    const mpi::Message m = mpi::receive(0);
    if (m.tag == kStop) return 0;
    const Json msg = Json::parse(m.text);
    try {
      const ProblemSetup& setup = problem.get(msg);
      Json lines = Json::array();
      const CellRunner runner(setup.pc, *setup.data, setup.f_star, setup.extra_key,
                              [&](Json l) { lines.push_back(std::move(l)); });
      runner.run(cell_of(c, msg));
      mpi::send_text(lines.dump(), 0, kResult);
    } catch (const Interrupted&) {
      return 130;  // rank 0 saw the signal too and ends the job
    } catch (const std::exception& e) {
      mpi::send_text(e.what(), 0, kFailed);
    }
  }
}

int follow_lock_step(const ExperimentConfig& c, const RunOptions& options) {
  LoadedProblem problem(c, options);
  for (;;) {
    const std::string text = mpi::broadcast_text("");
    if (text == "stop") return 0;
    const Json msg = Json::parse(text);
    const ProblemSetup& setup = problem.get(msg);
    // The same run as rank 0's, step for step (the policy's reductions are collective);
    // its records are rank 0's to write.
    const CellRunner runner(setup.pc, *setup.data, setup.f_star, setup.extra_key,
                            [](const Json&) {});
    runner.run(cell_of(c, msg));
  }
}

}  // namespace

bool uses_mpi_policy(const ExperimentConfig& c) {
  for (const std::string& name : c.variants) {
    const VariantInfo* v = compiled_variants().find(name);
    if (v != nullptr && v->collective) return true;
  }
  return false;
}

void announce_lock_step(const ExperimentConfig& c, const ProblemSetup& setup, const Cell& cell) {
  if (!cell.variant->collective) return;  // the other ranks wait; rank 0 runs it alone
  mpi::broadcast_text(cell_message(c, setup.index, cell, setup.f_star).dump());
}

void end_lock_step() {
  mpi::broadcast_text("stop");
}

void end_cells() {
  for (int r = 1; r < mpi::size(); ++r) mpi::send_text("", r, kStop);
}

int serve_rank(const ExperimentConfig& c, const RunOptions& options, bool lock_step) {
  return lock_step ? follow_lock_step(c, options) : serve_cells(c, options);
}

std::vector<Json> distributed_sweep(const ExperimentConfig& c, const RunOptions& options,
                                    const SweepPlan& plan, const PartialRun& resumed,
                                    const Json& header, bool header_on_disk, JsonLinesWriter& out,
                                    const std::string& dir, DatasetCache& datasets) {
  // Rank 0 loads every problem and its F* first (the workers get F* with each cell).
  std::map<std::size_t, ProblemSetup> setups;
  std::set<std::string> planned;  // the plan's cells, to count bracket extensions
  for (const PlannedProblem& p : plan.problems) {
    const ProblemSetup& s =
        setups.emplace(p.problem, load_problem(c, p.problem, options, true, datasets))
            .first->second;
    const CellRunner keys(s.pc, *s.data, s.f_star, s.extra_key, [](const Json&) {});
    for (const auto& group : p.groups) {
      for (const Cell& cell : group) planned.insert(keys.key(cell).dump());
    }
  }
  const int ranks = mpi::size();
  CellCache cache;
  Progress progress(plan.cells, options.progress);
  progress.resume(std::min(resumed.cells.size(), plan.cells));
  std::set<std::string> asked;
  std::deque<CellCache::Needed> queue;
  std::vector<int> idle;
  for (int r = ranks - 1; r >= 1; --r) idle.push_back(r);
  std::map<int, CellCache::Needed> busy;

  for (;;) {
    // A pass over the whole sweep with what has come back: it writes every line it can in
    // the planned order and notes the cells it misses (cheap: no training).
    cache.needed.clear();
    Sweep pass(c, options, resumed, out, plan.cells, dir + "/runs.jsonl.partial", &cache);
    pass.header(header, header_on_disk);
    for (const PlannedProblem& p : plan.problems) pass.run_problem(p, setups.at(p.problem));
    if (!pass.missed()) {
      return pass.finish();
    }
    for (CellCache::Needed& n : cache.needed) {
      if (!asked.insert(n.key).second) continue;
      if (!planned.count(n.key) && n.cell.phase == "tune") progress.add_cells(1);
      queue.push_back(std::move(n));
    }
    while (!idle.empty() && !queue.empty()) {
      const int r = idle.back();
      idle.pop_back();
      const CellCache::Needed& n = queue.front();
      mpi::send_text(cell_message(c, n.problem, n.cell, setups.at(n.problem).f_star).dump(), r,
                     kCell);
      busy.emplace(r, std::move(queue.front()));
      queue.pop_front();
    }
    if (busy.empty()) {
      throw std::logic_error("distributed sweep: cells missing but none running or queued");
    }
    // Wait for one worker, then take whatever else has arrived.
    std::optional<mpi::Message> m = mpi::receive(-1, [&] {
      if (interrupt_requested()) {
        throw Interrupted(fmt::format(
            "interrupted; the finished cells written in order are kept in {}/runs.jsonl.partial",
            dir));
      }
    });
    for (; m; m = mpi::try_receive(-1)) {
      const auto it = busy.find(m->from);
      if (it == busy.end()) continue;
      CellCache::Needed n = std::move(it->second);
      busy.erase(it);
      idle.push_back(m->from);
      if (m->tag == kFailed) {
        throw Error(fmt::format("rank {} ({}) failed on {}: {}", m->from, host_of(options, m->from),
                                n.key, m->text));
      }
      Json lines = Json::parse(m->text);
      progress.start(setups.at(n.problem).label + " " + describe(n.cell));
      progress.done(lines.back());
      cache.done.emplace(n.key, lines.get<std::vector<Json>>());
    }
  }
}

}  // namespace sgdbench
