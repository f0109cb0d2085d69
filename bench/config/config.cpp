#include "config/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include "config/json_reader.hpp"

namespace sgdbench {
namespace {

double read_number_in(const Json& v, const std::string& file, const std::string& path, double lo,
                      double hi) {
  if (!v.is_number()) fail_at(file, path, fmt::format("expected a number, got {}", v.dump()));
  const double x = v.get<double>();
  if (!(x >= lo && x <= hi))
    fail_at(file, path, fmt::format("must lie in [{}, {}], got {}", lo, hi, x));
  return x;
}

std::vector<Target> parse_targets(const Json& v, const std::string& file, const std::string& at) {
  JsonObject x(v, at, file);
  std::vector<Target> targets;
  for (const char* metric : {"test_accuracy", "train_loss", "suboptimality"}) {
    if (const Json* values_json = x.optional(metric)) {
      const Json& values = read_nonempty_array(*values_json, file, x.path_of(metric));
      for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string p = fmt::format("{}/{}/{}", at, metric, i);
        const double value = std::string(metric) == "test_accuracy"
                                 ? read_number_in(values[i], file, p, 0.0, 1.0)
                                 : read_number_in(values[i], file, p, 0.0, 1e30);
        targets.push_back({metric, value});
      }
    }
  }
  x.finish();
  return targets;
}

/// /dataset, or one entry of /datasets (at = "/datasets/3"), which may add a "label" and
/// its own "targets".
DatasetConfig parse_dataset(const Json& v, const std::string& file, const std::string& at,
                            std::string* label = nullptr, std::vector<Target>* targets = nullptr) {
  JsonObject o(v, at, file);
  DatasetConfig d;
  d.name = read_string(o.required("name"), file, o.path_of("name"));
  if (label != nullptr) {
    *label = d.name;
    if (const Json* l = o.optional("label")) *label = read_string(*l, file, o.path_of("label"));
    if (const Json* t = o.optional("targets"))
      *targets = parse_targets(*t, file, o.path_of("targets"));
  }
  // Two-parameter least-squares problems for trajectory pictures (each example one data
  // point, so mini-batches are real mini-batches): an ill-conditioned bowl without noise
  // and a noisy problem. Their fields default below and can be overridden.
  const bool two_d = d.name == "quadratic-bowl-2d" || d.name == "noisy-lsq-2d";
  if (two_d) {
    d.d = 2;
    d.noise = d.name == "quadratic-bowl-2d" ? 0.0 : 0.5;
    d.condition = d.name == "quadratic-bowl-2d" ? 20.0 : 5.0;
  }
  const bool synthetic = d.name == "synthetic-lsq" || d.name == "gaussian-mixture" || two_d;
  const bool text_file = d.name == "csv" || d.name == "libsvm";
  if (d.name != "mnist" && d.name != "fashion-mnist" && d.name != "idx" && !text_file &&
      !synthetic) {
    o.fail("name", fmt::format("unknown dataset \"{}\" (known: mnist, fashion-mnist, idx, csv, "
                               "libsvm, synthetic-lsq, gaussian-mixture, quadratic-bowl-2d, "
                               "noisy-lsq-2d)",
                               d.name));
  }
  if (const Json* v = o.optional("validation"))
    d.validation = read_uint(*v, file, o.path_of("validation"), 1);
  if (const Json* p = o.optional("preprocess")) {
    const std::string how = read_string(*p, file, o.path_of("preprocess"));
    if (how == "none") {
      d.preprocess = Preprocess::kNone;
    } else if (how == "scale01") {
      d.preprocess = Preprocess::kScale01;
    } else if (how == "standardize") {
      d.preprocess = Preprocess::kStandardize;
    } else {
      o.fail("preprocess",
             fmt::format("unknown preprocessing \"{}\" (known: none, scale01, standardize)", how));
    }
  }
  if (text_file) {
    const auto base = std::filesystem::path(file).parent_path();
    const std::filesystem::path p = read_string(o.required("path"), file, o.path_of("path"));
    d.path = (p.is_absolute() ? p : base / p).string();
    if (const Json* t = o.optional("task")) {
      d.task = read_string(*t, file, o.path_of("task"));
      if (d.task != "classification" && d.task != "regression") {
        o.fail("task", fmt::format("unknown task \"{}\" (known: classification, regression)",
                                   d.task));
      }
    }
    if (d.name == "csv") {
      if (const Json* h = o.optional("header")) {
        if (!h->is_boolean()) o.fail("header", fmt::format("expected true or false, got {}", h->dump()));
        d.header = h->get<bool>();
      }
    } else if (const Json* f = o.optional("features")) {
      d.features = read_uint(*f, file, o.path_of("features"), 1);
      if (d.features > kMaxLayerWidth)
        o.fail("features", fmt::format("at most {}", kMaxLayerWidth));
    }
  }
  if (const Json* t = o.optional("train")) d.train = read_uint(*t, file, o.path_of("train"), 1);
  if (const Json* t = o.optional("test")) d.test = read_uint(*t, file, o.path_of("test"), 1);
  if (const Json* s = o.optional("split_seed"))
    d.split_seed = read_uint(*s, file, o.path_of("split_seed"));
  if (d.name == "idx") {
    // Relative paths are relative to the config file.
    const auto base = std::filesystem::path(file).parent_path();
    auto resolve = [&](const std::string& key) {
      const std::filesystem::path p = read_string(o.required(key), file, o.path_of(key));
      return (p.is_absolute() ? p : base / p).string();
    };
    d.images = resolve("images");
    d.labels = resolve("labels");
  }
  if (synthetic) {
    constexpr std::uint64_t kMaxRows = 1u << 24, kMaxDim = 1u << 16;
    if (d.train == 0 || d.test == 0)
      o.fail("train", "synthetic problems need \"train\" and \"test\" sizes");
    if (d.train > kMaxRows || d.test > kMaxRows)
      o.fail("train", fmt::format("at most {} rows", kMaxRows));
    if (!two_d || o.has("d")) d.d = read_uint(o.required("d"), file, o.path_of("d"), 1);
    if (d.d > kMaxDim) o.fail("d", fmt::format("at most {}", kMaxDim));
    if (const Json* s = o.optional("seed")) d.seed = read_uint(*s, file, o.path_of("seed"));
  }
  if (d.name == "synthetic-lsq" || two_d) {
    if (const Json* x = o.optional("noise"))
      d.noise = read_number_in(*x, file, o.path_of("noise"), 0.0, 1e6);
    if (const Json* x = o.optional("condition")) {
      d.condition = read_number_in(*x, file, o.path_of("condition"), 1.0, 1e12);
    }
  }
  if (d.name == "gaussian-mixture") {
    d.classes = read_uint(o.required("classes"), file, o.path_of("classes"), 2);
    if (d.classes > 256) o.fail("classes", "at most 256");
    if (const Json* x = o.optional("separation")) {
      d.separation = read_number_in(*x, file, o.path_of("separation"), 0.0, 1e6);
    }
  }
  o.finish();
  return d;
}

Init parse_init(const Json& v, const std::string& file, const std::string& path) {
  const std::string name = read_string(v, file, path);
  if (name == "nielsen") return Init::kNielsen;
  if (name == "xavier") return Init::kXavier;
  if (name == "he") return Init::kHe;
  if (name == "zero") return Init::kZero;
  fail_at(file, path, fmt::format("unknown init \"{}\" (known: nielsen, xavier, he, zero)", name));
}

/// A list of batch sizes (integers, or "full" = 0), each at most `train_rows` when known.
std::vector<std::size_t> parse_batch_sizes(const Json& v, const std::string& path,
                                           const std::string& at, std::size_t train_rows) {
  const Json& bs = read_nonempty_array(v, path, at);
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < bs.size(); ++i) {
    const std::string p = fmt::format("{}/{}", at, i);
    if (bs[i].is_string() && bs[i].get<std::string>() == "full") {
      out.push_back(0);
      continue;
    }
    if (!bs[i].is_number_integer()) {
      fail_at(path, p,
              fmt::format("expected a positive integer or \"full\", got {}", bs[i].dump()));
    }
    const std::size_t b = read_uint(bs[i], path, p, 1);
    if (train_rows != 0 && b > train_rows) {
      fail_at(path, p, fmt::format("batch size {} exceeds the {} training rows", b, train_rows));
    }
    out.push_back(b);
  }
  return out;
}

