#pragma once
// What a results folder shows beyond its tables, re-rendered from its records and compared
// byte for byte by `sgdbench verify`: the analyses bench/scripts/plot.py writes
// (batch_scaling_fit.md, throughput_fit.md, performance_profile.md) and the generated
// results blocks of docs/results.md and README.md (bench/scripts/readme_results.py).
#include <string>
#include <vector>

namespace sgdbench {

/// A file that does not match its re-rendering: which, and how.
struct RenderMismatch {
  std::string file, what;
};

/// The analyses of `dir` re-rendered from its runs.jsonl in a scratch folder; `checked`
/// counts the files compared. No Python with matplotlib: one mismatch saying so.
std::vector<RenderMismatch> analysis_mismatches(const std::string& dir, std::size_t& checked);

/// The generated results blocks (docs/results.md's section, README.md's headline, each
/// between its markers) against readme_results.py's rendering of the committed results,
/// when `dir` is results/<name> of a repository whose pages have them; `checked` counts
/// each block compared.
std::vector<RenderMismatch> readme_mismatches(const std::string& dir, std::size_t& checked);

}  // namespace sgdbench
