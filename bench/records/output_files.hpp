#pragma once
// Result files are never left half-written: each is written to <name>.partial and
// renamed into place only when complete. runs.jsonl.partial is flushed line by line, so
// a long sweep can be followed while it runs.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>

#include "config/json_reader.hpp"

namespace sgdbench {

void write_file_atomically(const std::string& path, const std::string& content);

class JsonLinesWriter {
 public:
  /// Starts <path>.partial afresh, or with `resume_at`, keeps its first `resume_at` bytes
  /// (the complete records of an interrupted run) and appends after them.
  explicit JsonLinesWriter(std::string path, std::optional<std::uintmax_t> resume_at = {});
  ~JsonLinesWriter();  // without commit(), the .partial file stays as a record of the failure
  JsonLinesWriter(const JsonLinesWriter&) = delete;
  JsonLinesWriter& operator=(const JsonLinesWriter&) = delete;

  void write(const Json& line);
  /// Closes the file and renames it into place.
  void commit();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace sgdbench
