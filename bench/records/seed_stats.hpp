#pragma once
// Statistics over a cell's seeds, as a reviewer reads them: a mean with a bootstrap 95 %
// interval, and for times to a target the median with a miss counted as +∞ (censored:
// a seed that never reached the target is slower than every seed that did), with its
// bootstrap interval and reached/runs. The bootstrap is seeded, so tables reproduce.
#include <cstddef>
#include <limits>
#include <vector>

namespace sgdbench {

/// A statistic over seeds and its percentile-bootstrap 95 % interval [lo, hi].
struct Estimate {
  double value = std::numeric_limits<double>::quiet_NaN();
  double lo = std::numeric_limits<double>::quiet_NaN();
  double hi = std::numeric_limits<double>::quiet_NaN();
  std::size_t n = 0;  // values it was computed from
};

/// Resamples per interval (Efron and Tibshirani's rule of thumb for percentile intervals).
inline constexpr std::size_t kBootstrapResamples = 2000;

/// Mean of the finite values and its bootstrap interval; n = 0 (value NaN) when none.
Estimate mean_estimate(const std::vector<double>& values);

/// Median of values where +∞ marks a miss (censored), and its bootstrap interval; the
/// median is +∞ when half or more of the values are misses, and hi is +∞ when the
/// resamples can draw such a majority. NaNs are dropped.
Estimate censored_median(const std::vector<double>& values);

}  // namespace sgdbench
