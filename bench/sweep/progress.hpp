#pragma once
// Progress of a sweep on stderr: a bar with the cell being run and an ETA when stderr is
// a terminal, one plain line per finished cell otherwise (logs, CI).
#include <chrono>
#include <cstddef>
#include <string>

#include "config/json_reader.hpp"

namespace sgdbench {

class Progress {
 public:
  Progress(std::size_t total, bool enabled);
  void start(const std::string& cell);
  void done(const Json& run);
  /// Counts `cells` finished by an earlier, interrupted run (left out of the ETA).
  void resume(std::size_t cells);
  /// Counts `cells` more than planned (bracket extensions).
  void add_cells(std::size_t cells) { total_ += cells; }

 private:
  void draw() const;

  std::size_t total_, finished_ = 0, resumed_ = 0;
  bool enabled_, tty_;
  std::string current_;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace sgdbench
