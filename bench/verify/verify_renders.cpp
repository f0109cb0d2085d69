#include "verify/verify_renders.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "records/report.hpp"

namespace sgdbench {
namespace {

namespace fs = std::filesystem;

constexpr const char* kAnalyses[] = {"batch_scaling_fit.md", "throughput_fit.md",
                                     "performance_profile.md"};
/// The generated blocks of the repository's pages: readme_results.py renders each with one
/// of its functions, between the page's markers.
struct GeneratedBlock {
  const char* page;
  const char* begin;
  const char* end;
  const char* function;
};
constexpr GeneratedBlock kGeneratedBlocks[] = {
    {"docs/results.md", "<!-- results:begin -->", "<!-- results:end -->", "section"},
    {"README.md", "<!-- headline:begin -->", "<!-- headline:end -->", "headline"}};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// A scratch folder of this process, removed when it goes.
class Scratch {
 public:
  explicit Scratch(const char* what)
      : path_(fs::temp_directory_path() / fmt::format("sgdbench-{}-{}", what, ::getpid())) {
    std::error_code ec;
    fs::remove_all(path_, ec);
    fs::create_directories(path_);
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::vector<RenderMismatch> analysis_mismatches(const std::string& dir, std::size_t& checked) {
  std::vector<RenderMismatch> out;
  bool any = false;
  for (const char* name : kAnalyses) any |= fs::exists(fs::path(dir) / name);
  if (!any) return out;  // nothing this folder shows to re-render
  const Scratch scratch("verify-analyses");
  const fs::path copy = scratch.path() / fs::path(dir).lexically_normal().filename();
  fs::create_directories(copy);
  fs::copy_file(fs::path(dir) / "runs.jsonl", copy / "runs.jsonl");
  if (!draw_plots(copy.string())) {
    out.push_back({"analyses", "could not be re-rendered (bench/scripts/plot.py failed)"});
    return out;
  }
  for (const char* name : kAnalyses) {
    const fs::path committed = fs::path(dir) / name, rendered = copy / name;
    if (!fs::exists(committed) && !fs::exists(rendered)) continue;
    ++checked;
    if (!fs::exists(committed)) {
      out.push_back({name, "missing (sgdbench report " + dir + " writes it)"});
    } else if (!fs::exists(rendered)) {
      out.push_back({name, "committed, but runs.jsonl renders no such analysis"});
    } else if (read_file(committed) != read_file(rendered)) {
      out.push_back({name, "differs from a re-rendering of runs.jsonl (sgdbench report " + dir +
                               " rewrites it)"});
    }
  }
  return out;
}

std::vector<RenderMismatch> readme_mismatches(const std::string& dir, std::size_t& checked) {
  std::vector<RenderMismatch> out;
  const fs::path root = (fs::absolute(dir) / ".." / "..").lexically_normal();
  const fs::path script = fs::path(plot_script()).parent_path() / "readme_results.py";
  if (!fs::exists(script)) return out;
  for (const GeneratedBlock& block : kGeneratedBlocks) {
    if (!fs::exists(root / block.page)) continue;
    const std::string page = read_file(root / block.page);
    const auto begin = page.find(block.begin), end = page.find(block.end);
    if (begin == std::string::npos || end == std::string::npos) continue;
    ++checked;
    const Scratch scratch("verify-readme");
    const fs::path rendered = scratch.path() / "block.md";
    const std::string cmd = fmt::format(
        "/usr/bin/python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import "
        "readme_results; sys.stdout.write(readme_results.{}(sys.argv[2]))' '{}' '{}' > '{}'",
        block.function, script.parent_path().string(), root.string(), rendered.string());
    if (std::system(cmd.c_str()) != 0) {
      out.push_back({block.page, "its results section could not be re-rendered (" + cmd + ")"});
      continue;
    }
    const std::string committed = page.substr(begin, end + std::string(block.end).size() - begin);
    if (committed != read_file(rendered)) {
      out.push_back({block.page,
                     "its results section differs from a re-rendering of the "
                     "committed results (/usr/bin/python3 "
                     "bench/scripts/readme_results.py rewrites it)"});
    }
  }
  return out;
}

}  // namespace sgdbench
