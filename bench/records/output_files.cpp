#include "records/output_files.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <utility>

#include "util/error.hpp"

namespace sgdbench {

void write_file_atomically(const std::string& path, const std::string& content) {
  const std::string partial = path + ".partial";
  std::FILE* f = std::fopen(partial.c_str(), "wb");
  if (f == nullptr) throw Error(fmt::format("{}: cannot open for writing", partial));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  if (std::fclose(f) != 0 || !ok) throw Error(fmt::format("{}: write failed", partial));
  std::filesystem::rename(partial, path);
}

JsonLinesWriter::JsonLinesWriter(std::string path, std::optional<std::uintmax_t> resume_at)
    : path_(std::move(path)) {
  if (resume_at) {
    std::error_code ec;
    std::filesystem::resize_file(path_ + ".partial", *resume_at, ec);
    if (ec) throw Error(fmt::format("{}.partial: cannot truncate: {}", path_, ec.message()));
  }
  file_ = std::fopen((path_ + ".partial").c_str(), resume_at ? "ab" : "wb");
  if (file_ == nullptr) throw Error(fmt::format("{}.partial: cannot open for writing", path_));
}

JsonLinesWriter::~JsonLinesWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void JsonLinesWriter::write(const Json& line) {
  // Invalid UTF-8 (say, from a file name) is replaced rather than aborting the sweep.
  const std::string text = line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) {
    throw Error(fmt::format("{}.partial: write failed", path_));
  }
}

void JsonLinesWriter::commit() {
  if (std::fclose(std::exchange(file_, nullptr)) != 0) {
    throw Error(fmt::format("{}.partial: write failed", path_));
  }
  std::filesystem::rename(path_ + ".partial", path_);
}

}  // namespace sgdbench
