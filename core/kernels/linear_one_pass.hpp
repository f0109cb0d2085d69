#pragma once
// The optional one-pass kernel of a one-layer model on compact (byte) rows: softmax
// regression's whole training step over a chunk, reading each byte of the chunk once.
// Only SimdKernels offers it (KernelsWithOnePass); the model falls back to widen + two
// GEMMs everywhere else, and wherever the kernel declines a shape.
#include <concepts>
#include <cstddef>
#include <cstdint>

namespace sgdbench {

/// A non-owning callable `void(std::size_t first_row, std::size_t rows)`: the model's
/// output layer, called between the two products (an indirect call, no allocation).
class RowBlockFn {
 public:
  template <class F>
  explicit RowBlockFn(F& f)
      : ctx_(&f), call_([](void* c, std::size_t first, std::size_t rows) {
          (*static_cast<F*>(c))(first, rows);
        }) {}
  void operator()(std::size_t first, std::size_t rows) const { call_(ctx_, first, rows); }

 private:
  void* ctx_;
  void (*call_)(void*, std::size_t, std::size_t);
};

/// One chunk of R rows of a layer n_in → n_out: rows x = x8 · scale (R × n_in bytes),
/// weights w (n_out × n_in), z (R × n_out) holding the bias on entry, delta (R × n_out),
/// g the weight gradient (n_out × n_in); next_x8 the next_bytes the caller reads next (the
/// batch's next chunk; none: nullptr), prefetched while this chunk is computed.
struct LinearOnePassArgs {
  std::size_t rows, n_out, n_in;
  const std::uint8_t* x8;
  float scale;
  const float* w;
  float* z;
  float* delta;
  RowBlockFn output_layer;  // turns rows [first, first + rows) of z into those of delta
  float alpha;
  float* g;
  const std::uint8_t* next_x8 = nullptr;
  std::size_t next_bytes = 0;
};

/// K::linear_one_pass(args) does, bit for bit, what these calls do, and returns true; or
/// returns false having done nothing, for a shape where it could not promise the bits:
///   widen_bytes(x8, R · n_in, scale, x);
///   gemm(kNo, kYes, R, n_out, n_in, 1, x, n_in, w, n_in, 1, z, n_out);
///   output_layer(0, R);
///   gemm(kYes, kNo, n_out, n_in, R, alpha, delta, n_out, x, n_in, 1, g, n_in);
template <class K>
concept KernelsWithOnePass = requires(const LinearOnePassArgs& a) {
  { K::linear_one_pass(a) } -> std::same_as<bool>;
};

}  // namespace sgdbench
