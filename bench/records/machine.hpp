#pragma once
// machine.json: what a reader needs to reproduce a result — CPU, cores, memory, OS,
// compiler and flags, library versions, SIMD arch, git commit, and the config (hash and
// full text).
#include "config/config.hpp"
#include "config/json_reader.hpp"

namespace sgdbench {

Json machine_description(const ExperimentConfig& config);

/// FNV-1a 64 of a byte string, as 16 hex digits (the config's hash).
std::string fnv1a_hex(const std::string& bytes);

}  // namespace sgdbench
