#pragma once
// SimdKernels::gemm: a BLIS-style packed GEMM (Van Zee & van de Geijn 2015). op(A) and
// op(B) are copied into contiguous panels (the copy absorbs the transposes), and one
// register-blocked micro-kernel computes an MR×NR tile of C from a KC-long slice of
// panels. Degenerate shapes (one row, one column, k = 1) go to level-1/2 kernels, which
// is what makes B = 1 training fast.
// The packed path lives in simd_gemm_packed.hpp, the shape-specific ones in
// simd_gemm_shapes.hpp; this file dispatches and splits large products across threads.
#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/kernel_threads.hpp"
#include "kernels/simd_gemm_packed.hpp"
#include "kernels/simd_gemm_shapes.hpp"
#include "kernels/simd_level1.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {
namespace gemm_detail {

/// Products of at least this many multiply-adds are split across threads (about 40 µs
/// of work on one core: far above a parallel_for's few µs).
inline constexpr double kParallelMinMacs = 4.0e6;

/// A split product is cut into this many slices per thread, taken as threads free up
/// (gemm_packed_split). Measured on AMD EPYC, 2 threads, the five MLP GEMMs in one
/// program, 6 alternated runs against one slice per thread packing its own copy of the
/// shared operand: sum of medians lower in all 6 (13.4 -> 12.6 ms in the quietest pair).
inline constexpr std::size_t kSlicesPerThread = 4;

}  // namespace gemm_detail

namespace gemm_detail {

/// One call's arguments, as SimdKernels::gemm takes them.
struct GemmArgs {
  Trans ta, tb;
  std::size_t m, n, k;
  float alpha;
  const float* a;
  std::size_t lda;
  const float* b;
  std::size_t ldb;
  float beta;
  float* c;
  std::size_t ldc;
};

/// p[0], p[stride], … (n values) as a contiguous array: p itself when stride is 1, else
/// gathered into `buf`.
inline const float* contiguous(const float* p, std::size_t n, std::size_t stride,
                               AlignedBuffer<float>& buf) {
  if (stride == 1) return p;
  buf.resize(std::max(buf.size(), n));
  for (std::size_t i = 0; i < n; ++i) buf[i] = p[i * stride];
  return buf.data();
}

/// fma(s, x, c) with a subnormal s costs a microcode assist per vector on Intel (Xeon,
/// family 6 model 167: 13x slower than a normal s, in L2), where AMD EPYC runs it at full
/// speed. Saturated sigmoids give such factors in B = 1 training: under FTZ/DAZ (which
/// would change the bits) Nielsen B = 1 ran 1.54x faster there. The same fma runs as
/// fma(s · 2^64, x · 2^-64, c): both scalings are exact (s is subnormal; x is zero or at
/// least 2^-62 in magnitude, or infinite), the product is s · x exactly, and fma rounds
/// once, so every bit of the result is the same, and the assist is gone.
inline constexpr float kSubnormalLift = 0x1p64f, kSubnormalDrop = 0x1p-64f;
inline bool is_subnormal(float s) {
  return s != 0.0f && std::fabs(s) < std::numeric_limits<float>::min();
}
/// x · 2^-64 into `out` when that is exact for every entry; false (out unspecified) when
/// some x is below 2^-62 in magnitude but not zero, or is NaN.
template <class Arch>
bool drop_exactly(const float* x, std::size_t n, float* out) {
  using B = xsimd::batch<float, Arch>;
  constexpr std::size_t W = B::size;
  const B zero(0.0f), least(0x1p-62f), drop(kSubnormalDrop);
  std::size_t i = 0;
  for (; i + W <= n; i += W) {
    const B v = B::load_unaligned(x + i), a = xsimd::abs(v);
    if (!xsimd::all((a == zero) | (a >= least))) return false;
    (v * drop).store_aligned(out + i);
  }
  for (; i < n; ++i) {
    const float a = std::fabs(x[i]);
    if (!(a == 0.0f || a >= 0x1p-62f)) return false;
    out[i] = x[i] * kSubnormalDrop;
  }
  return true;
}

/// Degenerate shapes (empty C, k = 0 or alpha = 0, one row of C, k = 1) as level-1/2
/// kernels, which is what makes B = 1 training fast; false when C is a real product.
template <class Arch>
bool gemm_degenerate(const GemmArgs& g) {
  const auto& [ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc] = g;
  using K = SimdKernels<Arch>;
  if (!is_degenerate(m, n, k, alpha)) return false;
  if (m == 0 || n == 0) return true;
  if (k == 0 || alpha == 0.0f) {
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    }
    return true;
  }
  thread_local AlignedBuffer<float> vec;  // a strided operand gathered contiguous
  if (m == 1) {                           // one row of C: c = alpha · op(B)ᵀ · a + beta · c
    const float* x = ta == Trans::kYes ? contiguous(a, k, lda, vec) : a;
    // op(B) is k×n: stored B is n×k for kYes (rows dotted with x), k×n for kNo.
    if (tb == Trans::kYes) {
      K::gemv(Trans::kNo, n, k, alpha, b, ldb, x, beta, c);
    } else {
      K::gemv(Trans::kYes, k, n, alpha, b, ldb, x, beta, c);
    }
    return true;
  }
  if (k == 1) {  // rank-1 update: C_i = beta · C_i + (alpha · a_i) · b
    const float* brow = tb == Trans::kYes ? contiguous(b, n, ldb, vec) : b;
    thread_local AlignedBuffer<float> dropped;  // brow · 2^-64, made at the first subnormal
    enum { kNotYet, kExact, kInexact } drop_state = kNotYet;
    for (std::size_t i = 0; i < m; ++i) {
      float* ci = c + i * ldc;
      if (beta == 0.0f) {
        std::fill(ci, ci + n, 0.0f);
      } else if (beta != 1.0f) {
        for (std::size_t j = 0; j < n; ++j) ci[j] *= beta;
      }
      const float s = alpha * op_at(ta, a, lda, i, 0);
      if (is_subnormal(s) && drop_state != kInexact) {
        if (drop_state == kNotYet) {
          dropped.resize(std::max(dropped.size(), n));
          drop_state = drop_exactly<Arch>(brow, n, dropped.data()) ? kExact : kInexact;
        }
        if (drop_state == kExact) {
          K::axpy(n, s * kSubnormalLift, dropped.data(), ci);
          continue;
        }
      }
      K::axpy(n, s, brow, ci);
    }
    return true;
  }

