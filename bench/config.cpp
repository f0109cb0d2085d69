#include "config.hpp"

#include <filesystem>
#include <regex>

#include <fmt/format.h>

#include "json_reader.hpp"

namespace sgdbench {
namespace {

DatasetConfig parse_dataset(const Json& v, const std::string& file) {
  JsonObject o(v, "/dataset", file);
  DatasetConfig d;
  d.name = read_string(o.required("name"), file, o.path_of("name"));
  if (d.name != "mnist" && d.name != "fashion-mnist" && d.name != "idx") {
    o.fail("name", fmt::format("unknown dataset \"{}\" (known: mnist, fashion-mnist, idx)", d.name));
  }
  if (const Json* t = o.optional("train")) d.train = read_uint(*t, file, o.path_of("train"), 1);
  if (const Json* t = o.optional("test")) d.test = read_uint(*t, file, o.path_of("test"), 1);
  if (const Json* s = o.optional("split_seed")) d.split_seed = read_uint(*s, file, o.path_of("split_seed"));
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
  o.finish();
  return d;
}

}  // namespace

ExperimentConfig parse_config(const std::string& path) {
  const Json root = read_json_file(path);
  ExperimentConfig c;
  c.file = path;
  JsonObject o(root, "", path);

  c.name = read_string(o.required("name"), path, "/name");
  if (!std::regex_match(c.name, std::regex("[A-Za-z0-9][A-Za-z0-9_.-]*"))) {
    o.fail("name", "must be a folder name: letters, digits, '_', '.', '-'");
  }
  if (const Json* d = o.optional("description")) c.description = read_string(*d, path, "/description");
  c.dataset = parse_dataset(o.required("dataset"), path);

  {
    JsonObject m(o.required("model"), "/model", path);
    const Json& widths = read_nonempty_array(m.required("widths"), path, "/model/widths");
    for (std::size_t i = 0; i < widths.size(); ++i) {
      const std::string p = fmt::format("/model/widths/{}", i);
      const auto w = read_uint(widths[i], path, p, 1);
      if (w > kMaxLayerWidth) fail_at(path, p, fmt::format("width {} exceeds {}", w, kMaxLayerWidth));
      c.widths.push_back(w);
    }
    if (c.widths.size() < 2) m.fail("widths", "needs at least an input and an output width");
    m.finish();
  }

  const Json& variants = read_nonempty_array(o.required("variants"), path, "/variants");
  for (std::size_t i = 0; i < variants.size(); ++i) {
    c.variants.push_back(read_string(variants[i], path, fmt::format("/variants/{}", i)));
  }

  {
    JsonObject s(o.required("sweep"), "/sweep", path);
    const Json& bs = read_nonempty_array(s.required("batch_size"), path, "/sweep/batch_size");
    for (std::size_t i = 0; i < bs.size(); ++i) {
      const std::string p = fmt::format("/sweep/batch_size/{}", i);
      if (bs[i].is_string() && bs[i].get<std::string>() == "full") {
        c.batch_sizes.push_back(0);
        continue;
      }
      if (!bs[i].is_number_integer()) {
        fail_at(path, p, fmt::format("expected a positive integer or \"full\", got {}", bs[i].dump()));
      }
      const std::size_t b = read_uint(bs[i], path, p, 1);
      if (c.dataset.train != 0 && b > c.dataset.train) {
        fail_at(path, p, fmt::format("batch size {} exceeds the {} training rows", b, c.dataset.train));
      }
      c.batch_sizes.push_back(b);
    }
    const Json& lrs = read_nonempty_array(s.required("lr"), path, "/sweep/lr");
    for (std::size_t i = 0; i < lrs.size(); ++i) {
      const std::string p = fmt::format("/sweep/lr/{}", i);
      const double lr = read_positive_number(lrs[i], path, p);
      // Training runs in float: the rate must survive the conversion.
      if (lr < 1e-30 || lr > 1e30) fail_at(path, p, fmt::format("{} is outside [1e-30, 1e30]", lr));
      c.learning_rates.push_back(lr);
    }
    const Json& seeds = read_nonempty_array(s.required("seed"), path, "/sweep/seed");
    for (std::size_t i = 0; i < seeds.size(); ++i) {
      c.seeds.push_back(read_uint(seeds[i], path, fmt::format("/sweep/seed/{}", i)));
    }
    s.finish();
  }

  {
    JsonObject b(o.required("budget"), "/budget", path);
    c.epochs = read_uint(b.required("epochs"), path, "/budget/epochs", 1);
    b.finish();
  }

  if (const Json* e = o.optional("execution")) {
    JsonObject x(*e, "/execution", path);
    if (const Json* t = x.optional("threads")) c.threads = read_uint(*t, path, "/execution/threads");
    if (const Json* r = x.optional("chunk_rows")) {
      c.chunk_rows = read_uint(*r, path, "/execution/chunk_rows", 1);
      if (c.chunk_rows > kMaxChunkRows) {
        fail_at(path, "/execution/chunk_rows", fmt::format("must be at most {}", kMaxChunkRows));
      }
    }
    x.finish();
  }
  o.finish();
  return c;
}

}  // namespace sgdbench
