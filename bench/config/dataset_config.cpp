// /dataset and each entry of /datasets: which data, how it is split and preprocessed.
#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "config/config_fields.hpp"
#include "datasets/dataset_catalog.hpp"

namespace sgdbench {
namespace {

/// A path in the config, relative to the config file's folder unless absolute.
std::string path_near(const std::string& file, const std::string& given) {
  const std::filesystem::path p = given;
  return (p.is_absolute() ? p : std::filesystem::path(file).parent_path() / p).string();
}

Preprocess parse_preprocess(JsonObject& o, const std::string& file) {
  const Json* p = o.optional("preprocess");
  if (p == nullptr) return Preprocess::kNone;
  const std::string how = read_string(*p, file, o.path_of("preprocess"));
  if (how == "none") return Preprocess::kNone;
  if (how == "scale01") return Preprocess::kScale01;
  if (how == "standardize") return Preprocess::kStandardize;
  if (how == "center_global_scale") return Preprocess::kCenterGlobalScale;
  o.fail(
      "preprocess",
      fmt::format(
          "unknown preprocessing \"{}\" (known: none, scale01, standardize, center_global_scale)",
          how));
}

/// csv and libsvm: the file, the task, and csv's header or libsvm's width.
void parse_text_file(JsonObject& o, const std::string& file, DatasetConfig& d) {
  d.path = path_near(file, read_string(o.required("path"), file, o.path_of("path")));
  if (const Json* t = o.optional("task")) {
    d.task = read_string(*t, file, o.path_of("task"));
    if (d.task != "classification" && d.task != "regression") {
      o.fail("task",
             fmt::format("unknown task \"{}\" (known: classification, regression)", d.task));
    }
  }
  if (find_dataset(d.name)->source == DataSource::kCsv) {
    if (const Json* h = o.optional("header")) d.header = read_bool(*h, file, o.path_of("header"));
  } else if (const Json* f = o.optional("features")) {
    d.features = read_uint(*f, file, o.path_of("features"), 1);
    if (d.features > kMaxLayerWidth) o.fail("features", fmt::format("at most {}", kMaxLayerWidth));
  }
}

/// The generated problems (data/synthetic.hpp): sizes, dimension, seed and their shape.
void parse_synthetic(JsonObject& o, const std::string& file, bool two_d, DatasetConfig& d) {
  constexpr std::uint64_t kMaxRows = 1u << 24, kMaxDim = 1u << 16;
  if (d.train == 0 || d.test == 0)
    o.fail("train", "synthetic problems need \"train\" and \"test\" sizes");
  if (d.train > kMaxRows || d.test > kMaxRows)
    o.fail("train", fmt::format("at most {} rows", kMaxRows));
  if (!two_d || o.has("d")) d.d = read_uint(o.required("d"), file, o.path_of("d"), 1);
  if (d.d > kMaxDim) o.fail("d", fmt::format("at most {}", kMaxDim));
  if (const Json* s = o.optional("seed")) d.seed = read_uint(*s, file, o.path_of("seed"));
  if (find_dataset(d.name)->source == DataSource::kLsq) {
    if (const Json* x = o.optional("noise"))
      d.noise = read_number_in(*x, file, o.path_of("noise"), 0.0, 1e6);
    if (const Json* x = o.optional("condition")) {
      d.condition = read_number_in(*x, file, o.path_of("condition"), 1.0, 1e12);
    }
  }
  if (find_dataset(d.name)->source == DataSource::kGaussianMixture) {
    d.classes = read_uint(o.required("classes"), file, o.path_of("classes"), 2);
    if (d.classes > 256) o.fail("classes", "at most 256");
    if (const Json* x = o.optional("separation")) {
      d.separation = read_number_in(*x, file, o.path_of("separation"), 0.0, 1e6);
    }
  }
}

/// The memory a synthetic problem takes while it is made (issue 42: d = 65536 and 100,000
/// rows ended in "unexpected error: std::bad_alloc", no field named): its rows of floats
/// twice (generated, then split), and for least squares the exact optimum's two d × d
/// matrices of doubles (the normal equations and their Cholesky factor). Checked against
/// three quarters of this machine's memory, named in the error with what it would need.
void check_synthetic_memory(const DatasetConfig& d, const std::string& file,
                            const std::string& at) {
  const double rows = static_cast<double>(d.train) + static_cast<double>(d.test);
  const double dim = static_cast<double>(d.d);
  const double features = 2.0 * rows * dim * sizeof(float);
  const bool lsq = find_dataset(d.name)->source == DataSource::kLsq;
  const double solve = lsq ? 2.0 * dim * dim * sizeof(double) : 0.0;
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return;  // unknown: let the allocation decide
  const double memory = static_cast<double>(pages) * static_cast<double>(page);
  const double cap = 0.75 * memory;
  if (features + solve <= cap) return;
  constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
  fail_at(
      file, at,
      fmt::format(
          "{} with d = {} and {} rows needs about {:.1f} GiB ({:.1f} GiB of features, "
          "held twice while split{}); this machine has {:.1f} GiB and sgdbench "
          "takes at most three quarters of it: lower d or the rows",
          d.name, d.d, d.train + d.test, (features + solve) / kGiB, features / kGiB,
          lsq ? fmt::format(", {:.1f} GiB for the exact optimum's d x d solve", solve / kGiB) : "",
          memory / kGiB));
}

}  // namespace

DatasetConfig parse_dataset(const Json& v, const std::string& file, const std::string& at,
                            std::string& label, std::vector<Target>& targets) {
  JsonObject o(v, at, file);
  DatasetConfig d;
  d.name = read_string(o.required("name"), file, o.path_of("name"));
  label = d.name;
  if (const Json* l = o.optional("label")) label = read_string(*l, file, o.path_of("label"));
  if (const Json* t = o.optional("targets"))
    targets = parse_targets(*t, file, o.path_of("targets"));
  const DatasetKind* kind = find_dataset(d.name);
  if (kind == nullptr) {
    o.fail("name", fmt::format("unknown dataset \"{}\" (known: {})", d.name, dataset_names()));
  }
  // The two-parameter problems' fields default from the catalog and can be overridden.
  const bool two_d = kind->two_d;
  if (two_d) {
    d.d = 2;
    d.noise = kind->default_noise;
    d.condition = kind->default_condition;
  }
  const bool synthetic =
      kind->source == DataSource::kLsq || kind->source == DataSource::kGaussianMixture;
  const bool text_file = kind->source == DataSource::kCsv || kind->source == DataSource::kLibsvm;
  if (const Json* n = o.optional("validation"))
    d.validation = read_uint(*n, file, o.path_of("validation"), 1);
  d.preprocess = parse_preprocess(o, file);
  if (text_file) parse_text_file(o, file, d);
  if (const Json* t = o.optional("train")) d.train = read_uint(*t, file, o.path_of("train"), 1);
  if (const Json* t = o.optional("test")) d.test = read_uint(*t, file, o.path_of("test"), 1);
  if (const Json* s = o.optional("split_seed"))
    d.split_seed = read_uint(*s, file, o.path_of("split_seed"));
  if (kind->source == DataSource::kIdxPair) {
    d.images = path_near(file, read_string(o.required("images"), file, o.path_of("images")));
    d.labels = path_near(file, read_string(o.required("labels"), file, o.path_of("labels")));
  }
  if (synthetic) parse_synthetic(o, file, two_d, d);
  o.finish();
  if (synthetic) check_synthetic_memory(d, file, at);
  return d;
}

}  // namespace sgdbench
