// SIMD (and OpenBLAS) kernels against the scalar reference.
// Tolerance: |c − c_ref| ≤ 1e-5 · Σ_p |a_ip b_pj| + 1e-6, i.e. a few float roundings of
// the largest partial sum (summation orders differ between kernels; float eps ≈ 6e-8).
#include <tbb/task_arena.h>

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "kernels/scalar_kernels.hpp"
#include "kernels/simd_canon.hpp"
#include "kernels/simd_gemm.hpp"
#include "kernels/simd_gemm_packed.hpp"
#include "kernels/simd_kernels.hpp"
#include "test_helpers.hpp"
#include "util/rng.hpp"
#ifdef SGDBENCH_WITH_BLAS
#include "kernels/blas_kernels.hpp"
#endif

using namespace sgdbench;

using test::random_vector;

namespace {

float at(Trans t, const std::vector<float>& p, std::size_t ld, std::size_t i, std::size_t j) {
  return t == Trans::kNo ? p[i * ld + j] : p[j * ld + i];
}

template <class K>
void check_gemm(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k, float beta) {
  // Leading dimensions larger than needed, so that strides are exercised too.
  const std::size_t lda = (ta == Trans::kNo ? k : m) + 3;
  const std::size_t ldb = (tb == Trans::kNo ? n : k) + 1;
  const std::size_t ldc = n + 2;
  const auto a = random_vector((ta == Trans::kNo ? m : k) * lda, 1);
  const auto b = random_vector((tb == Trans::kNo ? k : n) * ldb, 2);
  auto c = random_vector(m * ldc, 3);
  auto c_ref = c;
  K::gemm(ta, tb, m, n, k, 0.75f, a.data(), lda, b.data(), ldb, beta, c.data(), ldc);
  ScalarKernels::gemm(ta, tb, m, n, k, 0.75f, a.data(), lda, b.data(), ldb, beta, c_ref.data(),
                      ldc);
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double scale = std::abs(beta * 1.0);
      for (std::size_t p = 0; p < k; ++p)
        scale += std::abs(at(ta, a, lda, i, p) * at(tb, b, ldb, p, j));
      INFO("m=" << m << " n=" << n << " k=" << k << " ta=" << int(ta) << " tb=" << int(tb)
                << " beta=" << beta << " at (" << i << "," << j << ")");
      REQUIRE(std::abs(c[i * ldc + j] - c_ref[i * ldc + j]) <= 1e-5 * scale + 1e-6);
    }
    // Padding columns past n are never written.
    for (std::size_t j = n; j < ldc; ++j) REQUIRE(c[i * ldc + j] == c_ref[i * ldc + j]);
  }
}

template <class K>
void check_all_gemm_shapes() {
  // Shapes around the vector width (8/16), the register tile (MR × NR) and the cache
  // blocks (KC = 256, MC ≥ 96), plus the degenerate m = 1, n = 1, k = 1 paths.
  const std::vector<std::array<std::size_t, 3>> shapes = {
      {1, 1, 1},
      {1, 30, 784},
      {30, 1, 17},
      {7, 13, 1},
      {5, 33, 9},
      {6, 32, 16},
      {17, 31, 300},
      {97, 65, 257},
      {130, 40, 20},
      {10, 30, 784},
      {8, 16, 3},
      // few outputs (n ≤ 32: dot tiles for A·Bᵀ) or few rows (m ≤ 32: rank-1 blocks for
      // Aᵀ·B), with row and column remainders
      {256, 10, 784},
      {70, 23, 19},
      {10, 784, 40},
      {25, 50, 40},
      {31, 47, 5},
      // W < n ≤ 2W with m ≥ 96: the packed-panel broadcast path for A·Bᵀ
      {101, 30, 77},
      {120, 17, 16}};
  for (auto ta : {Trans::kNo, Trans::kYes}) {
    for (auto tb : {Trans::kNo, Trans::kYes}) {
      for (const auto& [m, n, k] : shapes) {
        for (float beta : {0.0f, 1.0f, 0.5f}) check_gemm<K>(ta, tb, m, n, k, beta);
      }
    }
  }
}

