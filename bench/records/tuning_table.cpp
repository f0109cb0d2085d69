#include "records/tuning_table.hpp"

#include <fmt/format.h>

#include "records/report.hpp"
#include "records/two_tables.hpp"

namespace sgdbench {

/// The learning rate the tuning protocol chose for each cell.
void add_tuning_tables(const std::vector<Json>& records, std::string& md, std::string& tex) {
  const Json& header = records.front();
  TwoTables out(md, tex);
  for (const Json& r : records) {
    if (r.value("type", "") != "tuning") continue;
    const std::string title =
        fmt::format("Learning rate chosen per cell by {} (tuning seed {}):",
                    header["config"]["tuning"].value("select_by", "train_loss"),
                    header["config"]["sweep"]["seed"][0].dump());
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
      if (!bracket) {
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
