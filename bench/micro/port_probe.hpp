#pragma once
// The byte-widening port probe: what widening bytes costs beside the FMAs that use them.
namespace sgdbench {

/// Registers BM_port_probe/<ops> (AVX-512 builds only; nothing otherwise).
void register_port_probe();

}  // namespace sgdbench
