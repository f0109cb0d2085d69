#pragma once
// Learning-rate schedules, chosen in the config. η_base is the config's lr, times B / B₀
// under the linear scaling rule (Goyal et al. 2017) when a base batch B₀ is given.
//   constant      η = η_base
//   step          η = η_base · factor^⌊epoch / every_epochs⌋
//   inverse_time  η = η_base / (1 + λ η_base t), t = examples seen (Bottou 2010)
//   cosine        η = η_base · ½ (1 + cos(π · epoch / total_epochs)) (Loshchilov & Hutter 2017)
// Linear warm-up (Goyal et al.) multiplies any of them by min(1, epoch / warmup_epochs).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

namespace sgdbench {

struct Schedule {
  enum class Kind { kConstant, kStep, kInverseTime, kCosine };
  Kind kind = Kind::kConstant;
  double lambda = 0.0;                        // inverse_time
  double every_epochs = 1.0;                  // step
  double factor = 0.1;                        // step
  double warmup_epochs = 0.0;                 // 0: no warm-up
  std::size_t linear_scaling_base_batch = 0;  // 0: rule off

  /// The rate of the step of `batch` rows taken after `examples` examples, n training rows.
  double lr(double eta, std::size_t batch, std::uint64_t examples, std::size_t n,
            double total_epochs) const {
    const double epoch = static_cast<double>(examples) / static_cast<double>(n);
    if (linear_scaling_base_batch > 0) {
      eta *= static_cast<double>(batch) / static_cast<double>(linear_scaling_base_batch);
    }
    double r = eta;
    switch (kind) {
      case Kind::kConstant:
        break;
      case Kind::kStep:
        r = eta * std::pow(factor, std::floor(epoch / every_epochs));
        break;
      case Kind::kInverseTime:
        r = eta / (1.0 + lambda * eta * static_cast<double>(examples));
        break;
      case Kind::kCosine:
        r = eta * 0.5 *
            (1.0 + std::cos(3.14159265358979323846 * std::min(1.0, epoch / total_epochs)));
        break;
    }
    if (warmup_epochs > 0.0) {  // the ramp counts this step's rows, so the first η is not 0
      const double done = static_cast<double>(examples + batch) / static_cast<double>(n);
      r *= std::min(1.0, done / warmup_epochs);
    }
    return r;
  }
};

inline std::string to_string(Schedule::Kind k) {
  switch (k) {
    case Schedule::Kind::kConstant:
      return "constant";
    case Schedule::Kind::kStep:
      return "step";
    case Schedule::Kind::kInverseTime:
      return "inverse_time";
    case Schedule::Kind::kCosine:
      return "cosine";
  }
  return "?";
}

}  // namespace sgdbench