template <class K>
void check_level1_and_2() {
  for (std::size_t n : {1u, 3u, 8u, 15u, 16u, 17u, 31u, 33u, 64u, 100u, 785u}) {
    const auto x = random_vector(n, 4), y0 = random_vector(n, 5);
    double scale = 0.0;
    for (std::size_t i = 0; i < n; ++i) scale += std::abs(x[i] * y0[i]);
    REQUIRE(std::abs(K::dot(n, x.data(), y0.data()) - ScalarKernels::dot(n, x.data(), y0.data())) <=
            1e-5 * scale + 1e-6);

    auto y = y0, y_ref = y0;
    K::axpy(n, -1.5f, x.data(), y.data());
    ScalarKernels::axpy(n, -1.5f, x.data(), y_ref.data());
    for (std::size_t i = 0; i < n; ++i) REQUIRE(std::abs(y[i] - y_ref[i]) <= 1e-6f);

    auto s = random_vector(n, 6);
    for (auto& v : s) v *= 20.0f;  // deep into both tails of the sigmoid
    auto s_ref = s;
    K::sigmoid(n, s.data());
    ScalarKernels::sigmoid(n, s_ref.data());
    for (std::size_t i = 0; i < n; ++i) REQUIRE(std::abs(s[i] - s_ref[i]) <= 1e-6f);

    auto e = random_vector(n, 10);
    for (auto& v : e) v *= 30.0f;  // e^±30: relative error is what matters
    auto e_ref = e;
    K::exp(n, e.data());
    ScalarKernels::exp(n, e_ref.data());
    for (std::size_t i = 0; i < n; ++i) REQUIRE(std::abs(e[i] - e_ref[i]) <= 1e-6f * e_ref[i]);

    for (Trans t : {Trans::kNo, Trans::kYes}) {
      const std::size_t rows = 7, lda = n + 1;
      const auto a = random_vector(rows * lda, 7);
      const std::size_t in = t == Trans::kNo ? n : rows, out = t == Trans::kNo ? rows : n;
      const auto xv = random_vector(in, 8);
      auto yv = random_vector(out, 9), yv_ref = yv;
      K::gemv(t, rows, n, 2.0f, a.data(), lda, xv.data(), 0.5f, yv.data());
      ScalarKernels::gemv(t, rows, n, 2.0f, a.data(), lda, xv.data(), 0.5f, yv_ref.data());
      for (std::size_t i = 0; i < out; ++i)
        REQUIRE(std::abs(yv[i] - yv_ref[i]) <= 1e-5f * float(in) + 1e-5f);
    }
  }
}

}  // namespace

TEMPLATE_LIST_TEST_CASE("unit_simd_gemm_matches_scalar_for_every_transpose_and_odd_shapes",
                        "[kernels]", EnabledArchs) {
  INFO("arch " << TestType::name());
  check_all_gemm_shapes<SimdKernels<TestType>>();
}

TEMPLATE_LIST_TEST_CASE("unit_simd_level1_level2_and_maps_match_scalar_including_tails",
                        "[kernels]", EnabledArchs) {
  INFO("arch " << TestType::name());
  check_level1_and_2<SimdKernels<TestType>>();
}

