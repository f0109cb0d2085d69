#include "sweep/resume.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "records/report.hpp"
#include "util/error.hpp"

namespace sgdbench {

PartialRun read_partial_run(const std::string& path, const Json& config,
                            const std::string& commit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open for reading", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();

  PartialRun out;
  std::vector<Json> pending;  // points of the cell being read
  std::size_t line_no = 0, offset = 0, dropped_points = 0;
  while (offset < text.size()) {
    ++line_no;
    const std::size_t end = text.find('\n', offset);
    const bool last = end == std::string::npos || end + 1 == text.size();
    const std::string_view line(text.data() + offset,
                                (end == std::string::npos ? text.size() : end) - offset);
    Json record;
    try {
      if (end == std::string::npos) throw std::runtime_error("no end of line");
      record = Json::parse(line);
    } catch (const std::exception& e) {
      if (!last) {
        throw Error(
            fmt::format("{}: line {} (byte offset {}) is damaged ({}); only the last "
                        "line of an interrupted run may be: cannot resume, run "
                        "without --resume",
                        path, line_no, offset, e.what()));
      }
      out.dropped +=
          fmt::format("a torn last line ({} bytes at byte offset {}); ", line.size(), offset);
      break;
    }
    offset = end + 1;
    const std::string type = record.value("type", "");
    if (line_no == 1) {
      if (type != "experiment") {
        throw Error(fmt::format("{}: line 1: expected the \"experiment\" record", path));
      }
      if (record["config"] != config) {
        throw Error(
            fmt::format("{}: was made from another version of the config: run "
                        "without --resume to start over",
                        path));
      }
      if (record.value("git_commit", "") != commit) {
        throw Error(
            fmt::format("{}: was made by sgdbench at git {}, this is git {}: a results "
                        "file holds one build's figures; run without --resume",
                        path, record.value("git_commit", "?"), commit));
      }
      out.header = std::move(record);
      out.keep_bytes = offset;
      continue;
    }
    if (type == "point") {
      pending.push_back(std::move(record));
    } else if (type == "run") {
      pending.push_back(std::move(record));
      out.cells.push_back(std::move(pending));
      pending.clear();
      out.keep_bytes = offset;
    } else if (type == "tuning" || type == "problems") {
      break;  // closing records: written again at the end
    } else {
      throw Error(fmt::format("{}: line {}: unknown record type \"{}\"", path, line_no, type));
    }
  }
  dropped_points = pending.size();
  if (dropped_points > 0) {
    out.dropped +=
        fmt::format("{} point(s) of a cell that did not finish (it runs again); ", dropped_points);
  }
  if (!out.dropped.empty()) out.dropped.resize(out.dropped.size() - 2);
  return out;
}

namespace {

/// The figures of one run depend on these (bit equality holds per build and ISA); a
/// results file must not mix builds. The core count matters when a cell uses all cores.
void check_same_build(const std::string& dir, const Json& machine, bool default_threads) {
  const std::string path = dir + "/machine.json";
  if (!std::filesystem::exists(path)) {
    throw Error(
        fmt::format("{}: missing, so the build that made {}'s results is unknown: "
                    "run without --resume",
                    path, dir));
  }
  const Json recorded = read_json_file(path);
  std::vector<std::string> fields = {"git_commit", "git_dirty", "compiler", "cxx_flags",
                                     "simd_arch"};
  if (default_threads) fields.emplace_back("logical_cores");
  for (const std::string& f : fields) {
    if (recorded.value(f, Json()) != machine.value(f, Json())) {
      throw Error(
          fmt::format("{}: the results were made with {} {}, this run has {}: a "
                      "results file holds one build's figures; run without --resume",
                      path, f, recorded.value(f, Json()).dump(), machine.value(f, Json()).dump()));
    }
  }
}

std::size_t finished_cells_in(const std::string& path) {
  std::ifstream in(path);
  std::size_t finished = 0;
  for (std::string line; std::getline(in, line);) {
    finished += line.find(R"("type":"run")") != std::string::npos;
  }
  return finished;
}

}  // namespace

StartingPoint starting_point(const std::string& dir, const Json& header, const Json& machine,
                             bool resume, bool default_threads) {
  StartingPoint start;
  const std::string complete = dir + "/runs.jsonl", partial = complete + ".partial";
  if (!resume) {
    const std::size_t finished = std::filesystem::exists(partial) ? finished_cells_in(partial) : 0;
    if (finished > 0) {
      throw Error(fmt::format(
          "{}: holds {} finished cell(s) of an interrupted run: add --resume to keep them, "
          "or delete the file to start over",
          partial, finished));
    }
    return start;
  }
  if (std::filesystem::exists(partial)) {
    check_same_build(dir, machine, default_threads);
    start.partial = read_partial_run(partial, header["config"], header["git_commit"]);
    // Said even with --quiet: what was kept and dropped.
    std::fprintf(stderr, "resuming %s: %zu finished cell(s) kept%s%s\n", partial.c_str(),
                 start.partial.cells.size(), start.partial.dropped.empty() ? "" : "; dropped ",
                 start.partial.dropped.c_str());
    return start;
  }
  if (std::filesystem::exists(complete)) {
    std::vector<Json> records = read_records(dir);
    if (records.front()["config"] != header["config"] ||
        records.front()["git_commit"] != header["git_commit"]) {
      throw Error(
          fmt::format("{}: is complete but was made from another config or build "
                      "(git {}): run without --resume to run again",
                      complete, records.front().value("git_commit", "?")));
    }
    check_same_build(dir, machine, default_threads);
    std::fprintf(stderr, "nothing to resume: %s is complete\n", complete.c_str());
    start.complete = std::move(records);
    return start;
  }
  std::fprintf(stderr, "nothing to resume in %s: starting from the first cell\n", dir.c_str());
  return start;
}

bool same_cell(const Json& run, const Json& key) {
  for (const auto& [field, value] : key.items()) {
    if (!run.contains(field) || run[field] != value) return false;
  }
  // A phase or method present in the record but not in the key is another cell too.
  for (const char* field : {"phase", "method", "widths"}) {
    if (run.contains(field) != key.contains(field)) return false;
  }
  return true;
}

}  // namespace sgdbench
