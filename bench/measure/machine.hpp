#pragma once
// machine.json: what a reader needs to reproduce a result — CPU, cores, memory, OS,
// compiler and flags, library versions, SIMD arch, git commit, and the config (hash and
// full text).
#include "config/config.hpp"
#include "config/json_reader.hpp"

namespace sgdbench {

/// The machine and build, with the config file `config_file` (its text and hash).
Json machine_description(const std::string& config_file);

/// FNV-1a 64 of a byte string, as 16 hex digits (the config's hash).
std::string fnv1a_hex(const std::string& bytes);

}  // namespace sgdbench
