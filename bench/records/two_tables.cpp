#include "records/two_tables.hpp"

#include <utility>

namespace sgdbench {

std::string latex_cell(const std::string& text) {
  static const std::pair<const char*, const char*> kSpelled[] = {{"<=", "$\\le$"},
                                                                 {">=", "$\\ge$"},
                                                                 {"±", "$\\pm$"},
                                                                 {"−", "$-$"},
                                                                 {"–", "--"},
                                                                 {"—", "---"},
                                                                 {"×", "$\\times$"},
                                                                 {"·", "$\\cdot$"},
                                                                 {"≤", "$\\le$"},
                                                                 {"≥", "$\\ge$"},
                                                                 {"η", "$\\eta$"},
                                                                 {"λ", "$\\lambda$"},
                                                                 {"²", "\\textsuperscript{2}"},
                                                                 {"→", "$\\to$"},
                                                                 {"…", "\\dots{}"},
                                                                 {"κ", "$\\kappa$"},
                                                                 {"α", "$\\alpha$"},
                                                                 {"β", "$\\beta$"},
                                                                 {"ε", "$\\varepsilon$"},
                                                                 {"μ", "$\\mu$"},
                                                                 {"σ", "$\\sigma$"},
                                                                 {"ρ", "$\\rho$"},
                                                                 {"∞", "$\\infty$"},
                                                                 {"√", "$\\surd$"}};
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    bool spelled = false;
    for (const auto& [from, to] : kSpelled) {
      const std::size_t n = std::char_traits<char>::length(from);
      if (text.compare(i, n, from) == 0) {
        out += to;
        i += n;
        spelled = true;
        break;
      }
    }
    if (spelled) continue;
    const char ch = text[i++];
    switch (ch) {
      case '_':
      case '%':
      case '&':
      case '#':
      case '$':
      case '{':
      case '}':
        out += '\\';
        out += ch;
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '<':
        out += "\\textless{}";
        break;
      case '>':
        out += "\\textgreater{}";
        break;
      case '|':
        out += "\\textbar{}";
        break;
      default:
        // Any other non-ASCII byte would stop pdflatex ("Unicode character not set up").
        // One "?" per UTF-8 character: its lead byte.
        if (static_cast<unsigned char>(ch) < 0x80) {
          out += ch;
        } else if (static_cast<unsigned char>(ch) >= 0xC0) {
          out += '?';
        }
    }
  }
  return out;
}

void TwoTables::head(const std::vector<std::string>& columns, std::size_t text_columns) {
  tex_ += "\\begin{tabular}{" + std::string(text_columns, 'l') +
          std::string(columns.size() - text_columns, 'r') + "}\n\\toprule\n";
  row(columns);
  md_ += "|";
  for (std::size_t i = 0; i < columns.size(); ++i) md_ += "---|";
  md_ += "\n";
  tex_ += "\\midrule\n";
}

void TwoTables::row(const std::vector<std::string>& cells) {
  md_ += "|";
  for (const auto& cell : cells) {
    std::string escaped;  // a "|" in a label would start a new column
    for (char ch : cell) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
    md_ += " " + escaped + " |";
  }
  md_ += "\n";
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string cell = latex_cell(cells[i]);
    // After the previous row's \\, a "[" or "*" would be read as its argument.
    const bool guard = i == 0 && !cell.empty() && (cell[0] == '[' || cell[0] == '*');
    tex_ += (i ? " & " : "") + std::string(guard ? "{}" : "") + cell;
  }
  tex_ += " \\\\\n";
}

void TwoTables::end() {
  tex_ += "\\bottomrule\n\\end{tabular}\n";
}

}  // namespace sgdbench
