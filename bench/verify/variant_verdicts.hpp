#pragma once
// verify's verdict per variant (issue 42, row 8): each variant's figures and mismatches,
// and whether its bits must hold on this build; only those that must fail verify.
#include <cstddef>
#include <map>
#include <string>

namespace sgdbench {

/// Figures compared and mismatches of one variant ("" for the result as a whole: its
/// tables, header, tuning choices and problems).
struct VariantTally {
  std::size_t figures = 0, mismatches = 0;
};

/// One line a variant: figures, mismatches, and whether its bits must hold here; the
/// mismatches that must not be there (they fail verify) and those that may.
struct VariantVerdicts {
  std::string text;
  std::size_t must_hold = 0, may_differ = 0;
};

/// The verdicts of the variants tallied in `by_variant`, for the result in `dir` (its
/// machine.json says where it was made).
VariantVerdicts variant_verdicts(const std::string& dir,
                                 const std::map<std::string, VariantTally>& by_variant);

}  // namespace sgdbench
