#include "data/text_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <vector>

#include "data/file_bytes.hpp"
#include "util/error.hpp"

namespace sgdbench {
namespace {

/// Lines of a text, without their '\n' (and a trailing '\r').
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}
  bool next(std::string_view& line) {
    if (pos_ >= text_.size()) return false;
    const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
    line = text_.substr(pos_, end - pos_);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = end + 1;
    ++number_;
    return true;
  }
  std::size_t number() const { return number_; }

 private:
  std::string_view text_;
  std::size_t pos_ = 0, number_ = 0;
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// A finite float or double, the whole field (a leading '+' and blanks allowed).
template <class T>
bool parse_number(std::string_view s, T& out) {
  s = trim(s);
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

/// Labels as read; classification ones become 0..k−1 in sorted order. Class labels are
/// read as exact integers (below 2^53 in magnitude): read as floats, 16777216 and
/// 16777217 were one class (issue 42).
struct LabelColumn {
  std::vector<float> values;          // regression targets
  std::vector<std::int64_t> classes;  // class labels as written
  /// `token`: the label's text; `where`: its file, line and column, for the errors.
  void add(std::string_view token, Task task, const std::string& where) {
    if (task == Task::kRegression) {
      float v = 0.0f;
      if (!parse_number(token, v)) {
        throw Error(
            fmt::format("{}: label is not a finite number: \"{}\"", where, token.substr(0, 40)));
      }
      values.push_back(v);
      return;
    }
    double v = 0.0;
    if (!parse_number(token, v)) {
      throw Error(
          fmt::format("{}: label is not a finite number: \"{}\"", where, token.substr(0, 40)));
    }
    if (v != std::floor(v)) {
      throw Error(fmt::format("{}: class label {} is not an integer", where, trim(token)));
    }
    // Below 2^53 every integer is a double of its own (2^53 + 1 reads as 2^53).
    if (std::fabs(v) >= 0x1p53) {
      throw Error(
          fmt::format("{}: class label {} is out of range: integers below 2^53 in "
                      "magnitude are read exactly",
                      where, trim(token)));
    }
    classes.push_back(static_cast<std::int64_t>(v));
  }
  void store(Dataset& ds, Task task, const std::string& source) const {
    if (task == Task::kRegression) {
      ds.classes = 0;
      ds.targets = values;
      return;
    }
    std::map<std::int64_t, std::uint8_t> index;
    for (std::int64_t v : classes) index.emplace(v, 0);
    if (index.size() > 256) {
      throw Error(fmt::format("{}: {} distinct class labels, at most 256", source, index.size()));
    }
    std::uint8_t next = 0;
    for (auto& [value, id] : index) id = next++;
    ds.classes = std::max<std::size_t>(index.size(), 2);
    for (std::int64_t v : classes) ds.y.push_back(index[v]);
  }
};

void finish(Dataset& ds, std::vector<float>& features, const LabelColumn& labels, Task task,
            const std::string& source) {
  if (ds.rows == 0) throw Error(fmt::format("{}: no data rows", source));
  ds.name = source;
  ds.x.resize(features.size());
  std::copy(features.begin(), features.end(), ds.x.data());
  labels.store(ds, task, source);
}

}  // namespace

Dataset parse_csv(std::string_view text, const std::string& source, Task task, bool header) {
  Dataset ds;
  std::vector<float> features;
  LabelColumn labels;
  Lines lines(text);
  std::string_view line;
  if (header && !lines.next(line))
    throw Error(fmt::format("{}: empty file, expected a header", source));
  std::size_t width = 0;  // fields per line, from the first data line
  while (lines.next(line)) {
    if (trim(line).empty()) continue;
    std::size_t fields = 0;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = std::min(line.find(',', start), line.size());
      const std::string_view field = line.substr(start, comma - start);
      if (fields == 0) {
        labels.add(field, task, fmt::format("{}: line {}, field 1", source, lines.number()));
      } else {
        float v = 0.0f;
        if (!parse_number(field, v)) {
          throw Error(fmt::format("{}: line {}, field {}: not a finite number: \"{}\"", source,
                                  lines.number(), fields + 1, field.substr(0, 40)));
        }
        features.push_back(v);
      }
      ++fields;
      if (comma == line.size()) break;
      start = comma + 1;
    }
    if (width == 0) {
      if (fields < 2) {
        throw Error(fmt::format("{}: line {}: a label and at least one feature needed", source,
                                lines.number()));
      }
      width = fields;
      ds.cols = width - 1;
    } else if (fields != width) {
      throw Error(fmt::format("{}: line {}: {} fields, the first data line has {}", source,
                              lines.number(), fields, width));
    }
    ++ds.rows;
    if (features.size() > kMaxDenseValues) {
      throw Error(
          fmt::format("{}: line {}: more than {} values", source, lines.number(), kMaxDenseValues));
    }
  }
  finish(ds, features, labels, task, source);
  return ds;
}

