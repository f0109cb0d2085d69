#pragma once
// The names of the compiled variants. One registry feeds the configs' "variants", the
// `sgdbench list` output, the benchmarks and the tests.
#include <functional>
#include <string>
#include <vector>

#include "data/dataset.hpp"
#include "train/metrics.hpp"

namespace sgdbench {

/// The run-time shape of a model (layer widths, input first).
struct ModelSpec {
  std::vector<std::size_t> widths;
};

struct VariantInfo {
  std::string name;
  std::string model, update, kernels, arch, exec;
  bool deterministic = true;
  std::function<RunResult(const ModelSpec&, const Dataset& train, const Dataset& test,
                          const TrainSpec&, bool full_batch, const Observer&)>
      run;
};

class Registry {
 public:
  void add(VariantInfo info) { variants_.push_back(std::move(info)); }
  /// nullptr when no variant of that name was compiled.
  const VariantInfo* find(const std::string& name) const {
    for (const auto& v : variants_) {
      if (v.name == name) return &v;
    }
    return nullptr;
  }
  const std::vector<VariantInfo>& all() const { return variants_; }

 private:
  std::vector<VariantInfo> variants_;
};

/// Every variant compiled into this build (the list SGDBENCH_VARIANTS in CMake).
const Registry& compiled_variants();

}  // namespace sgdbench
