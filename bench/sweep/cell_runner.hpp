#pragma once
// One run cell of a sweep (a variant, a batch size, an lr, a seed, a thread count) and the
// runner that trains it on one problem and turns its metric points into records.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "config/config.hpp"
#include "config/json_reader.hpp"
#include "config/run_spec.hpp"
#include "data/dataset.hpp"
#include "train/metrics.hpp"
#include "variants/registry.hpp"

namespace sgdbench {

/// Where between two evaluation points (0: the one before, 1: the one that met it) a
/// target is crossed: in log for losses and suboptimality (they fall geometrically), in
/// the value for accuracies.
double crossing_fraction(const Target& t, double before, double now);

/// "SGD 1/t (lsq/plain/simd/tbb) B=1 lr=0.1 seed=0 (final)": for progress lines.
std::string describe(const Cell& cell);

/// Trains the cells of one problem (`c` holds it, see for_problem) and emits their records.
class CellRunner {
 public:
  /// `extra_key`: fields every record of this problem carries (its label, its widths).
  CellRunner(const ExperimentConfig& c, const Split& data, std::optional<double> f_star,
             Json extra_key, std::function<void(Json)> emit)
      : c_(c),
        data_(data),
        f_star_(f_star),
        extra_key_(std::move(extra_key)),
        emit_(std::move(emit)) {}

  /// The fields that name a cell in its records.
  Json key(const Cell& cell) const;
  /// Trains one cell; emits its points and its run line, and returns the run line. After
  /// Ctrl-C it throws Interrupted at the next evaluation point.
  Json run(const Cell& cell) const;

 private:
  /// The point record of `p`, noting in `reached` the targets it meets first (none once
  /// the run is not `stable`). `previous`: the point before (null for the first).
  Json point_record(const Json& key, const MetricPoint& p, bool noise, bool stable, Json& reached,
                    const Json& previous) const;
  /// /eval/log_per_decade: the target's crossing figures interpolated between `before` and
  /// `now`, and the bracket they lie in.
  static void add_crossing(Json& at, const Target& t, const Json& before, const Json& now);
  void add_figures(Json& line, const MetricPoint& p) const;

  const ExperimentConfig& c_;
  const Split& data_;
  std::optional<double> f_star_;
  Json extra_key_;
  std::function<void(Json)> emit_;
};

}  // namespace sgdbench
