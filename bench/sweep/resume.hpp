#pragma once
// Reading an interrupted run's runs.jsonl.partial for `sgdbench run --resume`: the
// complete cells (each its points, then its run line) are kept and replayed, a half-done
// cell's points and a torn last line are dropped (and said so), and the file is cut back
// to the bytes of what is kept before new records are appended. Cells run in a fixed
// order, so the resumed file equals an uninterrupted run's, timings aside.
#include <cstdint>
#include <string>
#include <vector>

#include "config/json_reader.hpp"

namespace sgdbench {

struct PartialRun {
  Json header;  // the "experiment" record; null when even it was not written completely
  std::vector<std::vector<Json>> cells;  // each complete cell: its points, then its run line
  std::uintmax_t keep_bytes = 0;         // the header and the complete cells
  std::string dropped;                   // what was not kept, for the user ("" if nothing)
};

/// Reads `path`; an Error names the line and byte offset of a damaged record that is not
/// the last, and refuses a file made from another config or another build.
PartialRun read_partial_run(const std::string& path, const Json& config, const std::string& commit);

/// What `sgdbench run` starts from in a results folder: nothing, the finished cells of an
/// interrupted run (with --resume), or, with --resume, a complete run of the same config
/// and build (nothing left to do). Refuses a folder that would mix configs or builds, and
/// a plain run over finished cells (they are not thrown away by forgetting --resume).
struct StartingPoint {
  PartialRun partial;          // header null: start from the first cell
  std::vector<Json> complete;  // non-empty: runs.jsonl already holds this run
};
/// `header` is the experiment record this run writes; `machine` its machine.json;
/// `default_threads`: some cell runs on all cores, so the core count must match too.
StartingPoint starting_point(const std::string& dir, const Json& header, const Json& machine,
                             bool resume, bool default_threads);

/// Whether `run` (a run record) is the cell that `key` (the key fields) describes.
bool same_cell(const Json& run, const Json& key);

}  // namespace sgdbench
