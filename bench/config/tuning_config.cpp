// The /tuning and /update sections of a config (split from config.cpp): the learning-rate
// protocol's settings, and hyper-parameters checked against the compiled rules' declarations.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "config/config_fields.hpp"
#include "config/json_reader.hpp"
#include "variants/registry.hpp"

namespace sgdbench {

/// /tuning; `any_targets`: the config has targets (global or per dataset).
Tuning parse_tuning(const Json& v, const std::string& path, bool any_targets,
                    const ExperimentConfig& c) {
  JsonObject x(v, "/tuning", path);
  Tuning tuning;
  const Json& seeds = read_nonempty_array(x.required("seeds"), path, "/tuning/seeds");
  for (std::size_t i = 0; i < seeds.size(); ++i) {
    tuning.seeds.push_back(read_uint(seeds[i], path, fmt::format("/tuning/seeds/{}", i)));
  }
  reject_repeats(tuning.seeds, path, "/tuning/seeds");
  if (const Json* p = x.optional("points")) tuning.points = read_bool(*p, path, "/tuning/points");
  if (const Json* s = x.optional("select_by")) {
    tuning.select_by = read_string(*s, path, "/tuning/select_by");
    const std::string& by = tuning.select_by;
    const bool known = by == "train_loss" || by == "validation_loss" || by == "test_accuracy" ||
                       by == "validation_accuracy" || by == "updates_to_target" ||
                       by == "seconds_to_target" || by == "grad_evals_to_target";
    if (!known) {
      x.fail("select_by",
             "one of train_loss, validation_loss, test_accuracy, validation_accuracy, "
             "updates_to_target, seconds_to_target, grad_evals_to_target");
    }
    if (tuning.select_by.ends_with("_to_target") && !any_targets) {
      x.fail("select_by", "needs /targets (the first target is used)");
    }
  }
  if (const Json* p = x.optional("per_target")) {
    tuning.per_target = read_bool(*p, path, "/tuning/per_target");
    if (tuning.per_target && !tuning.select_by.ends_with("_to_target")) {
      x.fail("per_target", "needs a select_by of *_to_target (a rate chosen per target)");
    }
  }
  if (const Json* b = x.optional("bracket")) {
    JsonObject bracket(*b, "/tuning/bracket", path);
    tuning.bracket = true;
    tuning.max_extensions =
        read_uint(bracket.required("max_extensions"), path, "/tuning/bracket/max_extensions");
    if (tuning.max_extensions > 100) bracket.fail("max_extensions", "at most 100");
    bracket.finish();
  }
  // The sweep's seeds are the tuning seeds: a rate's score is its median over them.
  for (std::size_t i = 0; i < tuning.seeds.size(); ++i) {
    if (std::find(c.seeds.begin(), c.seeds.end(), tuning.seeds[i]) != c.seeds.end()) {
      fail_at(path, fmt::format("/tuning/seeds/{}", i),
              fmt::format("seed {} is also a tuning seed (/sweep/seed): the reporting seeds "
                          "must be disjoint from them, or the run the rate was chosen on is "
                          "reported as if it were fresh",
                          tuning.seeds[i]));
    }
  }
  x.finish();
  return tuning;
}

/// /update: each key is a hyper-parameter that some compiled update rule declares (its
/// header's kHyperParams), checked against that declaration's range.
HyperParams parse_update(const Json& v, const std::string& path, const std::string& at_path) {
  JsonObject x(v, at_path, path);
  HyperParams update;
  const std::vector<HyperParam> declared = compiled_variants().hyper_params();
  for (const auto& item : v.items()) {
    const std::string& key = item.key();
    auto is_key = [&](const HyperParam& p) { return p.name == key; };
    if (std::none_of(declared.begin(), declared.end(), is_key)) {
      std::vector<std::string_view> names(declared.size());
      std::transform(declared.begin(), declared.end(), names.begin(),
                     [](const HyperParam& p) { return p.name; });
      x.fail(key, fmt::format("no compiled update rule declares this hyper-parameter (declared: "
                              "{}; see sgdbench list --hyper-parameters)",
                              fmt::join(names, ", ")));
    }
  }
  for (const HyperParam& p : declared) {
    const Json* given = x.optional(std::string(p.name));
    if (given == nullptr) continue;
    const std::string at = x.path_of(std::string(p.name));
    update.set(p.name, p.integer ? static_cast<double>(read_uint(*given, path, at, 1))
                                 : read_number_in(*given, path, at, p.min, p.max));
    if (p.integer && (update.value(p) < p.min || update.value(p) > p.max)) {
      x.fail(std::string(p.name), fmt::format("must be in [{:g}, {:g}]", p.min, p.max));
    }
  }
  x.finish();
  return update;
}

}  // namespace sgdbench
