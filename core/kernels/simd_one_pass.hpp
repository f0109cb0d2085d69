#pragma once
// SimdKernels<Arch>::linear_one_pass: softmax regression's chunk with its bytes read as
// bytes. The separate calls widen all R rows into a float buffer first (R · n_in · 4
// bytes: 784 KiB for 256 Fashion-MNIST rows, out of L1 and most of a 1 MiB L2) that the
// forward and the weight gradient then read. Here the forward's dot tiles and the weight
// gradient's rank-1 blocks load the bytes (R · n_in: 196 KiB, which stays in L2 between
// the two products) and widen each vector in registers; no float copy is written.
//
// The bits stay those of the separate calls (the contract in linear_one_pass.hpp, held by
// unit_one_pass_gives_the_bits_of_widen_and_two_gemms): the same tiles run on the same
// values in the same order; only where an operand's floats come from differs.
#include "kernels/linear_one_pass.hpp"
#include "kernels/simd_gemm_shapes.hpp"
#include "kernels/simd_kernels.hpp"
#include "kernels/simd_operand.hpp"
#include "util/software_prefetch.hpp"

namespace sgdbench {

template <class Arch>
bool SimdKernels<Arch>::linear_one_pass(const LinearOnePassArgs& p) {
  using namespace gemm_detail;
  const std::size_t R = p.rows, n = p.n_out, k = p.n_in;
  // The separate calls' paths must be gemm_nt_dots and gemm_tn_rank1: neither product
  // degenerate, and the forward not the broadcast panel.
  const bool same_paths = !is_degenerate(R, n, k, 1.0f) && !is_degenerate(n, k, R, p.alpha) &&
                          !nt_takes_bcast(R, n) && nt_takes_dots(R, n) && tn_takes_rank1(n);
  if (!same_paths) return false;
  const ByteRows x{p.x8, p.scale};
  gemm_nt_dots<Arch>(R, n, k, 1.0f, x, k, p.w, k, 1.0f, p.z, n);
  p.output_layer(0, R);
  // The weight gradient re-reads this chunk from L2 and leaves memory idle: where it
  // pays (software_prefetch_pays), the next chunk's bytes start their way into L2 now.
  if (software_prefetch_pays()) {
    for (std::size_t off = 0; off < p.next_bytes; off += 64)
      __builtin_prefetch(p.next_x8 + off, 0, 2);
  }
  gemm_tn_rank1<Arch>(n, k, R, p.alpha, p.delta, n, x, k, 1.0f, p.g, k);
  return true;
}

}  // namespace sgdbench
