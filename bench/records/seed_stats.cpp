#include "records/seed_stats.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sgdbench {
namespace {

/// SplitMix64 (Steele et al. 2014): a fixed, portable stream, so intervals are the same
/// with every standard library (std::uniform_int_distribution is not).
class Resampler {
 public:
  std::size_t index(std::size_t n) {
    state_ += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<std::size_t>((z ^ (z >> 31)) % n);
  }

 private:
  std::uint64_t state_ = 20260511;
};

double mean_of(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

/// The median, +∞ when half or more are +∞ (for an even count the mean of the two
/// middle values, which is +∞ as soon as one of them is).
double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

/// The 2.5 % and 97.5 % percentiles of `stat` over resamples of v.
template <class Stat>
Estimate bootstrap(const std::vector<double>& v, Stat stat) {
  Estimate e;
  e.n = v.size();
  if (v.empty()) return e;
  e.value = stat(v);
  Resampler pick;
  std::vector<double> stats(kBootstrapResamples), sample(v.size());
  for (double& s : stats) {
    for (double& x : sample) x = v[pick.index(v.size())];
    s = stat(sample);
  }
  std::sort(stats.begin(), stats.end());
  const auto at = [&](double q) {
    return stats[static_cast<std::size_t>(std::floor(q * static_cast<double>(stats.size() - 1)))];
  };
  e.lo = at(0.025);
  e.hi = at(0.975);
  return e;
}

}  // namespace

Estimate mean_estimate(const std::vector<double>& values) {
  std::vector<double> v;
  for (double x : values) {
    if (std::isfinite(x)) v.push_back(x);
  }
  return bootstrap(v, mean_of);
}

Estimate censored_median(const std::vector<double>& values) {
  std::vector<double> v;
  for (double x : values) {
    if (!std::isnan(x)) v.push_back(x);
  }
  return bootstrap(v, median_of);
}

}  // namespace sgdbench
