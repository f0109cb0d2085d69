#include "records/tuning_table.hpp"

#include <fmt/format.h>

#include "records/report.hpp"
#include "records/two_tables.hpp"

namespace sgdbench {
namespace {

/// "seed 0", or "seeds 0, 1, 2 (a rate scores its median)".
std::string tuning_seeds(const Json& config) {
  const Json& seeds = config["sweep"]["seed"];
  if (seeds.size() == 1) return "seed " + seeds[0].dump();
  std::string list;
  for (const Json& s : seeds) list += (list.empty() ? "" : ", ") + s.dump();
  return "seeds " + list + ": a rate scores its median over them";
}

/// Under /tuning/per_target: "target: lr" for each target, flagged as the cell's lr is.
std::string per_target_rates(const Json& ch) {
  std::string text;
  for (const Json& pick : ch["per_target"]) {
    text += text.empty() ? "" : "; ";
    text += pick["target"].get<std::string>() + ": ";
    if (!pick["solved"].get<bool>()) {
      text += "none reached";
    } else {
      text += fmt::format("{:g}{}", pick["lr"].get<double>(),
                          ch.value("fixed_rate", false)    ? " (fixed)"
                          : !pick["bracketed"].get<bool>() ? " (edge)"
                                                           : "");
    }
  }
  return text;
}

}  // namespace

/// The learning rate the tuning protocol chose for each cell.
void add_tuning_tables(const std::vector<Json>& records, std::string& md, std::string& tex) {
  const Json& header = records.front();
  TwoTables out(md, tex);
  for (const Json& r : records) {
    if (r.value("type", "") != "tuning") continue;
    const std::string title =
        fmt::format("Learning rate chosen per cell by {}{} (tuning {}):",
                    header["config"]["tuning"].value("select_by", "train_loss"),
                    header["config"]["tuning"].value("per_target", false) ? ", per target" : "",
                    tuning_seeds(header["config"]));
    md += "\n" + title + "\n\n";
    tex += "\n% " + latex_cell(title) + "\n";
    // With /tuning/bracket each choice also says whether it is bracketed and what it cost.
    const bool bracket = !r["chosen"].empty() && r["chosen"][0].contains("solved");
    std::vector<std::string> head = {"dataset", "variant", "B", "threads", "lr"};
    if (bracket) head.insert(head.end(), {"rates tried", "tuning runs", "tuning s"});
    out.head(head, 3);
    for (const Json& ch : r["chosen"]) {
      const auto b = ch["batch_size"].get<std::size_t>();
      std::vector<std::string> row = {ch.value("dataset", ""), method_name(ch),
                                      b == 0 ? "full" : std::to_string(b),
                                      std::to_string(ch["threads"].get<std::size_t>())};
      if (ch.contains("per_target")) {
        row.push_back(per_target_rates(ch));
        if (bracket) {
          const Json& tried = ch["tried"];
          row.push_back(fmt::format("{}: {:g} to {:g}", tried.size(), tried.front().get<double>(),
                                    tried.back().get<double>()));
          row.push_back(std::to_string(ch["tuning_runs"].get<std::size_t>()));
          row.push_back(fmt::format("{:.1f}", ch["tuning_seconds"].get<double>()));
        }
      } else if (!bracket) {
        row.push_back(fmt::format("{:g}", ch["lr"].get<double>()));
      } else {
        const Json& tried = ch["tried"];
        row.push_back(
            !ch["solved"].get<bool>()       ? "none reached"
            : ch.value("fixed_rate", false) ? fmt::format("{:g} (fixed)", ch["lr"].get<double>())
            : ch["bracketed"].get<bool>()   ? fmt::format("{:g}", ch["lr"].get<double>())
                                            : fmt::format("{:g} (edge)", ch["lr"].get<double>()));
        row.push_back(fmt::format("{}: {:g} to {:g}", tried.size(), tried.front().get<double>(),
                                  tried.back().get<double>()));
        row.push_back(std::to_string(ch["tuning_runs"].get<std::size_t>()));
        row.push_back(fmt::format("{:.1f}", ch["tuning_seconds"].get<double>()));
      }
      out.row(row);
    }
    out.end();
  }
}

}  // namespace sgdbench