TEMPLATE_LIST_TEST_CASE("unit_gemv_rows_in_groups_give_each_row_the_bits_of_dot",
                        "[kernels][determinism]", EnabledArchs) {
  // gemv sums several rows at once (dot_rows); each y_i must still be alpha · dot(A_i, x)
  // (then fma(beta, y_i, ·)) bit for bit: row counts around the group sizes (2, 4), lengths
  // with whole 4-vector blocks, single vectors and scalar tails, a padded lda.
  using K = SimdKernels<TestType>;
  for (const std::size_t m : {1, 2, 3, 4, 5, 7, 9, 30}) {
    for (const std::size_t n : {1, 5, 16, 47, 64, 100, 784}) {
      const std::size_t lda = n + 3;
      const auto a = random_vector(m * lda, 11), x = random_vector(n, 12);
      const auto y0 = random_vector(m, 13);
      for (const float beta : {0.0f, 0.75f}) {
        auto y = y0;
        K::gemv(Trans::kNo, m, n, -0.3f, a.data(), lda, x.data(), beta, y.data());
        INFO("m = " << m << ", n = " << n << ", beta = " << beta);
        for (std::size_t i = 0; i < m; ++i) {
          const float s = -0.3f * K::dot(n, a.data() + i * lda, x.data());
          REQUIRE(y[i] == (beta == 0.0f ? s : std::fma(beta, y0[i], s)));
        }
      }
    }
  }
}

TEMPLATE_LIST_TEST_CASE("unit_widen_bytes_gives_the_scalar_bits_including_tails", "[kernels]",
                        EnabledArchs) {
  // Every byte value, at lengths around the vector widths (8, 16) so tails are covered.
  std::vector<std::uint8_t> bytes(300);
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i * 7);
  for (const std::size_t n : {0, 1, 7, 8, 9, 15, 16, 17, 31, 33, 256, 300}) {
    std::vector<float> simd(n + 1, -1.0f), scalar(n + 1, -1.0f);
    SimdKernels<TestType>::widen_bytes(bytes.data(), n, 1.0f / 255.0f, simd.data());
    ScalarKernels::widen_bytes(bytes.data(), n, 1.0f / 255.0f, scalar.data());
    INFO("n = " << n);
    REQUIRE(simd == scalar);  // bit for bit, and nothing written past n
    if (n > 0) REQUIRE(scalar[n - 1] == static_cast<float>(bytes[n - 1]) * (1.0f / 255.0f));
  }
}

TEST_CASE("unit_gemm_with_beta_zero_ignores_nan_in_output", "[kernels]") {
  const std::vector<float> a(6 * 5, 1.0f), b(5 * 40, 1.0f);
  std::vector<float> c(6 * 40, std::nanf(""));
  SimdKernels<BestArch>::gemm(Trans::kNo, Trans::kNo, 6, 40, 5, 1.0f, a.data(), 5, b.data(), 40,
                              0.0f, c.data(), 40);
  for (float v : c) REQUIRE(v == 5.0f);
  // The same for the small-output (A·Bᵀ) and few-row (Aᵀ·B) paths.
  const std::vector<float> ones(100 * 100, 1.0f);
  std::vector<float> c2(100 * 10, std::nanf(""));
  SimdKernels<BestArch>::gemm(Trans::kNo, Trans::kYes, 100, 10, 40, 1.0f, ones.data(), 40,
                              ones.data(), 40, 0.0f, c2.data(), 10);
  for (float v : c2) REQUIRE(v == 40.0f);
  std::vector<float> c3(10 * 50, std::nanf(""));
  SimdKernels<BestArch>::gemm(Trans::kYes, Trans::kNo, 10, 50, 40, 1.0f, ones.data(), 10,
                              ones.data(), 50, 0.0f, c3.data(), 50);
  for (float v : c3) REQUIRE(v == 40.0f);
}

