#pragma once
// What a model sees of a batch, and what an evaluation returns.
#include <cstddef>
#include <cstdint>

namespace sgdbench {

/// `count` contiguous feature rows, with class labels (classification) or real targets
/// (regression; nullptr otherwise). Features are floats (x), or bytes (x8, x = x8 · scale)
/// when the data set is stored compact; models see floats only: the gradient engine
/// widens byte rows chunk by chunk.
struct Rows {
  const float* x = nullptr;
  const std::uint8_t* y = nullptr;
  std::size_t count = 0;
  const float* target = nullptr;
  const std::uint8_t* x8 = nullptr;
  float x8_scale = 0.0f;
};

/// Loss and correct predictions summed over rows (correct stays 0 for regression).
struct EvalSums {
  double loss = 0.0;
  std::size_t correct = 0;
};

/// How the parameters start (chosen in the config).
enum class Init {
  kNielsen,  // every weight and bias ~ N(0, 1) (Nielsen, chapter 1)
  kXavier,   // W ~ N(0, 2 / (fan_in + fan_out)), b = 0 (Glorot & Bengio 2010)
  kHe,       // W ~ N(0, 2 / fan_in), b = 0 (He et al. 2015)
  kZero,     // all zero (the convex models' usual start)
};

}  // namespace sgdbench
