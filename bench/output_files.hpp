#pragma once
// Result files are never left half-written: each is written to <name>.partial and
// renamed into place only when complete. runs.jsonl.partial is flushed line by line, so
// a long sweep can be followed while it runs.
#include <cstdio>
#include <string>

#include "json_reader.hpp"

namespace sgdbench {

void write_file_atomically(const std::string& path, const std::string& content);

class JsonLinesWriter {
 public:
  explicit JsonLinesWriter(std::string path);
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
