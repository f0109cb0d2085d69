#pragma once
// A problem's optimum: F* (exact for least squares, else the final loss of a long run of
// /f_star/variant) and, with /conditioning, the Hessian's extreme eigenvalues at w*.
#include <optional>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "datasets/datasets.hpp"
#include "sweep/experiment.hpp"

namespace sgdbench {

/// F* and, with /conditioning, the Hessian's extreme eigenvalues at w*.
struct Optimum {
  std::optional<double> f_star;
  Json hessian;  // null unless /conditioning
};

/// Suboptimality F(w) − F* needs F*: solved, run for, or none (no /f_star).
Optimum optimum_of(const ExperimentConfig& pc, const Split& data, const RunOptions& options);

}  // namespace sgdbench
