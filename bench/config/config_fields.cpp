#include "config/config_fields.hpp"

#include <fmt/format.h>

#include <cmath>

namespace sgdbench {

double read_number_in(const Json& v, const std::string& file, const std::string& path, double lo,
                      double hi) {
  if (!v.is_number()) fail_at(file, path, fmt::format("expected a number, got {}", v.dump()));
  const double x = v.get<double>();
  if (!(x >= lo && x <= hi))
    fail_at(file, path, fmt::format("must lie in [{}, {}], got {}", lo, hi, x));
  return x;
}

bool read_bool(const Json& v, const std::string& file, const std::string& path) {
  if (!v.is_boolean()) fail_at(file, path, fmt::format("expected true or false, got {}", v.dump()));
  return v.get<bool>();
}

std::vector<Target> parse_targets(const Json& v, const std::string& file, const std::string& at) {
  JsonObject x(v, at, file);
  std::vector<Target> targets;
  for (const char* metric :
       {"test_accuracy", "validation_accuracy", "train_loss", "validation_loss", "suboptimality"}) {
    if (const Json* values_json = x.optional(metric)) {
      const Json& values = read_nonempty_array(*values_json, file, x.path_of(metric));
      for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string p = fmt::format("{}/{}/{}", at, metric, i);
        const double value = higher_is_better(metric)
                                 ? read_number_in(values[i], file, p, 0.0, 1.0)
                                 : read_number_in(values[i], file, p, 0.0, 1e30);
        targets.push_back({metric, value});
      }
    }
  }
  x.finish();
  return targets;
}

Init parse_init(const Json& v, const std::string& file, const std::string& path) {
  const std::string name = read_string(v, file, path);
  if (name == "nielsen") return Init::kNielsen;
  if (name == "xavier") return Init::kXavier;
  if (name == "he") return Init::kHe;
  if (name == "zero") return Init::kZero;
  fail_at(file, path, fmt::format("unknown init \"{}\" (known: nielsen, xavier, he, zero)", name));
}

std::vector<BatchSize> parse_batch_sizes(const Json& v, const std::string& path,
                                         const std::string& at) {
  const Json& bs = read_nonempty_array(v, path, at);
  std::vector<BatchSize> out;
  for (std::size_t i = 0; i < bs.size(); ++i) {
    const std::string p = fmt::format("{}/{}", at, i);
    if (bs[i].is_string() && bs[i].get<std::string>() == "full") {
      out.push_back(BatchSize::full());
      continue;
    }
    if (!bs[i].is_number_integer()) {
      fail_at(path, p,
              fmt::format("expected a positive integer or \"full\", got {}", bs[i].dump()));
    }
    out.push_back(*BatchSize::of(read_uint(bs[i], path, p, 1)));
  }
  reject_repeats(
      out, path, at, [](BatchSize a, BatchSize b) { return a.to_string() == b.to_string(); },
      [](BatchSize b) { return "batch size " + b.to_string(); });
  return out;
}

namespace {
/// Training runs in float: two rates that round to the same float run the same cells.
bool same_float_rate(double a, double b) {
  return static_cast<float>(a) == static_cast<float>(b);
}
std::string show_rate(double r) {
  return fmt::format("learning rate {}", r);
}
}  // namespace

std::vector<double> parse_learning_rates(const Json& lr, const std::string& path,
                                         const std::string& at) {
  std::vector<double> out;
  if (lr.is_object()) {
    JsonObject g(lr, at, path);
    JsonObject grid(g.required("log_grid"), at + "/log_grid", path);
    const double lo = read_number_in(grid.required("min"), path, at + "/log_grid/min", 1e-30, 1e30);
    const double hi = read_number_in(grid.required("max"), path, at + "/log_grid/max", lo, 1e30);
    const Json* num_json = grid.optional("num");
    const Json* per_decade_json = grid.optional("per_decade");
    if ((num_json == nullptr) == (per_decade_json == nullptr)) {
      fail_at(path, at + "/log_grid", "give either num (points in all) or per_decade");
    }
    if (num_json != nullptr) {
      const auto num = read_uint(*num_json, path, at + "/log_grid/num", 1);
      if (num > 1000) grid.fail("num", "at most 1000");
      for (std::uint64_t i = 0; i < num; ++i) {
        const double t = num == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(num - 1);
        out.push_back(lo * std::pow(hi / lo, t));
      }
    } else {
      // min · 10^(i/per_decade) up to max (included when it lies on the grid, to 1e-9).
      const auto per = read_uint(*per_decade_json, path, at + "/log_grid/per_decade", 1);
      if (per > 100) grid.fail("per_decade", "at most 100");
      const double steps = std::log10(hi / lo) * static_cast<double>(per);
      if (steps > 1000) grid.fail("per_decade", "more than 1000 points between min and max");
      for (std::uint64_t i = 0; static_cast<double>(i) <= steps + 1e-9; ++i) {
        out.push_back(lo * std::pow(10.0, static_cast<double>(i) / static_cast<double>(per)));
      }
    }
    grid.finish();
    g.finish();
    reject_repeats(out, path, at + "/log_grid", same_float_rate, show_rate);
    return out;
  }
  const Json& lrs = read_nonempty_array(lr, path, at);
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    // Training runs in float: the rate must survive the conversion.
    out.push_back(read_number_in(lrs[i], path, fmt::format("{}/{}", at, i), 1e-30, 1e30));
  }
  reject_repeats(out, path, at, same_float_rate, show_rate);
  return out;
}

Schedule parse_schedule(const Json& v, const std::string& file, const std::string& at) {
  JsonObject o(v, at, file);
  Schedule s;
  const std::string type = read_string(o.required("type"), file, at + "/type");
  if (type == "constant") {
    s.kind = Schedule::Kind::kConstant;
  } else if (type == "step") {
    s.kind = Schedule::Kind::kStep;
    s.every_epochs = read_positive_number(o.required("every_epochs"), file, at + "/every_epochs");
    s.factor = read_number_in(o.required("factor"), file, at + "/factor", 0.0, 1.0);
  } else if (type == "inverse_time") {
    s.kind = Schedule::Kind::kInverseTime;
    s.lambda = read_positive_number(o.required("lambda"), file, at + "/lambda");
  } else if (type == "cosine") {
    s.kind = Schedule::Kind::kCosine;
  } else {
    o.fail("type", fmt::format("unknown schedule \"{}\" (known: constant, step, inverse_time, "
                               "cosine)",
                               type));
  }
  if (const Json* w = o.optional("warmup_epochs")) {
    s.warmup_epochs = read_number_in(*w, file, at + "/warmup_epochs", 0.0, 1e6);
  }
  if (const Json* b = o.optional("linear_scaling_base_batch")) {
    s.linear_scaling_base_batch = read_uint(*b, file, at + "/linear_scaling_base_batch", 1);
  }
  o.finish();
  return s;
}

std::vector<std::size_t> parse_widths(const Json& v, const std::string& file,
                                      const std::string& at) {
  const Json& widths = read_nonempty_array(v, file, at);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < widths.size(); ++i) {
    const std::string p = fmt::format("{}/{}", at, i);
    const auto width = read_uint(widths[i], file, p, 1);
    if (width > kMaxLayerWidth)
      fail_at(file, p, fmt::format("width {} exceeds {}", width, kMaxLayerWidth));
    out.push_back(width);
  }
  if (out.size() < 2) fail_at(file, at, "needs at least an input and an output width");
  return out;
}

}  // namespace sgdbench
