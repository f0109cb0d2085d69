#include "verify/variant_verdicts.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "config/json_reader.hpp"
#ifdef SGDBENCH_WITH_BLAS
#include "kernels/blas_kernels.hpp"
#endif
#include "kernels/simd_canon.hpp"
#include "kernels/simd_kernels.hpp"
#include "variants/registry.hpp"

namespace sgdbench {
namespace {

/// Whether a variant's figures must match on this build, and why (issue 42, row 8: one
/// general note printed even for an all-scalar result, and every mismatch counted alike,
/// could not tell a regression from an instruction-set difference). The scalar kernels
/// hold on any x86-64; the SIMD kernels keep AVX-512's order on every instruction set with
/// FMA (kernels/simd_canon.hpp), so they hold between AVX-512 and AVX2 builds, but not in
/// a build without FMA; the blas variants hold per OpenBLAS core type.
struct Expectation {
  bool holds = true;
  std::string why;
};

Expectation expectation_of(const std::string& variant, const Json& machine) {
  if (variant.empty()) return {true, "tables, header, tuning choices, problems"};
  const VariantInfo* v = compiled_variants().find(variant);
  if (v == nullptr) return {true, "not compiled in this build"};
  const std::string there = machine.value("simd_arch", "unknown");
  const std::string here = BestArch::name();
  if (v->kernels == "scalar") return {true, "scalar kernels: the same bits on any x86-64"};
  if (v->kernels == "simd") {
    if (there == here) return {true, fmt::format("{} kernels there and here", here)};
    const bool canonical_there = there == "avx512bw" || there == "fma3+avx2";
    if (kCanonicalBits<BestArch> && canonical_there) {
      return {true,
              fmt::format("{} kernels there, {} here: the same canonical order", there, here)};
    }
    return {false, fmt::format("{} kernels there, {} here{}", there, here,
                               kCanonicalBits<BestArch> ? "" : " without FMA (two roundings)")};
  }
#ifdef SGDBENCH_WITH_BLAS
  if (v->kernels == "blas") {
    const std::string core = machine.value("openblas_core", "unrecorded");
    const std::string core_here = BlasKernels::core_name();
    if (core == core_here) return {true, fmt::format("OpenBLAS's {} kernels there and here", core)};
    return {false, fmt::format("OpenBLAS's {} kernels there, {} here", core, core_here)};
  }
#endif
  return {false, fmt::format("{} kernels: no promise across machines", v->kernels)};
}

}  // namespace

VariantVerdicts variant_verdicts(const std::string& dir,
                                 const std::map<std::string, VariantTally>& by_variant) {
  const std::string path = dir + "/machine.json";
  VariantVerdicts out;
  Json machine = Json::object();
  if (std::filesystem::exists(path)) {
    machine = read_json_file(path);
  } else {
    out.text += fmt::format(
        "  note: {} is missing: the instruction set it was made on is "
        "unknown\n",
        path);
  }
  for (const auto& [variant, tally] : by_variant) {
    const Expectation e = expectation_of(variant, machine);
    (e.holds ? out.must_hold : out.may_differ) += tally.mismatches;
    out.text += fmt::format(
        "  {}: {} figures, {} mismatches; {} ({})\n",
        variant.empty() ? "the result as a whole" : variant, tally.figures, tally.mismatches,
        e.holds ? "must match on this build" : "may differ on this build", e.why);
  }
  return out;
}

}  // namespace sgdbench
