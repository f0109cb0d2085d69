#pragma once
// User data as text: dense CSV and sparse LIBSVM/SVMlight, both turned into a dense
// in-memory data set. Parsers work on a buffer (the fuzz targets call them directly);
// every defect is an Error naming the source, the line and the field.
#include <cstddef>
#include <string>
#include <string_view>

#include "data/dataset.hpp"

namespace sgdbench {

enum class Task { kClassification, kRegression };

/// Dense rows × columns stay below this (2^26 floats: 256 MiB). A sparse LIBSVM file can
/// ask for far more than its own size (fuzz_libsvm found 4 GiB from 2 KB), so the dense
/// form is capped; larger data belongs in IDX or CSV.
inline constexpr std::size_t kMaxDenseValues = std::size_t{1} << 26;
/// LIBSVM feature indices (1-based) may not exceed this.
inline constexpr std::size_t kMaxLibsvmFeatures = std::size_t{1} << 20;

/// CSV: one row a line, the label in the first column, then the features; `header` skips
/// the first line. Classification labels are integers, mapped to 0..k−1 in sorted order
/// (so −1/+1 become 0/1); at most 256 classes.
Dataset parse_csv(std::string_view text, const std::string& source, Task task, bool header);
Dataset load_csv(const std::string& path, Task task, bool header);

/// LIBSVM / SVMlight: "label index:value index:value ..." with 1-based, strictly
/// increasing indices; absent features are 0; '#' starts a comment. `features` = 0 takes
/// the largest index seen.
Dataset parse_libsvm(std::string_view text, const std::string& source, Task task,
                     std::size_t features);
Dataset load_libsvm(const std::string& path, Task task, std::size_t features);

}  // namespace sgdbench
