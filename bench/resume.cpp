#include "resume.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

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
        throw Error(fmt::format("{}: line {} (byte offset {}) is damaged ({}); only the last "
                                "line of an interrupted run may be: cannot resume, run "
                                "without --resume",
                                path, line_no, offset, e.what()));
      }
      out.dropped += fmt::format("a torn last line ({} bytes at byte offset {}); ",
                                 line.size(), offset);
      break;
    }
    offset = end + 1;
    const std::string type = record.value("type", "");
    if (line_no == 1) {
      if (type != "experiment") {
        throw Error(fmt::format("{}: line 1: expected the \"experiment\" record", path));
      }
      if (record["config"] != config) {
        throw Error(fmt::format("{}: was made from another version of the config: run "
                                "without --resume to start over",
                                path));
      }
      if (record.value("git_commit", "") != commit) {
        throw Error(fmt::format("{}: was made by sgdbench at git {}, this is git {}: a results "
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
    out.dropped += fmt::format("{} point(s) of a cell that did not finish (it runs again); ",
                               dropped_points);
  }
  if (!out.dropped.empty()) out.dropped.resize(out.dropped.size() - 2);
  return out;
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