TEST_CASE("unit_rank1_update_with_subnormal_factors_gives_the_bits_of_the_plain_path",
          "[kernels]") {
  // C = alpha · aᵀ · op(b) + beta · C with k = 1 (B = 1 training's weight update): rows
  // whose factor s = alpha · a_i is subnormal run as fma(s · 2^64, b · 2^-64, c)
  // (simd_gemm.hpp). Each entry must keep the bits of the plain path, axpy(s, b, c_i)
  // after the beta scaling, signed zeros, infinities and the vector tail included.
  using K = SimdKernels<BestArch>;
  const float alpha = -0.5f;
  // s: -5e-41, 1.5e-39, -2^-149 (the smallest subnormal), normal, zero, 5e-40
  const std::vector<float> a = {1e-40f, -3e-39f, 2.8e-45f, 0.25f, 0.0f, -1e-39f};
  const std::size_t m = a.size(), n = 37, ldc = n + 2;  // vectors and a tail for W 8 or 16
  auto b = random_vector(n, 4);
  for (std::size_t j = 0; j < n; j += 3) b[j] = 0.0f;
  b[1] = -0.0f;
  std::vector<std::vector<float>> rows_of_b = {b};
  b[5] = b[35] = std::numeric_limits<float>::infinity();  // still exact: inf · 2^-64 = inf
  b[7] = -std::numeric_limits<float>::infinity();
  rows_of_b.push_back(b);
  b[5] = 1e-30f;  // b · 2^-64 would underflow: the plain fma must run
  b[34] = -2e-30f;
  rows_of_b.push_back(b);
  for (const float beta : {1.0f, 0.0f, 0.7f}) {
    for (const Trans tb : {Trans::kNo, Trans::kYes}) {
      for (std::size_t case_index = 0; case_index < rows_of_b.size(); ++case_index) {
        const auto& brow = rows_of_b[case_index];
        // op(b) is 1 × n: stored as one row (kNo), or as n rows of ldb = 3 (kYes, gathered).
        const std::size_t ldb = tb == Trans::kNo ? n : 3;
        std::vector<float> stored(tb == Trans::kNo ? n : n * ldb, 9.0f);
        for (std::size_t j = 0; j < n; ++j) stored[tb == Trans::kNo ? j : j * ldb] = brow[j];
        auto c = random_vector(m * ldc, 5);
        for (std::size_t i = 0; i < m; ++i) {  // entries where s · b_j decides the bits
          for (std::size_t j : {0, 3, 5, 7, 10, 34}) c[i * ldc + j] = 0.0f;
          c[i * ldc + 1] = -0.0f;
          c[i * ldc + 8] = -0.0f;
          c[i * ldc + 11] = 1e-38f;
        }
        std::vector<float> expected = c;
        for (std::size_t i = 0; i < m; ++i) {
          float* row = expected.data() + i * ldc;
          for (std::size_t j = 0; j < n; ++j) {
            if (beta == 0.0f)
              row[j] = 0.0f;
            else if (beta != 1.0f)
              row[j] *= beta;
          }
          K::axpy(n, alpha * a[i], brow.data(), row);
        }
        K::gemm(Trans::kYes, tb, m, n, 1, alpha, a.data(), m, stored.data(), ldb, beta, c.data(),
                ldc);
        for (std::size_t e = 0; e < c.size(); ++e) {
          INFO("beta " << beta << ", case " << case_index << ", row " << e / ldc << ", column "
                       << e % ldc);
          REQUIRE(std::bit_cast<std::uint32_t>(c[e]) == std::bit_cast<std::uint32_t>(expected[e]));
        }
      }
    }
  }
}

#ifdef SGDBENCH_WITH_BLAS
TEST_CASE("unit_blas_gemm_matches_scalar", "[kernels]") {
  BlasKernels::set_threads(1);
  check_all_gemm_shapes<BlasKernels>();
}
#endif

