#pragma once
namespace sgdbench {

/// Whether a gemm/gemv operand is used as stored (kNo) or transposed (kYes).
/// Matrices are row-major: element (i, j) of an r×c matrix with leading dimension ld
/// is p[i * ld + j].
enum class Trans : bool { kNo = false, kYes = true };

}  // namespace sgdbench
