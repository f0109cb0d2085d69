#pragma once
// The results folder of one experiment (results/<name>/), held for writing. Everything
// that would make the writes fail is checked before any training starts: the folder can
// be created and written, and none of the output names is taken by a directory. An
// advisory lock (flock on <dir>/.sgdbench.lock) keeps a second sgdbench from writing the
// same folder: it refuses at once and names the holder. The kernel drops the lock when
// the holder exits, even on kill -9, so a stale lock file never blocks anyone.
#include <string>

namespace sgdbench {

class ResultsFolder {
 public:
  /// Creates and locks `dir`; `what` says what the holder does (shown to a second
  /// process). Throws Error naming the path on any failure.
  ResultsFolder(std::string dir, const std::string& what);
  ~ResultsFolder();
  ResultsFolder(const ResultsFolder&) = delete;
  ResultsFolder& operator=(const ResultsFolder&) = delete;

  const std::string& dir() const { return dir_; }

  /// Removes the folder again if this object created it and nothing but the lock is in
  /// it (a config that fails its checks leaves no empty results folder behind).
  void remove_if_unused();
  /// Renames <dir>/<name> to <name>.previous, if it exists: an older complete result
  /// that a new run replaces only when it completes.
  void set_aside(const std::string& name);
  /// Deletes <dir>/<name>.previous files: the new result is complete.
  void drop_set_aside();

  /// Who else holds `dir`'s lock now ("pid … on …, since …, command"), or "" when nobody
  /// but this process does:
  /// for the commands that only read a folder (verify), to name a writer at work there.
  static std::string holder(const std::string& dir);
  /// The name of the lock file inside a results folder.
  static constexpr const char* kLockFile = ".sgdbench.lock";

 private:
  std::string dir_;
  int lock_fd_ = -1;
  std::string created_;  // the outermost folder the constructor created ("" if none)
};

/// The files a run writes into its folder (each also as <name>.partial while written).
inline constexpr const char* kOutputFiles[] = {"runs.jsonl", "summary.md", "summary.csv",
                                               "summary.tex", "machine.json"};

}  // namespace sgdbench
