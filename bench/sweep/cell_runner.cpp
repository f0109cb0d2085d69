#include "sweep/cell_runner.hpp"

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "sweep/experiment.hpp"
#include "sweep/interrupt.hpp"

namespace sgdbench {
namespace {

/// JSON has no NaN: a figure that does not apply (accuracy of a regression) is null.
Json finite_or_null(double v) {
  return std::isfinite(v) ? Json(v) : Json(nullptr);
}

std::size_t threads_of(const Cell& cell) {
  return cell.threads == 0 ? static_cast<std::size_t>(tbb::info::default_concurrency())
                           : cell.threads;
}

}  // namespace

std::string describe(const Cell& c) {
  const std::string name = c.sweep != nullptr && !c.sweep->label.empty()
                               ? c.sweep->label + " (" + c.variant->name + ")"
                               : c.variant->name;
  return fmt::format("{} B={} lr={:g} seed={}{}{}", name, c.batch.to_string(), c.lr, c.seed,
                     c.threads ? fmt::format(" threads={}", c.threads) : "",
                     c.phase.empty() ? "" : " (" + c.phase + ")");
}

Json CellRunner::key(const Cell& cell) const {
  Json key = {{"experiment", c_.name},
              {"variant", cell.variant->name},
              {"dataset", c_.dataset.name},
              {"batching", cell.batch.batching()},
              {"batch_size", cell.batch.rows(data_.train.rows)},
              {"lr", cell.lr},
              {"seed", cell.seed},
              {"threads", threads_of(cell)}};
  key.update(extra_key_);
  if (cell.sweep != nullptr && !cell.sweep->label.empty()) key["method"] = cell.sweep->label;
  if (!cell.phase.empty()) key["phase"] = cell.phase;
  return key;
}

Json CellRunner::point_record(const Json& key, const MetricPoint& p, bool noise, bool stable,
                              Json& reached, const Json& previous) const {
  Json line = key;
  line["type"] = "point";
  add_figures(line, p);
  if (noise) line["b_simple"] = finite_or_null(p.b_simple);
  if (!p.params.empty()) line["params"] = p.params;
  // A crossing counts only while the run is stable: once the training loss has been NaN
  // or above its starting value, no later point reaches a target (issue 38).
  for (const Target& t : c_.targets) {
    const Json& value = line[t.metric];
    if (!stable || reached.contains(t.label()) || !value.is_number() ||
        !t.reached(value.get<double>()))
      continue;
    reached[t.label()] = {{"seconds", p.train_seconds},
                          {"epochs", p.epoch},
                          {"updates", p.updates},
                          {"grad_evals", p.grad_evals}};
    if (c_.eval_log_per_decade > 0) add_crossing(reached[t.label()], t, previous, line);
  }
  return line;
}

double crossing_fraction(const Target& t, double before, double now) {
  // Losses and suboptimality fall geometrically under a linear rate: between two points
  // far apart (a decade or more) a straight line in the value would put the crossing
  // near the later point, so they are interpolated in log. Accuracies: linearly.
  const bool geometric =
      !t.metric.ends_with("accuracy") && before > 0.0 && now > 0.0 && t.value > 0.0;
  const double a = geometric ? std::log(before) : before;
  const double b = geometric ? std::log(now) : now;
  const double x = geometric ? std::log(t.value) : t.value;
  return b == a ? 1.0 : std::clamp((x - a) / (b - a), 0.0, 1.0);
}

void CellRunner::add_crossing(Json& at, const Target& t, const Json& before, const Json& now) {
  // The fraction of the way from `before` (target not met) to `now` (met) at which the
  // metric, taken as linear in between, crosses the target.
  double f = 1.0;
  if (before.is_object() && before[t.metric].is_number()) {
    f = crossing_fraction(t, before[t.metric].get<double>(), now[t.metric].get<double>());
  }
  const Json& from = before.is_object() ? before : now;
  auto lerp = [&](const char* field) {
    const double x0 = from[field].get<double>(), x1 = now[field].get<double>();
    return x0 + f * (x1 - x0);
  };
  at["interpolated"] = {{"seconds", lerp("train_seconds")},
                        {"epochs", lerp("epoch")},
                        {"updates", lerp("updates")},
                        {"grad_evals", lerp("grad_evals")}};
  at["bracket_grad_evals"] = {from["grad_evals"], now["grad_evals"]};
}

Json CellRunner::run(const Cell& cell) const {
  const VariantInfo& v = *cell.variant;
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads_of(cell));
  // Under tuning with points off, a tuning run's curve is not kept (its run line is).
  const bool keep_points = cell.phase != "tune" || !c_.tuning || c_.tuning->points;
  TrainSpec spec = train_spec_of(c_, cell, data_.train.rows);
  if (f_star_) spec.f_star = *f_star_;  // suboptimality stops (/budget/until_all_targets)
  // A curve not kept needs no noise scale: B_simple is read from the points (it never
  // changes training), and at 50 batch pairs a point it costs about a pass over the data.
  if (!keep_points) spec.noise_b_big = 0;
  const Json key = this->key(cell);
  Json reached = Json::object();
  Json previous;  // the point before (for crossings interpolated between two points)
  double start_train_loss = std::numeric_limits<double>::quiet_NaN();
  bool stable = true;
  auto observe = [&](const MetricPoint& p) {
    if (p.grad_evals == 0) start_train_loss = p.train_loss;
    // NaN compares false: a NaN loss is unstable (with no starting point, only NaN is).
    stable = stable && (std::isnan(start_train_loss) ? std::isfinite(p.train_loss)
                                                     : p.train_loss <= start_train_loss);
    Json line = point_record(key, p, spec.noise_b_big > 0, stable, reached, previous);
    if (c_.eval_log_per_decade > 0) previous = line;
    if (keep_points) emit_(std::move(line));
    stop_if_interrupted();
  };
  const RunResult r = v.run(model_widths(c_, v, data_.train), data_.train, data_.test,
                            data_.validation.rows > 0 ? &data_.validation : nullptr, spec, observe);
  Json line = key;
  line["type"] = "run";
  line["status"] = std::string(to_string(r.status));
  add_figures(line, r.final_point);
  // A bracketing search refuses a rate whose run ended above where it started
  // (tuning/lr_search.cpp): its tuning runs say where that was.
  if (cell.phase == "tune" && c_.tuning && c_.tuning->bracket) {
    line["start_train_loss"] = finite_or_null(start_train_loss);
  }
  line["samples_per_second"] = r.samples_per_second;
  if (!c_.targets.empty()) {
    Json targets = Json::object();
    for (const Target& t : c_.targets) {
      targets[t.label()] =
          reached.contains(t.label()) ? reached[t.label()] : Json{{"missed", true}};
    }
    line["targets"] = std::move(targets);
  }
  emit_(line);
  return line;
}

void CellRunner::add_figures(Json& line, const MetricPoint& p) const {
  line["epoch"] = p.epoch;
  line["grad_evals"] = p.grad_evals;
  line["updates"] = p.updates;
  line["train_seconds"] = p.train_seconds;
  line["train_loss"] = p.train_loss;
  line["test_loss"] = p.test_loss;
  line["test_accuracy"] = finite_or_null(p.test_accuracy);  // null for regression
  line["grad_norm"] = p.grad_norm;
  if (f_star_) line["suboptimality"] = p.train_loss - *f_star_;
  if (data_.validation.rows > 0) {  // points and run lines alike
    line["validation_loss"] = p.validation_loss;
    line["validation_accuracy"] = finite_or_null(p.validation_accuracy);
  }
}

}  // namespace sgdbench