  return false;
}

/// The shapes training produces most, each measured faster than the packed path where it
/// is sent (simd_gemm_shapes.hpp); false for every other shape. A new A·Bᵀ path here
/// belongs in nt_takes_packed too (dense_forward promises the packed path's bits).
template <class Arch>
bool gemm_shape_path(const GemmArgs& g) {
  const auto& [ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc] = g;
  const bool nt = ta == Trans::kNo && tb == Trans::kYes;  // A·Bᵀ: the forward pass
  const bool tn = ta == Trans::kYes && tb == Trans::kNo;  // Aᵀ·B: the weight gradient
  if (nt && nt_takes_bcast(m, n)) {
    gemm_nt_bcast<Arch>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else if (nt && nt_takes_dots(m, n)) {
    gemm_nt_dots<Arch>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else if (tn && tn_takes_rank1(m)) {
    gemm_tn_rank1<Arch>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  } else {
    return false;
  }
  return true;
}

/// gemm_packed_split with the blocking Blk.
template <class Arch, class Blk>
void gemm_packed_split_with(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
                            float alpha, const float* a, std::size_t lda, const float* b,
                            std::size_t ldb, float beta, float* c, std::size_t ldc,
                            const Epilogue& epilogue) {
  // Large products are split into column (or row) slices across TBB's threads: each
  // slice is the same serial packed GEMM, on the same packed panels (shared or its own),
  // so every entry of C is summed in the same order whatever the thread count or which
  // thread takes which slice (the deterministic policy's promise holds).
  const bool large =
      static_cast<double>(m) * static_cast<double>(n) * static_cast<double>(k) >= kParallelMinMacs;
  // The execution policy's limit (kernel_threads.hpp: 1 under Sequential), TBB's arena and
  // tbb::global_control (the arena's size ignores it, and it is how a run limits threads).
  const auto threads = std::min(
      {kernel_thread_limit(), static_cast<std::size_t>(tbb::this_task_arena::max_concurrency()),
       tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism)});
  if (large && threads > 1) {
    // Column slices where C has at least as many columns as rows, and always for Aᵀ·B
    // (a weight gradient δᵀ·X): row slices would each pack their rows of Aᵀ, columns of δ
    // read with a stride, where column slices pack Aᵀ once, shared. Intel Xeon (family 6
    // model 167), 2 threads, mlp_dW1 (1024 × 784 × 256), 5 runs of 31-61 alternated calls:
    // column slices 5-22 % faster than row slices in all 5. No bit depends on the slicing.
    const bool by_cols = n >= m || ta == Trans::kYes;
    const std::size_t unit = by_cols ? Blk::NR : Blk::MR;
    const std::size_t units = ((by_cols ? n : m) + unit - 1) / unit;
    const std::size_t parts = std::min(units, threads * kSlicesPerThread);
    // The operand every slice reads whole (A for column slices, B for row slices) is
    // packed once, its panels shared out across the threads; each slice then packs only
    // its own part of the other operand.
    thread_local AlignedBuffer<float> shared;
    const std::size_t panels = by_cols ? whole_a_panels<Blk>(m, k) : whole_b_panels<Blk>(n, k);
    const std::size_t floats = panels * (by_cols ? Blk::MR : Blk::NR) * Blk::KC;
    if (shared.size() < floats) shared.resize(floats);
    float* packed = shared.data();
    // Isolated: a thread waiting here runs only these slices, never another reduction
    // leaf of an enclosing parallel reduce (no unbounded stacking of leaves).
    tbb::this_task_arena::isolate([&] {
      tbb::parallel_for(
          std::size_t{0}, threads,
          [&](std::size_t t) {
            const std::size_t p0 = panels * t / threads, p1 = panels * (t + 1) / threads;
            if (by_cols) {
              pack_a_whole<Blk>(ta, a, lda, m, k, p0, p1, packed);
            } else {
              pack_b_whole<Blk>(tb, b, ldb, n, k, p0, p1, packed);
            }
          },
          tbb::static_partitioner());
      // More slices than threads, taken as threads free up: a core slowed by another
      // process no longer holds the others back for half the product.
      tbb::parallel_for(
          tbb::blocked_range<std::size_t>(0, parts, 1),
          [&](const tbb::blocked_range<std::size_t>& r) {
            for (std::size_t t = r.begin(); t != r.end(); ++t) {
              const std::size_t u0 = units * t / parts, u1 = units * (t + 1) / parts;
              const std::size_t lo = u0 * unit, hi = std::min(u1 * unit, by_cols ? n : m);
              if (by_cols) {
                const float* bs = tb == Trans::kNo ? b + lo : b + lo * ldb;
                const Epilogue slice{epilogue.bias == nullptr ? nullptr : epilogue.bias + lo,
                                     epilogue.act};
                const std::size_t edge = Blk::edge_col(n);  // the whole product's
                gemm_packed<Arch, Blk>(ta, tb, m, hi - lo, k, alpha, a, lda, bs, ldb, beta, c + lo,
                                       ldc, packed, nullptr, slice, edge > lo ? edge - lo : 0);
              } else {
                const float* as = ta == Trans::kNo ? a + lo * lda : a + lo;
                const std::size_t edge = Blk::edge_row(m);  // the whole product's
                gemm_packed<Arch, Blk>(ta, tb, hi - lo, n, k, alpha, as, lda, b, ldb, beta,
                                       c + lo * ldc, ldc, nullptr, packed, epilogue, kEdgeOfN,
                                       edge > lo ? edge - lo : 0);
              }
            }
          },
          tbb::simple_partitioner());
    });
    return;
  }
  gemm_packed<Arch, Blk>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, nullptr, nullptr,
                         epilogue);
}

