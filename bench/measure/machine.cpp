#include "measure/machine.hpp"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <tbb/version.h>
#include <zlib.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <xsimd/xsimd.hpp>

#ifdef SGDBENCH_WITH_BLAS
#include "kernels/blas_kernels.hpp"
#endif
#include "kernels/simd_gemm_packed.hpp"
#include "kernels/simd_kernels.hpp"
#include "records/build_info.hpp"
#include "util/software_prefetch.hpp"

#ifndef SGDBENCH_CXX_FLAGS
#define SGDBENCH_CXX_FLAGS ""
#endif

namespace sgdbench {
namespace {

/// The value after "key:" on the first line of `path` that starts with `key`.
std::string field_of(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(key, 0) != 0) continue;
    const auto colon = line.find_first_of(":=");
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t\""));
    while (!value.empty() && (value.back() == '"' || value.back() == ' ')) value.pop_back();
    return value;
  }
  return "unknown";
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string fnv1a_hex(const std::string& bytes) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : bytes) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  return fmt::format("{:016x}", h);
}

Json machine_description(const std::string& config_file) {
  utsname u{};
  uname(&u);
  const std::string config_text = read_all(config_file);
  Json machine = {
      {"cpu_model", field_of("/proc/cpuinfo", "model name")},
      {"cpu_flags", field_of("/proc/cpuinfo", "flags")},
      {"logical_cores", std::thread::hardware_concurrency()},
      {"memory", field_of("/proc/meminfo", "MemTotal")},
      {"os", field_of("/etc/os-release", "PRETTY_NAME")},
      {"kernel", fmt::format("{} {} {}", u.sysname, u.release, u.machine)},
      {"compiler", "g++ " __VERSION__},
      {"cxx_flags", SGDBENCH_CXX_FLAGS},
      {"simd_arch", BestArch::name()},
      {"gemm_blocking", gemm_detail::describe_blocking<BestArch>()},
      {"software_prefetch", software_prefetch_pays()},
      {"libraries",
       {{"oneTBB", fmt::format("{}.{}", TBB_VERSION_MAJOR, TBB_VERSION_MINOR)},
        {"xsimd",
         fmt::format("{}.{}.{}", XSIMD_VERSION_MAJOR, XSIMD_VERSION_MINOR, XSIMD_VERSION_PATCH)},
        {"nlohmann_json", fmt::format("{}.{}.{}", NLOHMANN_JSON_VERSION_MAJOR,
                                      NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH)},
        {"fmt", FMT_VERSION},
        {"zlib", ZLIB_VERSION}}},
      {"git_commit", build_git_commit()},
      {"git_dirty", build_git_dirty()},
      {"config_file", config_file},
      {"config_fnv1a64", fnv1a_hex(config_text)},
      {"config_text", config_text},
  };
#ifdef SGDBENCH_WITH_BLAS
  // The blas variants' bits depend on it (kPinnedOpenBlasCore, blas_kernels.hpp).
  machine["openblas_core"] = BlasKernels::core_name();
#endif
  return machine;
}

}  // namespace sgdbench
