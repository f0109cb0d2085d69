#include "records/run_records.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "records/report.hpp"
#include "records/results_folder.hpp"
#include "util/error.hpp"

namespace sgdbench {

using Json = nlohmann::json;

std::string budget_note(const Json& config) {
  const Json budget = config.value("budget", Json::object());
  std::vector<std::string> limits;
  if (budget.contains("epochs")) {
    limits.push_back(
        fmt::format("{:g} epochs of gradient evaluations", budget["epochs"].get<double>()));
  }
  if (budget.contains("grad_evals")) {
    limits.push_back(fmt::format("{} gradient evaluations", budget["grad_evals"].dump()));
  }
  if (budget.contains("updates"))
    limits.push_back(fmt::format("{} updates", budget["updates"].dump()));
  if (budget.contains("seconds")) {
    limits.push_back(fmt::format("{:g} training seconds", budget["seconds"].get<double>()));
  }
  std::string text;
  for (std::size_t i = 0; i < limits.size(); ++i) text += (i ? ", " : "") + limits[i];
  if (budget.value("until_first_target", false)) text += ", or the first target reached";
  std::string own;
  for (const Json& v : config.value("variants", Json::array())) {
    if (v.is_object() && v.contains("epochs")) {
      own += fmt::format("{}{} [{}]: {:g} epochs", own.empty() ? "" : "; ", v.value("label", ""),
                         v["variant"].get<std::string>(), v["epochs"].get<double>());
    }
  }
  if (own.empty()) return fmt::format("Budget per run, the same for every method: {}. ", text);
  return fmt::format("Budget per run: {}; unequal, these methods have their own: {}. ", text, own);
}

std::vector<Json> read_records(const std::string& dir) {
  const std::string path = dir + "/runs.jsonl";
  std::ifstream in(path);
  if (!in && std::filesystem::exists(path + ".partial")) {
    // A run writing there now is not an interrupted one (issue 42): name it, as run does.
    if (const std::string who = ResultsFolder::holder(dir); !who.empty()) {
      throw Error(
          fmt::format("{}: in use by another sgdbench ({}): wait for it to finish", dir, who));
    }
    throw Error(
        fmt::format("{}: missing, but {}.partial holds an interrupted run: finish it "
                    "with `sgdbench run <its config> --resume`",
                    path, path));
  }
  if (!in) throw Error(fmt::format("{}: cannot open for reading", path));
  std::vector<Json> records;
  std::size_t line_no = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    try {
      records.push_back(Json::parse(line));
    } catch (const Json::exception& e) {
      throw Error(fmt::format("{}: line {}: invalid JSON: {}", path, line_no, e.what()));
    }
  }
  if (records.empty() || records.front().value("type", "") != "experiment") {
    throw Error(fmt::format("{}: line 1: expected the \"experiment\" record", path));
  }
  return records;
}

}  // namespace sgdbench
