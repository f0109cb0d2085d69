#pragma once
// The batch size of a run: the whole training set ("full", gradient descent) or B rows
// (B = 1: pure SGD). Parsed once from a config or the command line, checked once against
// the training set (fits), and carried in TrainSpec to the variant, which picks the
// batching policy from it (FullBatch or MiniBatches).
#include <compare>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sgdbench {

class BatchSize {
 public:
  static constexpr BatchSize full() { return BatchSize(0); }
  /// B rows; B = 0 is not a batch size (use full()).
  static constexpr std::optional<BatchSize> of(std::size_t rows) {
    if (rows == 0) return std::nullopt;
    return BatchSize(rows);
  }
  /// "full" or a positive decimal integer; nullopt for anything else.
  static std::optional<BatchSize> parse(std::string_view text) {
    if (text == "full") return full();
    if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != text.npos)
      return std::nullopt;
    std::size_t rows = 0;
    for (const char c : text) rows = rows * 10 + static_cast<std::size_t>(c - '0');
    return of(rows);
  }

  constexpr bool is_full() const { return rows_ == 0; }
  /// The rows of one step on a training set of `train_rows`.
  constexpr std::size_t rows(std::size_t train_rows) const {
    return is_full() ? train_rows : rows_;
  }
  /// A mini-batch larger than the training set does not fit (the full batch always does).
  constexpr bool fits(std::size_t train_rows) const { return is_full() || rows_ <= train_rows; }
  /// The batching policy that runs it, as records and `sgdbench list` name it.
  constexpr std::string_view batching() const { return is_full() ? "full" : "mini"; }
  std::string to_string() const { return is_full() ? "full" : std::to_string(rows_); }

  constexpr auto operator<=>(const BatchSize&) const = default;

 private:
  constexpr explicit BatchSize(std::size_t rows) : rows_(rows) {}
  std::size_t rows_;  // 0: the full batch
};

}  // namespace sgdbench