/// The packed path, split into column (or row) slices across threads for large products;
/// `epilogue` as gemm_packed takes it. The register tile follows the core's FMA ports
/// (tile_vectors); no bit depends on it.
template <class Arch>
void gemm_packed_split(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float alpha,
                       const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                       float* c, std::size_t ldc, const Epilogue& epilogue = {}) {
  with_blocking<Arch>([&](auto blk) {
    gemm_packed_split_with<Arch, decltype(blk)>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c,
                                                ldc, epilogue);
  });
}

}  // namespace gemm_detail

template <class Arch>
void SimdKernels<Arch>::gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
                             float alpha, const float* a, std::size_t lda, const float* b,
                             std::size_t ldb, float beta, float* c, std::size_t ldc) {
  using namespace gemm_detail;
  const GemmArgs args{ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc};
  if (gemm_degenerate<Arch>(args) || gemm_shape_path<Arch>(args)) return;
  gemm_packed_split<Arch>(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/// The forward's product on the packed path with the bias and σ in its epilogue. The
/// other paths (one row, the broadcast panel, the dot tiles: the narrow layers) decline,
/// and the model runs the separate calls. What it saves is two passes over Z in L2 (the
/// bias rows, σ), small beside the product. AMD EPYC, 1 thread, the two alternated in one
/// program, medians of 41, three repeats: 784→1024 and 1024→1024 with ReLU (B = 256)
/// 0.99-1.06x the separate calls' speed; Nielsen's 784→100 sigmoid 0.98-0.99x, slightly
/// slower (its edge tile of 4 columns maps a whole vector per row).
template <class Arch>
bool SimdKernels<Arch>::dense_forward(const DenseForwardArgs& p) {
  using namespace gemm_detail;
  const std::size_t R = p.rows, n = p.n_out, k = p.n_in;
  if (!nt_takes_packed<Arch>(R, n, k, 1.0f)) return false;
  gemm_packed_split<Arch>(Trans::kNo, Trans::kYes, R, n, k, 1.0f, p.x, k, p.w, k, 1.0f, p.z, n,
                          Epilogue{p.bias, p.act});
  return true;
}

}  // namespace sgdbench
