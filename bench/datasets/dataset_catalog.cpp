#include "datasets/dataset_catalog.hpp"

namespace sgdbench {
namespace {

using enum DataSource;
constexpr Task kClass = Task::kClassification, kRegr = Task::kRegression;

// name, source, task, exact F*, 2-D, default noise, default condition
constexpr DatasetKind kCatalog[] = {
    {"mnist", kNpmDigits, kClass, false, false, 0.0, 0.0},
    {"fashion-mnist", kFashionMnist, kClass, false, false, 0.0, 0.0},
    {"idx", kIdxPair, kClass, false, false, 0.0, 0.0},
    {"csv", kCsv, kClass, false, false, 0.0, 0.0},
    {"libsvm", kLibsvm, kClass, false, false, 0.0, 0.0},
    {"synthetic-lsq", kLsq, kRegr, true, false, 0.1, 10.0},
    {"gaussian-mixture", kGaussianMixture, kClass, false, false, 0.0, 0.0},
    // An ill-conditioned bowl without noise and a noisy problem, each example one data
    // point, so mini-batches are real mini-batches.
    {"quadratic-bowl-2d", kLsq, kRegr, true, true, 0.0, 20.0},
    {"noisy-lsq-2d", kLsq, kRegr, true, true, 0.5, 5.0},
};

}  // namespace

const DatasetKind* find_dataset(std::string_view name) {
  for (const DatasetKind& k : kCatalog) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

std::string dataset_names() {
  std::string names;
  for (const DatasetKind& k : kCatalog) names += (names.empty() ? "" : ", ") + std::string(k.name);
  return names;
}

std::vector<std::string_view> all_dataset_names() {
  std::vector<std::string_view> names;
  for (const DatasetKind& k : kCatalog) names.push_back(k.name);
  return names;
}

Task task_of(const DatasetConfig& d) {
  const DatasetKind* k = find_dataset(d.name);
  if (k != nullptr && (k->source == DataSource::kCsv || k->source == DataSource::kLibsvm)) {
    return d.task == "regression" ? Task::kRegression : Task::kClassification;
  }
  return k != nullptr ? k->task : Task::kClassification;
}

}  // namespace sgdbench
