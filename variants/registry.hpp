#pragma once
// The names of the compiled variants. One registry feeds the configs' "variants" and
// "/update" hyper-parameters, `sgdbench list`, `sgdbench throughput`, the
// micro-benchmarks' step rows and the tests.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "data/dataset.hpp"
#include "train/metrics.hpp"
#include "train/update/update_params.hpp"

namespace sgdbench {

/// The run-time shape of a model (layer widths, input first; {d, 1} for least squares,
/// {d, classes} for softmax).
struct ModelSpec {
  std::vector<std::size_t> widths;
};

struct VariantInfo {
  std::string name;
  std::string model, update, kernels, arch, exec;
  std::vector<std::string> batchings;  // "mini", "full": the Trainer instantiations compiled
  bool classifier = true;              // false: regression (needs real targets)
  bool deterministic = true;
  bool collective = false;  // its execution policy runs on every MPI rank together (mpi)
  std::vector<HyperParam> hyper_params;  // what its update rule declares (/update keys)
  std::function<RunResult(const ModelSpec&, const Dataset& train, const Dataset& test,
                          const Dataset* validation, const TrainSpec&, const Observer&)>
      run;
  /// One training step at a time, for the micro-benchmarks (BM_step): a callable that
  /// steps once on the next batch of `train` and returns its summed loss. It keeps a
  /// reference to `train`, which must outlive it. Empty for algorithms that own their loop.
  std::function<std::function<double()>(const ModelSpec&, const Dataset& train, const TrainSpec&)>
      stepper;
};

class Registry {
 public:
  void add(VariantInfo info) { variants_.push_back(std::move(info)); }
  /// `alias` names the same variant as `target`, when that one was compiled.
  void add_alias(std::string alias, std::string target) {
    if (find(target) != nullptr) aliases_.emplace_back(std::move(alias), std::move(target));
  }
  /// nullptr when no variant of that name (or alias) was compiled.
  const VariantInfo* find(const std::string& name) const {
    for (const auto& v : variants_) {
      if (v.name == name) return &v;
    }
    for (const auto& [alias, target] : aliases_) {
      if (alias == name) return find(target);
    }
    return nullptr;
  }
  const std::vector<VariantInfo>& all() const { return variants_; }
  /// Every hyper-parameter the compiled rules declare, once per name (rules that share
  /// one, like eps, share its key), in the order first declared.
  std::vector<HyperParam> hyper_params() const {
    std::vector<HyperParam> out;
    for (const auto& v : variants_) {
      for (const HyperParam& p : v.hyper_params) {
        bool known = false;
        for (const HyperParam& q : out) known = known || q.name == p.name;
        if (!known) out.push_back(p);
      }
    }
    return out;
  }
  const std::vector<std::pair<std::string, std::string>>& aliases() const { return aliases_; }

 private:
  std::vector<VariantInfo> variants_;
  std::vector<std::pair<std::string, std::string>> aliases_;
};

/// Every variant compiled into this build (the list SGDBENCH_VARIANTS in CMake).
const Registry& compiled_variants();

}  // namespace sgdbench
