// parse_config: one function per section of the config, in the order the sections are
// read (the first error found is the one reported). Shared value readers are in
// config_fields.cpp, the dataset section in dataset_config.cpp.
#include "config/config.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "config/config_fields.hpp"
#include "config/json_reader.hpp"
#include "datasets/dataset_catalog.hpp"
#include "variants/registry.hpp"

namespace sgdbench {
namespace {

/// The datasets of /dataset or /datasets, each with its label and own targets.
struct DatasetEntry {
  DatasetConfig dataset;
  std::string label;
  std::vector<Target> targets;
};

void parse_name(JsonObject& o, const std::string& path, ExperimentConfig& c) {
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
}

/// Problems: each dataset (× each widths of /sweep/widths) is run with the whole sweep.
std::vector<DatasetEntry> parse_datasets(JsonObject& o, const std::string& path) {
  if (o.has("dataset") == o.has("datasets")) {
    fail_at(path, "/dataset", "give either /dataset or /datasets (a list of problems)");
  }
  std::vector<DatasetEntry> out;
  if (const Json* d = o.optional("dataset")) {
    // One problem may be labelled and carry its targets as a /datasets entry does.
    DatasetEntry e;
    e.dataset = parse_dataset(*d, path, "/dataset", e.label, e.targets);
    out.push_back(std::move(e));
    return out;
  }
  const Json& list = read_nonempty_array(o.required("datasets"), path, "/datasets");
  for (std::size_t i = 0; i < list.size(); ++i) {
    DatasetEntry e;
    e.dataset = parse_dataset(list[i], path, fmt::format("/datasets/{}", i), e.label, e.targets);
    for (const DatasetEntry& other : out) {
      if (other.label == e.label) {
        fail_at(path, fmt::format("/datasets/{}/label", i),
                fmt::format("\"{}\" is already used: give each dataset its own label", e.label));
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

ModelConfig parse_model(const Json& v, const std::string& path) {
  JsonObject m(v, "/model", path);
  ModelConfig model;
  if (const Json* w = m.optional("widths")) model.widths = parse_widths(*w, path, "/model/widths");
  if (const Json* i = m.optional("init")) model.init = parse_init(*i, path, "/model/init");
  if (const Json* l = m.optional("l2")) model.l2 = read_number_in(*l, path, "/model/l2", 0.0, 1e6);
  m.finish();
  return model;
}

/// A variant is a name, or an object that gives it a label and its own batch sizes,
/// learning rates or schedule (a method of a comparison: "SGD 1/t", "GD", "L-BFGS").
void parse_variants(const Json& v, const std::string& path, ExperimentConfig& c) {
  const Json& variants = read_nonempty_array(v, path, "/variants");
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string at = fmt::format("/variants/{}", i);
    VariantSweep vs;
    if (!variants[i].is_object()) {
      c.variants.push_back(read_string(variants[i], path, at));
      c.variant_sweeps.push_back(std::move(vs));
      continue;
    }
    JsonObject o(variants[i], at, path);
    c.variants.push_back(read_string(o.required("variant"), path, at + "/variant"));
    if (const Json* l = o.optional("label")) vs.label = read_string(*l, path, at + "/label");
    if (const Json* b = o.optional("batch_size")) {
      vs.batch_sizes = parse_batch_sizes(*b, path, at + "/batch_size");
    }
    if (const Json* l = o.optional("lr"))
      vs.learning_rates = parse_learning_rates(*l, path, at + "/lr");
    if (const Json* s = o.optional("schedule"))
      vs.schedule = parse_schedule(*s, path, at + "/schedule");
    if (const Json* e = o.optional("epochs"))
      vs.epochs = read_number_in(*e, path, at + "/epochs", 1e-3, 1e6);
    if (const Json* u = o.optional("update")) vs.update = parse_update(*u, path, at + "/update");
    o.finish();
    c.variant_sweeps.push_back(std::move(vs));
  }
}

/// The sweep's axes; returns the model shapes of /sweep/widths (empty: /model/widths).
std::vector<std::vector<std::size_t>> parse_sweep(const Json& v, const std::string& path,
                                                  ExperimentConfig& c) {
  JsonObject s(v, "/sweep", path);
  c.batch_sizes = parse_batch_sizes(s.required("batch_size"), path, "/sweep/batch_size");
  c.learning_rates = parse_learning_rates(s.required("lr"), path, "/sweep/lr");
  const Json& seeds = read_nonempty_array(s.required("seed"), path, "/sweep/seed");
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    c.seeds.push_back(read_uint(seeds[i], path, fmt::format("/sweep/seed/{}", i)));
  }
  reject_repeats(c.seeds, path, "/sweep/seed");
  std::vector<std::vector<std::size_t>> sweep_widths;
  if (const Json* w = s.optional("widths")) {
    if (!c.model.widths.empty()) s.fail("widths", "also given as /model/widths: keep one");
    const Json& list = read_nonempty_array(*w, path, "/sweep/widths");
    for (std::size_t k = 0; k < list.size(); ++k) {
      sweep_widths.push_back(parse_widths(list[k], path, fmt::format("/sweep/widths/{}", k)));
    }
    reject_repeats(
        sweep_widths, path, "/sweep/widths", [](const auto& a, const auto& b) { return a == b; },
        [](const auto& w) { return fmt::format("widths {}", fmt::join(w, "-")); });
  }
  if (const Json* t = s.optional("threads")) {
    const Json& ts = read_nonempty_array(*t, path, "/sweep/threads");
    c.threads.clear();
    for (std::size_t i = 0; i < ts.size(); ++i) {
      c.threads.push_back(read_uint(ts[i], path, fmt::format("/sweep/threads/{}", i)));
      if (c.threads.back() > kMaxThreads)
        fail_at(path, fmt::format("/sweep/threads/{}", i), fmt::format("at most {}", kMaxThreads));
    }
    reject_repeats(c.threads, path, "/sweep/threads");
  }
  s.finish();
  return sweep_widths;
}

void parse_budget(const Json& v, const std::string& path, ExperimentConfig& c) {
  JsonObject b(v, "/budget", path);
  if (const Json* x = b.optional("epochs"))
    c.epochs = read_number_in(*x, path, "/budget/epochs", 1e-3, 1e6);
  if (const Json* x = b.optional("grad_evals"))
    c.max_grad_evals = read_uint(*x, path, "/budget/grad_evals", 1);
  if (const Json* x = b.optional("updates"))
    c.max_updates = read_uint(*x, path, "/budget/updates", 1);
  if (const Json* x = b.optional("seconds"))
    c.max_seconds = read_number_in(*x, path, "/budget/seconds", 1e-3, 1e6);
  if (const Json* x = b.optional("until_first_target"))
    c.until_first_target = read_bool(*x, path, "/budget/until_first_target");
  if (const Json* x = b.optional("until_all_targets"))
    c.until_all_targets = read_bool(*x, path, "/budget/until_all_targets");
  if (c.until_first_target && c.until_all_targets) {
    b.fail("until_all_targets", "give until_first_target or until_all_targets, not both");
  }
  if (c.epochs == 0 && c.max_grad_evals == 0 && c.max_updates == 0 && c.max_seconds == 0) {
    fail_at(path, "/budget", "give at least one of epochs, grad_evals, updates, seconds");
  }
  b.finish();
}

void parse_eval(const Json& v, const std::string& path, ExperimentConfig& c) {
  JsonObject x(v, "/eval", path);
  if (const Json* e = x.optional("every_epochs")) {
    c.eval_every_epochs = read_number_in(*e, path, "/eval/every_epochs", 1e-6, 1e6);
  }
  if (const Json* e = x.optional("every_grad_evals")) {
    c.eval_every_grad_evals = read_uint(*e, path, "/eval/every_grad_evals", 1);
  }
  if (const Json* r = x.optional("record_params"))
    c.record_params = read_bool(*r, path, "/eval/record_params");
  if (const Json* l = x.optional("log_per_decade")) {
    c.eval_log_per_decade = read_uint(*l, path, "/eval/log_per_decade", 1);
    if (c.eval_log_per_decade > 100) x.fail("log_per_decade", "at most 100");
  }
  if (x.has("every_epochs") && x.has("every_grad_evals")) {
    x.fail("every_grad_evals", "give every_epochs or every_grad_evals, not both");
  }
  x.finish();
}

/// /analyses: run by bench/scripts/plot.py on the records; only their names are checked.
void parse_analyses(const Json& v, const std::string& path) {
  const Json& list = read_nonempty_array(v, path, "/analyses");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string name = read_string(list[i], path, fmt::format("/analyses/{}", i));
    if (name != "throughput_fit" && name != "batch_scaling_fit") {
      fail_at(path, fmt::format("/analyses/{}", i), "one of throughput_fit, batch_scaling_fit");
    }
  }
}

void parse_f_star(const Json& v, const std::string& path, ExperimentConfig& c) {
  JsonObject x(v, "/f_star", path);
  c.f_star_variant = read_string(x.required("variant"), path, "/f_star/variant");
  c.f_star_epochs = read_number_in(x.required("epochs"), path, "/f_star/epochs", 1, 1e6);
  x.finish();
}

void parse_noise_scale(const Json& v, const std::string& path, ExperimentConfig& c) {
  JsonObject x(v, "/noise_scale", path);
  c.noise_b_small = read_uint(x.required("b_small"), path, "/noise_scale/b_small", 1);
  c.noise_b_big = read_uint(x.required("b_big"), path, "/noise_scale/b_big", c.noise_b_small + 1);
  if (const Json* b = x.optional("batches"))
    c.noise_batches = read_uint(*b, path, "/noise_scale/batches", 1);
  if (c.noise_batches > 1000) x.fail("batches", "at most 1000");
  x.finish();
}

/// /execution; `sweep_has_threads`: /sweep/threads is given (one of the two may be).
void parse_execution(const Json& v, const std::string& path, bool sweep_has_threads,
                     ExperimentConfig& c) {
  JsonObject x(v, "/execution", path);
  if (const Json* t = x.optional("threads")) {
    if (sweep_has_threads) x.fail("threads", "also given as /sweep/threads: keep one");
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

/// /conditioning needs w*: exact for least squares, the /f_star run's end for softmax.
void check_conditioning(const ExperimentConfig& c, const std::string& path) {
  if (!c.conditioning) return;
  for (const Problem& p : c.problems) {
    if (!find_dataset(p.dataset.name)->exact_f_star && c.f_star_variant.empty()) {
      fail_at(path, "/conditioning",
              fmt::format("problem \"{}\" has no closed-form optimum: give /f_star (an L-BFGS "
                          "run of softmax regression) to measure the Hessian at",
                          p.label));
    }
  }
}

/// Every dataset × every model shape is a problem, with its own targets or the global ones.
void add_problems(const std::vector<DatasetEntry>& datasets,
                  std::vector<std::vector<std::size_t>> sweep_widths, ExperimentConfig& c) {
  if (sweep_widths.empty()) sweep_widths.push_back(c.model.widths);
  for (const DatasetEntry& d : datasets) {
    for (const auto& widths : sweep_widths) {
      Problem p;
      p.dataset = d.dataset;
      p.label = d.label;
      p.widths = widths;
      p.targets = d.targets.empty() ? c.targets : d.targets;
      c.problems.push_back(std::move(p));
    }
  }
  c.widths_swept = sweep_widths.size() > 1;
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
  parse_name(o, path, c);
  if (const Json* d = o.optional("description"))
    c.description = read_string(*d, path, "/description");
  const std::vector<DatasetEntry> datasets = parse_datasets(o, path);
  c.dataset = datasets.front().dataset;
  if (const Json* m = o.optional("model")) c.model = parse_model(*m, path);
  parse_variants(o.required("variants"), path, c);
  const auto sweep_widths = parse_sweep(o.required("sweep"), path, c);
  parse_budget(o.required("budget"), path, c);
  if (const Json* e = o.optional("eval")) parse_eval(*e, path, c);
  if (const Json* t = o.optional("targets")) c.targets = parse_targets(*t, path, "/targets");
  if (const Json* t = o.optional("tuning")) {
    const bool any_targets =
        o.has("targets") || std::any_of(datasets.begin(), datasets.end(),
                                        [](const DatasetEntry& d) { return !d.targets.empty(); });
    c.tuning = parse_tuning(*t, path, any_targets, c);
  }
  if (const Json* a = o.optional("analyses")) parse_analyses(*a, path);
  if (const Json* f = o.optional("f_star")) parse_f_star(*f, path, c);
  if (const Json* n = o.optional("noise_scale")) parse_noise_scale(*n, path, c);
  if (const Json* k = o.optional("conditioning"))
    c.conditioning = read_bool(*k, path, "/conditioning");
  if (const Json* u = o.optional("update")) c.update = parse_update(*u, path, "/update");
  if (const Json* s = o.optional("schedule")) c.schedule = parse_schedule(*s, path, "/schedule");
  if (const Json* e = o.optional("execution")) {
    const bool sweep_has_threads =
        root.contains("sweep") && root["sweep"].is_object() && root["sweep"].contains("threads");
    parse_execution(*e, path, sweep_has_threads, c);
  }
  add_problems(datasets, sweep_widths, c);
  check_conditioning(c, path);
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

bool higher_is_better(std::string_view metric) {
  return metric.ends_with("_accuracy");
}

std::string Target::label() const {
  return fmt::format("{}{}{:g}", metric, higher_is_better(metric) ? ">=" : "<=", value);
}

bool Target::reached(double v) const {
  return higher_is_better(metric) ? v >= value : v <= value;
}

}  // namespace sgdbench
