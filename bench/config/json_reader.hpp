#pragma once
// Reading a JSON config strictly: every value is checked where it is read, every error
// names the file and the JSON path ("/sweep/lr/1"), and keys nobody read are errors.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sgdbench {

using Json = nlohmann::json;

/// Parses `path` as JSON; a syntax error names the byte offset.
Json read_json_file(const std::string& path);
/// Parses a JSON text; errors name `source` and the byte offset.
Json parse_json_text(std::string_view text, const std::string& source);

/// A JSON object being read; call finish() once every known key is taken.
class JsonObject {
 public:
  JsonObject(const Json& value, std::string path, const std::string& file);

  bool has(const std::string& key) const;
  /// The value at `key`; an error when it is missing.
  const Json& required(const std::string& key);
  /// The value at `key`, or nullptr when it is absent.
  const Json* optional(const std::string& key);
  std::string path_of(const std::string& key) const { return path_ + "/" + key; }
  /// Errors on the first key that was never taken, listing every field valid here (each
  /// one asked about, present or not) and the closest to the unknown one.
  void finish() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;

 private:
  const Json& value_;
  std::string path_;
  const std::string& file_;
  std::set<std::string> taken_;
  std::set<std::string> asked_;  // every key required() or optional() was asked about
};

/// Levenshtein distance: how many single-character edits make `a` into `b`.
std::size_t edit_distance(const std::string& a, const std::string& b);

/// Test hook: while `log` is set, every key a JsonObject is asked about is added to it as
/// a JSON pointer with array indices written "*" ("/datasets/*/name"): the parser's
/// vocabulary, which a test holds against configs/schema.json.
void log_config_keys(std::set<std::string>* log);

/// Typed reads that name `path` (and `file`) in their errors.
[[noreturn]] void fail_at(const std::string& file, const std::string& path,
                          const std::string& message);
std::string read_string(const Json& v, const std::string& file, const std::string& path);
std::uint64_t read_uint(const Json& v, const std::string& file, const std::string& path,
                        std::uint64_t min_value = 0);
double read_positive_number(const Json& v, const std::string& file, const std::string& path);
const Json& read_nonempty_array(const Json& v, const std::string& file, const std::string& path);

/// Each value of a sweep axis once (issue 42): a value listed twice ran the same cells
/// twice, tabled them as separate runs with bootstrap intervals, and the fresh result then
/// failed its own verify. The error names the repeat's path (at/i) and the first one's;
/// `same` says when two values would run the same cells, `show` how the error writes one.
template <class T, class Same, class Show>
void reject_repeats(const std::vector<T>& values, const std::string& file, const std::string& at,
                    Same same, Show show) {
  for (std::size_t i = 1; i < values.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (same(values[i], values[j])) {
        fail_at(file, at + "/" + std::to_string(i),
                show(values[i]) + " is already at " + at + "/" + std::to_string(j) +
                    ": list each value once (the same cells would run twice)");
      }
    }
  }
}
template <class T>
void reject_repeats(const std::vector<T>& values, const std::string& file, const std::string& at) {
  reject_repeats(
      values, file, at, [](const T& a, const T& b) { return a == b; },
      [](const T& v) { return std::to_string(v); });
}

}  // namespace sgdbench
