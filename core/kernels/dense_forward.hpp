#pragma once
// The optional fused forward of a dense layer, Z = σ(X·Wᵀ + 1bᵀ), as one GEMM whose
// epilogue adds the bias and applies σ where it stores a tile of Z. The separate calls
// fill Z with the bias, run the GEMM with beta = 1 (reading Z back) and map σ over Z in
// another pass. Only SimdKernels offers it (KernelsWithDenseForward); the model runs the
// separate calls everywhere else, and wherever the kernel declines a shape.
#include <concepts>
#include <cstddef>

namespace sgdbench {

/// The element-wise maps an epilogue can apply (the hidden layers' activations).
enum class Pointwise { kIdentity, kRelu, kSigmoid, kTanh };

/// A layer n_in → n_out over R rows: x (R × n_in), w (n_out × n_in), bias (n_out), z (R ×
/// n_out; not read).
struct DenseForwardArgs {
  std::size_t rows, n_out, n_in;
  const float* x;
  const float* w;
  const float* bias;
  Pointwise act;
  float* z;
};

/// K::dense_forward(args) does, bit for bit, what these calls do, and returns true; or
/// returns false having done nothing, for a shape where it could not promise the bits:
///   every row of z = bias;
///   gemm(kNo, kYes, R, n_out, n_in, 1, x, n_in, w, n_in, 1, z, n_out);
///   z ← act(z) as the Activation with that Pointwise does it through K.
template <class K>
concept KernelsWithDenseForward = requires(const DenseForwardArgs& a) {
  { K::dense_forward(a) } -> std::same_as<bool>;
};

}  // namespace sgdbench
