#include "config/json_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "util/error.hpp"

namespace sgdbench {

Json read_json_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(fmt::format("{}: is a directory, expected a JSON file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(fmt::format("{}: cannot open for reading", path));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_json_text(text, path);
}

namespace {

/// Where the parser is: a stack of open objects (with the key being read) and arrays (with
/// the index of the element being read), and each object's keys seen so far.
class DuplicateKeyCheck {
 public:
  explicit DuplicateKeyCheck(const std::string& source) : source_(source) {}

  /// nlohmann's parser callback: throws on a key seen twice in one object (nlohmann would
  /// silently keep the last value).
  bool operator()(int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        frames_.push_back({false, 0, {}, {}});
        break;
      case Json::parse_event_t::array_start:
        frames_.push_back({true, 0, {}, {}});
        break;
      case Json::parse_event_t::key: {
        Frame& top = frames_.back();
        const std::string key = parsed.get<std::string>();
        if (!top.keys.insert(key).second) {
          throw Error(
              fmt::format("{}: {}: duplicate key \"{}\" (JSON keeps only the last; "
                          "give each key once)",
                          source_, path_of_open_object(), key));
        }
        top.key = key;
        break;
      }
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        frames_.pop_back();
        next_element();
        break;
      case Json::parse_event_t::value:
        next_element();
        break;
    }
    return true;
  }

 private:
  struct Frame {
    bool array;
    std::size_t index;
    std::string key;
    std::set<std::string> keys;
  };

  void next_element() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
  }

  /// The JSON pointer of the innermost open object ("/" at the top level).
  std::string path_of_open_object() const {
    std::string path;
    for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
      path += "/" + (frames_[i].array ? std::to_string(frames_[i].index) : frames_[i].key);
    }
    return path.empty() ? "/" : path;
  }

  const std::string& source_;
  std::vector<Frame> frames_;
};

}  // namespace

Json parse_json_text(std::string_view text, const std::string& source) {
  try {
    return Json::parse(text, DuplicateKeyCheck(source));
  } catch (const Json::parse_error& e) {  // syntax, and strings that are not UTF-8
    // nlohmann counts bytes from 1; offsets here are 0-based, as for IDX files.
    throw Error(fmt::format("{}: invalid JSON at byte offset {}: {}", source,
                            e.byte == 0 ? 0 : e.byte - 1, e.what()));
  } catch (const Json::exception& e) {  // e.g. a number that overflows a double
    throw Error(fmt::format("{}: invalid JSON: {}", source, e.what()));
  }
}

void fail_at(const std::string& file, const std::string& path, const std::string& message) {
  throw Error(fmt::format("{}: {}: {}", file, path.empty() ? "/" : path, message));
}

namespace {

std::set<std::string>* g_key_log = nullptr;

/// "/datasets/3" -> "/datasets/*".
std::string pattern_of(const std::string& path) {
  std::string out, part;
  for (std::size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (i > 0) {
        const bool index =
            !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
        out += "/" + (index ? std::string("*") : part);
      }
      part.clear();
    } else {
      part += path[i];
    }
  }
  return out;
}

void log_key(const std::string& path, const std::string& key) {
  if (g_key_log != nullptr) g_key_log->insert(pattern_of(path) + "/" + key);
}

}  // namespace

void log_config_keys(std::set<std::string>* log) {
  g_key_log = log;
}

bool JsonObject::has(const std::string& key) const {
  log_key(path_, key);
  return value_.contains(key);
}

JsonObject::JsonObject(const Json& value, std::string path, const std::string& file)
    : value_(value), path_(std::move(path)), file_(file) {
  if (!value_.is_object()) {
    fail_at(file_, path_, fmt::format("expected an object, got {}", value_.type_name()));
  }
}

const Json& JsonObject::required(const std::string& key) {
  log_key(path_, key);
  asked_.insert(key);
  if (!value_.contains(key)) fail(key, "missing required field");
  taken_.insert(key);
  return value_.at(key);
}

const Json* JsonObject::optional(const std::string& key) {
  log_key(path_, key);
  asked_.insert(key);
  if (!value_.contains(key)) return nullptr;
  taken_.insert(key);
  return &value_.at(key);
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

void JsonObject::finish() const {
  for (const auto& item : value_.items()) {
    if (taken_.count(item.key()) != 0) continue;
    // Every field valid here (issue 42: the hint listed only the ones present, so a typo
    // of "batch_size" in a variant object was told "known here: variant"), and the
    // closest one where it is a few edits away.
    std::string allowed, closest;
    std::size_t best = std::max<std::size_t>(1, item.key().size() / 3) + 1;
    for (const auto& k : asked_) {
      allowed += (allowed.empty() ? "" : ", ") + k;
      if (const std::size_t d = edit_distance(item.key(), k); d < best) {
        best = d;
        closest = k;
      }
    }
    fail(item.key(),
         fmt::format("unknown field{} (valid here: {})",
                     closest.empty() ? "" : fmt::format(": did you mean \"{}\"?", closest),
                     allowed));
  }
}

void JsonObject::fail(const std::string& key, const std::string& message) const {
  fail_at(file_, path_of(key), message);
}

std::string read_string(const Json& v, const std::string& file, const std::string& path) {
  if (!v.is_string()) fail_at(file, path, fmt::format("expected a string, got {}", v.dump()));
  return v.get<std::string>();
}

std::uint64_t read_uint(const Json& v, const std::string& file, const std::string& path,
                        std::uint64_t min_value) {
  if (!v.is_number_integer() ||
      (v.is_number_integer() && !v.is_number_unsigned() && v.get<std::int64_t>() < 0)) {
    fail_at(file, path, fmt::format("expected a non-negative integer, got {}", v.dump()));
  }
  const auto value = v.get<std::uint64_t>();
  if (value < min_value) {
    fail_at(file, path, fmt::format("must be at least {}, got {}", min_value, value));
  }
  return value;
}

double read_positive_number(const Json& v, const std::string& file, const std::string& path) {
  if (!v.is_number()) fail_at(file, path, fmt::format("expected a number, got {}", v.dump()));
  const double value = v.get<double>();
  if (!(value > 0.0) || !std::isfinite(value)) {
    fail_at(file, path, fmt::format("must be a positive finite number, got {}", v.dump()));
  }
  return value;
}

const Json& read_nonempty_array(const Json& v, const std::string& file, const std::string& path) {
  if (!v.is_array()) fail_at(file, path, fmt::format("expected an array, got {}", v.dump()));
  if (v.empty()) fail_at(file, path, "must not be empty");
  return v;
}

}  // namespace sgdbench