TEMPLATE_LIST_TEST_CASE("unit_packed_gemm_bits_follow_fixed_blocks_not_the_tile",
                        "[kernels][determinism]", EnabledArchs) {
  // The packed GEMM entry by entry: each KC-long block's sum is a chain of fmas in p order,
  // added to C by one of two formulas (micro_kernel): fma(alpha, s, beta · C) in whole
  // tiles, fma(beta, C, alpha · s) at the edge, the last rows mod 8 and the columns past
  // C's last whole 32-column block, on every arch (simd_canon.hpp). The reference knows only
  // KC, 8 and 32: not the tile (8 × 32 or 8 × 48 with AVX-512, 6 × 16 with AVX2), nor the
  // thread slices. alpha ≠ 1 with beta ≠ 0 is where
  // the two formulas differ (the fused SGD step's weight update). Both tiles, 2 and 3
  // vectors wide, whichever one the FMA ports pick here. Shapes where a tile
  // holds both formulas (n = 150: columns 96-127 whole, 128-143 edge with NR = 48, 128-149
  // edge in a tile of its own with NR = 32; n =
  // 1040), column and row slices, two KC blocks.
  using Arch = TestType;
  using Blk = gemm_detail::Blocking<Arch>;
#if defined(__FMA__)
  constexpr bool kFused = true;  // SSE4.2 too (simd_fma.hpp)
#else
  constexpr bool kFused = !std::is_same_v<Arch, xsimd::sse4_2>;
#endif
  if constexpr (!kFused) {
    SUCCEED("no FMA instruction: the vector fmadd rounds twice, std::fma once");
  } else {
    const float alpha = -0.37f;
    for (auto [ta, tb, m, n, k] : {std::tuple{Trans::kNo, Trans::kNo, 97, 150, 300},
                                   std::tuple{Trans::kYes, Trans::kNo, 150, 1040, 70},
                                   std::tuple{Trans::kNo, Trans::kYes, 130, 150, 300},
                                   std::tuple{Trans::kNo, Trans::kNo, 1040, 97, 100}}) {
      const std::size_t M = m, N = n, K = k;
      const std::size_t lda = ta == Trans::kNo ? K : M, ldb = tb == Trans::kNo ? N : K;
      const auto a = random_vector(M * K, 1), b = random_vector(K * N, 2);
      const auto c0 = random_vector(M * N, 3);
      for (const float beta : {0.0f, 0.5f, 1.0f}) {
        std::vector<float> expected(M * N);
        for (std::size_t i = 0; i < M; ++i) {
          for (std::size_t j = 0; j < N; ++j) {
            const bool edge = i >= M - M % kCanonEdgeRows || j >= N - N % kCanonEdgeCols;
            float c = c0[i * N + j];
            for (std::size_t pc = 0; pc < K; pc += Blk::KC) {
              float s = 0.0f;
              for (std::size_t p = pc; p < std::min(pc + Blk::KC, K); ++p)
                s = std::fma(at(ta, a, lda, i, p), at(tb, b, ldb, p, j), s);
              const float bb = pc == 0 ? beta : 1.0f;
              if (bb == 0.0f) {
                c = alpha * s;
              } else {
                c = edge ? std::fma(bb, c, alpha * s) : std::fma(alpha, s, bb * c);
              }
            }
            expected[i * N + j] = c;
          }
        }
        for (const int threads : {1, 2, 3}) {
          INFO("m = " << m << ", n = " << n << ", k = " << k << ", beta = " << beta << ", "
                      << threads << " threads");
          tbb::task_arena arena(threads);
          auto c = c0;
          arena.execute([&] {
            SimdKernels<Arch>::gemm(ta, tb, M, N, K, alpha, a.data(), lda, b.data(), ldb, beta,
                                    c.data(), N);
          });
          std::size_t differ = 0;
          for (std::size_t e = 0; e < c.size(); ++e) differ += c[e] != expected[e];
          REQUIRE(differ == 0);
          // Both register tiles, whichever this core's FMA ports chose (tile_vectors).
          auto c2 = c0, c3 = c0;
          arena.execute([&] {
            gemm_detail::gemm_packed_split_with<Arch, gemm_detail::Blocking<Arch, 2>>(
                ta, tb, M, N, K, alpha, a.data(), lda, b.data(), ldb, beta, c2.data(), N, {});
            gemm_detail::gemm_packed_split_with<Arch, gemm_detail::Blocking<Arch, 3>>(
                ta, tb, M, N, K, alpha, a.data(), lda, b.data(), ldb, beta, c3.data(), N, {});
          });
          std::size_t differ2 = 0, differ3 = 0;
          for (std::size_t e = 0; e < c.size(); ++e) {
            differ2 += c2[e] != expected[e];
            differ3 += c3[e] != expected[e];
          }
          REQUIRE(differ2 == 0);
          REQUIRE(differ3 == 0);
        }
      }
    }
  }
}

