#pragma once
// Hyper-parameters are declared by the update rule (or algorithm) that reads them: a
// static kHyperParams list of HyperParam in its header gives each one's config key,
// default (the usual one from the rule's paper), range and meaning. The config parser,
// `sgdbench list --hyper-parameters` and docs/config.md's table all read those lists through
// the variant registry, so a new hyper-parameter is declared once, in the rule's header
// (a new rule also takes its member line and variant lines in variants/variants.list).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/aligned_buffer.hpp"

namespace sgdbench {

/// One hyper-parameter of a rule: /update/<name> in a config.
struct HyperParam {
  std::string_view name;
  double default_value;
  double min, max;  // the accepted range, both ends included
  bool integer;     // only whole numbers (a count)
  std::string_view meaning;
};

/// The /update values a config gave, by name. A rule reads each of its own with
/// value(decl): the given value, else the declared default.
class HyperParams {
 public:
  void set(std::string_view name, double value) {
    for (auto& [n, v] : given_) {
      if (n == name) {
        v = value;
        return;
      }
    }
    given_.emplace_back(std::string(name), value);
  }
  double value(const HyperParam& p) const {
    for (const auto& [n, v] : given_) {
      if (n == p.name) return v;
    }
    return p.default_value;
  }
  /// As the rules store it (float rules compute in float).
  float as_float(const HyperParam& p) const { return static_cast<float>(value(p)); }
  /// These values with `over`'s given ones replacing or added to them.
  HyperParams merged_with(const HyperParams& over) const {
    HyperParams m = *this;
    for (const auto& [n, v] : over.given_) m.set(n, v);
    return m;
  }

 private:
  std::vector<std::pair<std::string, double>> given_;
};

/// What every rule is handed each step: the summed gradient of the batch, the factor that
/// turns it into a mean (1/B) and the L2 weight decay λ; the gradient of the objective is
/// g = scale · grad_sum + λ · w.
struct StepInput {
  float lr;
  float scale;
  float l2;
  /// g_i = scale · grad_sum_i + λ · w_i.
  float gradient(std::span<const float> grad_sum, std::span<const float> w, std::size_t i) const {
    return scale * grad_sum[i] + l2 * w[i];
  }
};

/// The per-run state of a rule that keeps one number per parameter (a velocity, a sum or
/// a running mean of squared gradients), zero at the start.
struct PerParameter {
  AlignedBuffer<float> value;
  explicit PerParameter(std::size_t num_params) : value(num_params) {}
};

}  // namespace sgdbench
