#include "summary.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <tuple>

namespace sgdbench {
namespace {

struct MeanSd {
  double mean = 0.0, sd = 0.0;
};

/// Mean and sample standard deviation.
MeanSd mean_sd(const std::vector<double>& v) {
  MeanSd r;
  if (v.empty()) return r;
  for (double x : v) r.mean += x;
  r.mean /= static_cast<double>(v.size());
  if (v.size() > 1) {
    double ss = 0.0;
    for (double x : v) ss += (x - r.mean) * (x - r.mean);
    r.sd = std::sqrt(ss / static_cast<double>(v.size() - 1));
  }
  return r;
}

struct Cell {
  std::string batching;
  std::size_t batch_size = 0;
  std::map<long, std::vector<double>> accuracy_at_epoch;  // epoch → one value per seed
  std::vector<double> seconds, samples_per_second, final_loss, final_subopt;
  std::size_t runs = 0, diverged = 0;
};

}  // namespace

std::string summary_markdown(const std::vector<Json>& records) {
  using Key = std::tuple<std::string, std::size_t, double>;  // variant, batch size, lr
  std::map<Key, Cell> cells;
  std::string experiment, description;
  long max_epoch = 0;
  std::size_t train_rows = 0, test_rows = 0, threads = 0;
  for (const Json& r : records) {
    const std::string type = r.value("type", "");
    if (type == "experiment") {
      experiment = r.value("experiment", "");
      description = r["config"].value("description", "");
      train_rows = r.value("train_rows", std::size_t{0});
      test_rows = r.value("test_rows", std::size_t{0});
      threads = r.value("threads", std::size_t{0});
      continue;
    }
    const Key key{r.value("variant", ""), r.value("batch_size", std::size_t{0}),
                  r.value("lr", 0.0)};
    Cell& cell = cells[key];
    cell.batching = r.value("batching", "");
    cell.batch_size = std::get<1>(key);
    if (type == "point") {
      const auto epoch = std::lround(r.value("epoch", 0.0));
      const bool integral = std::abs(r.value("epoch", 0.0) - static_cast<double>(epoch)) < 1e-9;
      if (epoch >= 1 && integral && r.contains("test_accuracy") && r["test_accuracy"].is_number()) {
        cell.accuracy_at_epoch[epoch].push_back(100.0 * r.value("test_accuracy", 0.0));
        max_epoch = std::max(max_epoch, epoch);
      }
    } else if (type == "run") {
      ++cell.runs;
      if (r.value("status", "") != "ok") ++cell.diverged;
      cell.seconds.push_back(r.value("train_seconds", 0.0));
      if (r["train_loss"].is_number()) cell.final_loss.push_back(r["train_loss"].get<double>());
      if (r.contains("suboptimality") && r["suboptimality"].is_number()) {
        cell.final_subopt.push_back(r["suboptimality"].get<double>());
      }
      cell.samples_per_second.push_back(r.value("samples_per_second", 0.0));
    }
  }

  std::string md = fmt::format("# {}\n\n", experiment);
  if (!description.empty()) md += description + "\n\n";
  bool any_subopt = false;
  for (const auto& [key, cell] : cells) any_subopt |= !cell.final_subopt.empty();
  md += fmt::format(
      "{} training rows, {} test rows, {} threads. Test accuracy (%) after each "
      "epoch and final train loss F(w){}: mean ± sd over seeds; training seconds "
      "exclude evaluation.\n\n",
      train_rows, test_rows, threads, any_subopt ? " and suboptimality F(w) − F*" : "");
  md += "| variant | B | lr | runs |";
  for (long e = 1; e <= max_epoch; ++e) md += fmt::format(" epoch {} |", e);
  md += " final train loss |";
  if (any_subopt) md += " F − F* |";
  md += " train s | samples/s |\n|---|---|---|---|";
  for (long e = 1; e <= max_epoch + 1 + (any_subopt ? 1 : 0); ++e) md += "---|";
  md += "---|---|\n";
  for (const auto& [key, cell] : cells) {
    const auto& [variant, batch, lr] = key;
    const std::string b =
        cell.batching == "full" ? fmt::format("full ({})", batch) : std::to_string(batch);
    std::string runs = std::to_string(cell.runs);
    if (cell.diverged > 0) runs += fmt::format(" ({} diverged)", cell.diverged);
    md += fmt::format("| {} | {} | {:g} | {} |", variant, b, lr, runs);
    for (long e = 1; e <= max_epoch; ++e) {
      const auto it = cell.accuracy_at_epoch.find(e);
      if (it == cell.accuracy_at_epoch.end()) {
        md += " – |";
        continue;
      }
      const MeanSd a = mean_sd(it->second);
      md += fmt::format(" {:.2f} ± {:.2f} |", a.mean, a.sd);
    }
    const MeanSd loss = mean_sd(cell.final_loss);
    md += fmt::format(" {:.4g} ± {:.2g} |", loss.mean, loss.sd);
    if (any_subopt) md += fmt::format(" {:.3g} |", mean_sd(cell.final_subopt).mean);
    md += fmt::format(" {:.3f} | {:.0f} |\n", mean_sd(cell.seconds).mean,
                      mean_sd(cell.samples_per_second).mean);
  }
  return md;
}

}  // namespace sgdbench