TEST_CASE("unit_parallel_gemm_gives_the_same_bits_on_any_thread_count", "[kernels][determinism]") {
  // Large products are split into slices across threads; each entry must still be summed
  // in one fixed order, so 1, 2 and 3 threads agree bit for bit. Column slices share one
  // packing of A, row slices one of B: shapes with several KC blocks (k > 256), ragged
  // panels, more rows than an MC block, and more columns than the largest NC (4096).
  for (auto [ta, tb, m, n, k] : {std::tuple{Trans::kNo, Trans::kYes, 300, 200, 100},
                                 std::tuple{Trans::kYes, Trans::kNo, 210, 130, 170},
                                 std::tuple{Trans::kNo, Trans::kYes, 200, 301, 530},
                                 std::tuple{Trans::kYes, Trans::kNo, 530, 260, 600},
                                 std::tuple{Trans::kNo, Trans::kYes, 601, 100, 300},
                                 std::tuple{Trans::kNo, Trans::kNo, 4200, 4150, 20}}) {
    INFO("m = " << m << ", n = " << n << ", k = " << k);
    const auto a = random_vector(static_cast<std::size_t>(m) * k, 1);
    const auto b = random_vector(static_cast<std::size_t>(k) * n, 2);
    std::vector<std::vector<float>> out;
    for (int threads : {1, 2, 3}) {
      // An arena of that many slots: the split follows its size (global_control would cap
      // the threads, not the arena, at 2 on a 2-core machine).
      tbb::task_arena arena(threads);
      std::vector<float> c(static_cast<std::size_t>(m) * n, 0.5f);
      arena.execute([&] {
        REQUIRE(tbb::this_task_arena::max_concurrency() == threads);
        SimdKernels<BestArch>::gemm(ta, tb, m, n, k, 1.0f, a.data(), ta == Trans::kNo ? k : m,
                                    b.data(), tb == Trans::kNo ? n : k, 1.0f, c.data(), n);
      });
      out.push_back(std::move(c));
    }
    REQUIRE(out[0] == out[1]);
    REQUIRE(out[0] == out[2]);
  }
}

TEST_CASE("unit_fma_port_probe_reads_one_or_two_ports_against_the_clock", "[kernels]") {
  // The probe's FMAs per cycle (fma_ports.hpp): near 1 or near 2 on every x86-64 core this
  // suite runs on. A broken clock chain (an add the CPU folds away, as Golden Cove does
  // with add-immediate chains: it read 0.87 on a two-port Xeon) or FMAs that are not
  // independent land outside the bounds.
  // A core shared with another busy hyperthread reads low for a while: up to 3 tries.
  gemm_detail::FmaPorts p;
  for (int attempt = 0; attempt < 3; ++attempt) {
    p = gemm_detail::measure_fma_ports<BestArch>();
    if (p.per_cycle > 0.6 && p.per_cycle < 2.6) break;
  }
  INFO("FMAs per cycle " << p.per_cycle << ", source " << p.source);
#if defined(__x86_64__)
  REQUIRE(p.source == "measured");
#if defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  // The rate only in optimized, uninstrumented builds: the asan preset's build (-O1,
  // sanitizers) read 0.024 FMAs per cycle, its loop timing the instrumentation. The
  // blocking it picks there costs speed, never bits.
  REQUIRE(p.per_cycle > 0.6);
  REQUIRE(p.per_cycle < 2.6);
#endif
#endif
  REQUIRE((p.ports == 1 || p.ports == 2));
  REQUIRE(p.ports == (p.per_cycle >= gemm_detail::kTwoPortsFrom ? 2u : 1u));
}