/// A list of learning rates or {"log_grid": {"min": 0.01, "max": 10, "num": 7}}.
std::vector<double> parse_learning_rates(const Json& lr, const std::string& path,
                                         const std::string& at) {
  std::vector<double> out;
  if (lr.is_object()) {
    JsonObject g(lr, at, path);
    JsonObject grid(g.required("log_grid"), at + "/log_grid", path);
    const double lo = read_number_in(grid.required("min"), path, at + "/log_grid/min", 1e-30, 1e30);
    const double hi = read_number_in(grid.required("max"), path, at + "/log_grid/max", lo, 1e30);
    const auto num = read_uint(grid.required("num"), path, at + "/log_grid/num", 1);
    if (num > 1000) grid.fail("num", "at most 1000");
    for (std::uint64_t i = 0; i < num; ++i) {
      const double t = num == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(num - 1);
      out.push_back(lo * std::pow(hi / lo, t));
    }
    grid.finish();
    g.finish();
    return out;
  }
  const Json& lrs = read_nonempty_array(lr, path, at);
  for (std::size_t i = 0; i < lrs.size(); ++i) {
    // Training runs in float: the rate must survive the conversion.
    out.push_back(read_number_in(lrs[i], path, fmt::format("{}/{}", at, i), 1e-30, 1e30));
  }
  return out;
}

