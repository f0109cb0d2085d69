#pragma once
// A table written twice from the same cells: Markdown (summary.md) and a booktabs LaTeX
// tabular (summary.tex), so the two never say different things.
#include <string>
#include <vector>

namespace sgdbench {

/// A Markdown table cell as LaTeX text: specials escaped, the Unicode the tables use
/// (±, −, –, ≤, ≥, ×, Greek, …) spelled in LaTeX, "<=" and ">=" as \le and \ge.
std::string latex_cell(const std::string& text);

class TwoTables {
 public:
  TwoTables(std::string& markdown, std::string& latex) : md_(markdown), tex_(latex) {}

  /// A table's header row: `text_columns` left-aligned columns, the rest right-aligned.
  void head(const std::vector<std::string>& columns, std::size_t text_columns);
  void row(const std::vector<std::string>& cells);
  void end();

 private:
  std::string& md_;
  std::string& tex_;
};

}  // namespace sgdbench