Dataset load_csv(const std::string& path, Task task, bool header) {
  return parse_csv(read_file_bytes(path), path, task, header);
}

Dataset parse_libsvm(std::string_view text, const std::string& source, Task task,
                     std::size_t features) {
  if (features > kMaxLibsvmFeatures) {
    throw Error(fmt::format("{}: {} features, at most {}", source, features, kMaxLibsvmFeatures));
  }
  struct Entry {
    std::uint32_t row, index;
    float value;
  };
  std::vector<Entry> entries;
  LabelColumn labels;
  std::size_t max_index = 0, rows = 0;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    line = trim(line.substr(0, std::min(line.find('#'), line.size())));
    if (line.empty()) continue;
    std::size_t pos = 0, token_no = 0, previous = 0;
    while (pos < line.size()) {
      const std::size_t end = std::min(line.find_first_of(" \t", pos), line.size());
      const std::string_view token = line.substr(pos, end - pos);
      pos = line.find_first_not_of(" \t", end);
      if (pos == std::string_view::npos) pos = line.size();
      ++token_no;
      const std::string where =
          fmt::format("{}: line {}, token {}", source, lines.number(), token_no);
      if (token_no == 1) {
        labels.add(token, task, where);
        continue;
      }
      const std::size_t colon = token.find(':');
      std::size_t index = 0;
      float value = 0.0f;
      const auto [end_idx, ec] =
          std::from_chars(token.data(), token.data() + std::min(colon, token.size()), index);
      if (colon == std::string_view::npos || ec != std::errc() || end_idx != token.data() + colon ||
          !parse_number(token.substr(colon + 1), value)) {
        throw Error(
            fmt::format("{}: expected index:value, got \"{}\"", where, token.substr(0, 40)));
      }
      if (index == 0 || index <= previous) {
        throw Error(
            fmt::format("{}: index {} after {}: indices are 1-based and strictly increasing", where,
                        index, previous));
      }
      const std::size_t limit = features > 0 ? features : kMaxLibsvmFeatures;
      if (index > limit) {
        throw Error(
            fmt::format("{}: index {} beyond the {} features allowed", where, index, limit));
      }
      previous = index;
      max_index = std::max(max_index, index);
      entries.push_back(
          {static_cast<std::uint32_t>(rows), static_cast<std::uint32_t>(index), value});
    }
    ++rows;
    if (rows >= (std::size_t{1} << 31)) throw Error(fmt::format("{}: too many rows", source));
  }
  Dataset ds;
  ds.rows = rows;
  ds.cols = features > 0 ? features : max_index;
  if (ds.cols == 0 && rows > 0) throw Error(fmt::format("{}: no features in any row", source));
  if (ds.cols != 0 && ds.rows > kMaxDenseValues / ds.cols) {
    throw Error(fmt::format("{}: {} rows × {} features exceed the dense limit of {} values", source,
                            ds.rows, ds.cols, kMaxDenseValues));
  }
  std::vector<float> dense(ds.rows * ds.cols, 0.0f);
  for (const Entry& e : entries) dense[std::size_t{e.row} * ds.cols + (e.index - 1)] = e.value;
  finish(ds, dense, labels, task, source);
  return ds;
}

Dataset load_libsvm(const std::string& path, Task task, std::size_t features) {
  return parse_libsvm(read_file_bytes(path), path, task, features);
}

}  // namespace sgdbench