Schedule parse_schedule(const Json& v, const std::string& file,
                        const std::string& at = "/schedule") {
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

}  // namespace

ExperimentConfig parse_config(const std::string& path) {
  return parse_config_json(read_json_file(path), path);
}

ExperimentConfig parse_config_json(const Json& root, const std::string& path) {
  ExperimentConfig c;
  c.file = path;
  JsonObject o(root, "", path);

  o.optional("$schema");  // editors: "configs/schema.json"
  c.name = read_string(o.required("name"), path, "/name");
  // Checked by hand: std::regex recurses per character and a long name overflowed the
  // stack (found by fuzz_config; tests/fuzz/findings/config_name_regex_stack_overflow.json).
  const auto name_char = [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) != 0 || ch == '_' || ch == '.' || ch == '-';
  };
  if (c.name.empty() || c.name.size() > 200 ||
      std::isalnum(static_cast<unsigned char>(c.name[0])) == 0 ||
      !std::all_of(c.name.begin(), c.name.end(), name_char)) {
    o.fail("name",
           "must be a folder name: a letter or digit, then letters, digits, '_', '.', '-'; at most "
           "200 characters");
  }
  if (const Json* d = o.optional("description"))
    c.description = read_string(*d, path, "/description");
  if (o.has("dataset") == o.has("datasets")) {
    fail_at(path, "/dataset", "give either /dataset or /datasets (a list of problems)");
  }
  // Problems: each dataset (× each widths of /sweep/widths) is run with the whole sweep.
  std::vector<std::pair<DatasetConfig, std::string>> datasets;
  std::vector<std::vector<Target>> dataset_targets;
  if (const Json* d = o.optional("dataset")) {
    // One problem may be labelled and carry its targets as a /datasets entry does.
    std::string label;
    std::vector<Target> targets;
    DatasetConfig one = parse_dataset(*d, path, "/dataset", &label, &targets);
    datasets.emplace_back(std::move(one), label);
    dataset_targets.push_back(std::move(targets));
  } else {
    const Json& list = read_nonempty_array(o.required("datasets"), path, "/datasets");
    for (std::size_t i = 0; i < list.size(); ++i) {
      std::string label;
      std::vector<Target> targets;
      DatasetConfig d =
          parse_dataset(list[i], path, fmt::format("/datasets/{}", i), &label, &targets);
      for (const auto& [other, other_label] : datasets) {
        if (other_label == label) {
          fail_at(path, fmt::format("/datasets/{}/label", i),
                  fmt::format("\"{}\" is already used: give each dataset its own label", label));
        }
      }
      datasets.emplace_back(std::move(d), label);
      dataset_targets.push_back(std::move(targets));
    }
  }
  c.dataset = datasets.front().first;

  std::vector<std::vector<std::size_t>> sweep_widths;
  if (const Json* model = o.optional("model")) {
    JsonObject m(*model, "/model", path);
    if (const Json* w = m.optional("widths")) {
      const Json& widths = read_nonempty_array(*w, path, "/model/widths");
      for (std::size_t i = 0; i < widths.size(); ++i) {
        const std::string p = fmt::format("/model/widths/{}", i);
        const auto width = read_uint(widths[i], path, p, 1);
        if (width > kMaxLayerWidth)
          fail_at(path, p, fmt::format("width {} exceeds {}", width, kMaxLayerWidth));
        c.model.widths.push_back(width);
      }
      if (c.model.widths.size() < 2)
        m.fail("widths", "needs at least an input and an output width");
    }
    if (const Json* i = m.optional("init")) c.model.init = parse_init(*i, path, "/model/init");
    if (const Json* l = m.optional("l2"))
      c.model.l2 = read_number_in(*l, path, "/model/l2", 0.0, 1e6);
    m.finish();
  }

  // A variant is a name, or an object that gives it a label and its own batch sizes,
  // learning rates or schedule (a method of a comparison: "SGD 1/t", "GD", "L-BFGS").
  const Json& variants = read_nonempty_array(o.required("variants"), path, "/variants");
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string at = fmt::format("/variants/{}", i);
    VariantSweep vs;
    if (variants[i].is_object()) {
      JsonObject v(variants[i], at, path);
      c.variants.push_back(read_string(v.required("variant"), path, at + "/variant"));
      if (const Json* l = v.optional("label")) vs.label = read_string(*l, path, at + "/label");
      if (const Json* b = v.optional("batch_size")) {
        vs.batch_sizes = parse_batch_sizes(*b, path, at + "/batch_size", 0);
      }
      if (const Json* l = v.optional("lr"))
        vs.learning_rates = parse_learning_rates(*l, path, at + "/lr");
      if (const Json* sch = v.optional("schedule"))
        vs.schedule = parse_schedule(*sch, path, at + "/schedule");
      if (const Json* e = v.optional("epochs")) {
        vs.epochs = read_number_in(*e, path, at + "/epochs", 1e-3, 1e6);
      }
      v.finish();
    } else {
      c.variants.push_back(read_string(variants[i], path, at));
    }
    c.variant_sweeps.push_back(std::move(vs));
  }

  {
    JsonObject s(o.required("sweep"), "/sweep", path);
    c.batch_sizes =
        parse_batch_sizes(s.required("batch_size"), path, "/sweep/batch_size", c.dataset.train);
    c.learning_rates = parse_learning_rates(s.required("lr"), path, "/sweep/lr");
    const Json& seeds = read_nonempty_array(s.required("seed"), path, "/sweep/seed");
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      c.seeds.push_back(read_uint(seeds[i], path, fmt::format("/sweep/seed/{}", i)));
    }
    if (const Json* w = s.optional("widths")) {
      if (!c.model.widths.empty()) s.fail("widths", "also given as /model/widths: keep one");
      const Json& list = read_nonempty_array(*w, path, "/sweep/widths");
      for (std::size_t k = 0; k < list.size(); ++k) {
        const std::string at = fmt::format("/sweep/widths/{}", k);
        const Json& widths = read_nonempty_array(list[k], path, at);
        std::vector<std::size_t> one;
        for (std::size_t i = 0; i < widths.size(); ++i) {
          const std::string p = fmt::format("{}/{}", at, i);
          const auto width = read_uint(widths[i], path, p, 1);
          if (width > kMaxLayerWidth)
            fail_at(path, p, fmt::format("width {} exceeds {}", width, kMaxLayerWidth));
          one.push_back(width);
        }
        if (one.size() < 2) fail_at(path, at, "needs at least an input and an output width");
        sweep_widths.push_back(std::move(one));
      }
    }
    if (const Json* t = s.optional("threads")) {
      const Json& ts = read_nonempty_array(*t, path, "/sweep/threads");
      c.threads.clear();
      for (std::size_t i = 0; i < ts.size(); ++i) {
        c.threads.push_back(read_uint(ts[i], path, fmt::format("/sweep/threads/{}", i)));
        if (c.threads.back() > kMaxThreads)
          fail_at(path, fmt::format("/sweep/threads/{}", i), fmt::format("at most {}", kMaxThreads));
      }
    }
    s.finish();
  }

  {
    JsonObject b(o.required("budget"), "/budget", path);
    if (const Json* v = b.optional("epochs"))
      c.epochs = read_number_in(*v, path, "/budget/epochs", 1e-3, 1e6);
    if (const Json* v = b.optional("grad_evals"))
      c.max_grad_evals = read_uint(*v, path, "/budget/grad_evals", 1);
    if (const Json* v = b.optional("updates"))
      c.max_updates = read_uint(*v, path, "/budget/updates", 1);
    if (const Json* v = b.optional("seconds"))
      c.max_seconds = read_number_in(*v, path, "/budget/seconds", 1e-3, 1e6);
    if (const Json* v = b.optional("until_first_target")) {
      if (!v->is_boolean()) b.fail("until_first_target", "expected true or false");
      c.until_first_target = v->get<bool>();
    }
    if (c.epochs == 0 && c.max_grad_evals == 0 && c.max_updates == 0 && c.max_seconds == 0) {
      fail_at(path, "/budget", "give at least one of epochs, grad_evals, updates, seconds");
    }
    b.finish();
  }

  if (const Json* e = o.optional("eval")) {
    JsonObject x(*e, "/eval", path);
    if (const Json* v = x.optional("every_epochs")) {
      c.eval_every_epochs = read_number_in(*v, path, "/eval/every_epochs", 1e-6, 1e6);
    }
    if (const Json* v = x.optional("every_grad_evals")) {
      c.eval_every_grad_evals = read_uint(*v, path, "/eval/every_grad_evals", 1);
    }
    if (const Json* r = x.optional("record_params")) {
      if (!r->is_boolean()) x.fail("record_params", "expected true or false");
      c.record_params = r->get<bool>();
    }
    if (x.has("every_epochs") && x.has("every_grad_evals")) {
      x.fail("every_grad_evals", "give every_epochs or every_grad_evals, not both");
    }
    x.finish();
  }

  if (const Json* t = o.optional("targets")) c.targets = parse_targets(*t, path, "/targets");

  if (const Json* t = o.optional("tuning")) {
    JsonObject x(*t, "/tuning", path);
    Tuning tuning;
    const Json& seeds = read_nonempty_array(x.required("seeds"), path, "/tuning/seeds");
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      tuning.seeds.push_back(read_uint(seeds[i], path, fmt::format("/tuning/seeds/{}", i)));
    }
    if (const Json* p = x.optional("points")) {
      if (!p->is_boolean()) x.fail("points", "expected true or false");
      tuning.points = p->get<bool>();
    }
    if (const Json* v = x.optional("select_by")) {
      tuning.select_by = read_string(*v, path, "/tuning/select_by");
      const bool known = tuning.select_by == "train_loss" || tuning.select_by == "test_accuracy" ||
                         tuning.select_by == "updates_to_target" ||
                         tuning.select_by == "seconds_to_target";
      if (!known) {
        x.fail("select_by",
               "one of train_loss, test_accuracy, updates_to_target, seconds_to_target");
      }
      const bool any_targets =
          o.has("targets") || std::any_of(dataset_targets.begin(), dataset_targets.end(),
                                          [](const auto& t) { return !t.empty(); });
      if (tuning.select_by.ends_with("_to_target") && !any_targets) {
        x.fail("select_by", "needs /targets (the first target is used)");
      }
    }
    if (c.seeds.size() != 1) {
      fail_at(path, "/sweep/seed", "with /tuning, the sweep has exactly one seed: the tuning seed");
    }
    x.finish();
    c.tuning = tuning;
  }

  if (const Json* a = o.optional("analyses")) {  // run by bench/scripts/plot.py on the records
    const Json& list = read_nonempty_array(*a, path, "/analyses");
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string name = read_string(list[i], path, fmt::format("/analyses/{}", i));
      if (name != "throughput_fit" && name != "batch_scaling_fit") {
        fail_at(path, fmt::format("/analyses/{}", i), "one of throughput_fit, batch_scaling_fit");
      }
    }
  }
  if (const Json* f = o.optional("f_star")) {
    JsonObject x(*f, "/f_star", path);
    c.f_star_variant = read_string(x.required("variant"), path, "/f_star/variant");
    c.f_star_epochs = read_number_in(x.required("epochs"), path, "/f_star/epochs", 1, 1e6);
    x.finish();
  }

  if (const Json* n = o.optional("noise_scale")) {
    JsonObject x(*n, "/noise_scale", path);
    c.noise_b_small = read_uint(x.required("b_small"), path, "/noise_scale/b_small", 1);
    c.noise_b_big = read_uint(x.required("b_big"), path, "/noise_scale/b_big", c.noise_b_small + 1);
    if (const Json* v = x.optional("batches"))
      c.noise_batches = read_uint(*v, path, "/noise_scale/batches", 1);
    if (c.noise_batches > 1000) x.fail("batches", "at most 1000");
    x.finish();
  }

  if (const Json* u = o.optional("update")) {
    JsonObject x(*u, "/update", path);
    auto unit = [&](const char* key, float& field, double lo, double hi) {
      if (const Json* v = x.optional(key)) {
        field = static_cast<float>(read_number_in(*v, path, x.path_of(key), lo, hi));
      }
    };
    unit("momentum", c.update.momentum, 0.0, 0.999999);
    unit("beta1", c.update.beta1, 0.0, 0.999999);
    unit("beta2", c.update.beta2, 0.0, 0.999999);
    unit("rho", c.update.rho, 0.0, 0.999999);
    unit("eps", c.update.eps, 1e-30, 1.0);
    if (const Json* v = x.optional("svrg_inner_epochs")) {
      c.svrg_inner_epochs = read_number_in(*v, path, "/update/svrg_inner_epochs", 1e-3, 1e3);
    }
    if (const Json* v = x.optional("lbfgs_memory")) {
      c.lbfgs_memory = read_uint(*v, path, "/update/lbfgs_memory", 1);
      if (c.lbfgs_memory > 1000) x.fail("lbfgs_memory", "at most 1000");
    }
    x.finish();
  }
  if (const Json* s = o.optional("schedule")) c.schedule = parse_schedule(*s, path);

  if (const Json* e = o.optional("execution")) {
    JsonObject x(*e, "/execution", path);
    if (const Json* t = x.optional("threads")) {
      if (root.contains("sweep") && root["sweep"].is_object() &&
          root["sweep"].contains("threads")) {
        x.fail("threads", "also given as /sweep/threads: keep one");
      }
      c.threads = {read_uint(*t, path, "/execution/threads")};
      if (c.threads.front() > kMaxThreads) {  // as /sweep/threads: TBB would try to honour it
        x.fail("threads", fmt::format("at most {}", kMaxThreads));
      }
    }
    if (const Json* d = x.optional("divergence_loss")) {
      c.divergence_loss = read_number_in(*d, path, "/execution/divergence_loss", 1e-30, 1e300);
    }
    if (const Json* r = x.optional("chunk_rows")) {
      c.chunk_rows = read_uint(*r, path, "/execution/chunk_rows", 1);
      if (c.chunk_rows > kMaxChunkRows) {
        fail_at(path, "/execution/chunk_rows", fmt::format("must be at most {}", kMaxChunkRows));
      }
    }
    x.finish();
  }
  if (sweep_widths.empty()) sweep_widths.push_back(c.model.widths);
  for (std::size_t d = 0; d < datasets.size(); ++d) {
    for (const auto& widths : sweep_widths) {
      Problem p;
      p.dataset = datasets[d].first;
      p.label = datasets[d].second;
      p.widths = widths;
      p.targets = dataset_targets[d].empty() ? c.targets : dataset_targets[d];
      c.problems.push_back(std::move(p));
    }
  }
  c.widths_swept = sweep_widths.size() > 1;

  if (c.schedule.kind == Schedule::Kind::kCosine && c.epochs == 0) {
    fail_at(path, "/schedule/type", "cosine needs a budget in epochs (it decays over them)");
  }
  o.finish();
  return c;
}

ExperimentConfig for_problem(const ExperimentConfig& config, const Problem& p) {
  ExperimentConfig c = config;
  c.dataset = p.dataset;
  c.model.widths = p.widths;
  c.targets = p.targets;
  return c;
}

std::string Target::label() const {
  return fmt::format("{}{}{:g}", metric, metric == "test_accuracy" ? ">=" : "<=", value);
}

bool Target::reached(double v) const {
  return metric == "test_accuracy" ? v >= value : v <= value;
}

}  // namespace sgdbench
