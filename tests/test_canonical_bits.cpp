// The same bits on every instruction set (kernels/simd_canon.hpp): every SimdKernels the
// build compiles (AVX-512, AVX2, SSE4.2 with FMA) against the build's best, bit for bit, on
// every kernel with tails and on every GEMM path, and whole training steps of each model
// family; the dot product against the canonical order written out in scalar code, so that
// a build without AVX-512 is held to AVX-512's order too.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <vector>

#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_canon.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "model/softmax.hpp"
#include "test_helpers.hpp"
#include "train/batching.hpp"
#include "train/trainer.hpp"
#include "train/update/plain.hpp"

namespace sgdbench {
namespace {

using Best = SimdKernels<BestArch>;

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// The first index where a and b differ in bits, for the failure message.
std::size_t first_difference(const std::vector<float>& a, const std::vector<float>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (std::bit_cast<std::uint32_t>(a[i]) != std::bit_cast<std::uint32_t>(b[i])) return i;
  }
  return a.size();
}

/// Σ x_i y_i in the canonical order, in scalar code: four accumulators of 16 lanes over
/// blocks of 64, whole 16s left into the first, lanes combined (s0 + s1) + (s2 + s3), the
/// AVX-512 hadd tree, then the scalar tail.
float canonical_dot(std::size_t n, const float* x, const float* y) {
  float s[4][16] = {};
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    for (std::size_t v = 0; v < 4; ++v) {
      for (std::size_t l = 0; l < 16; ++l)
        s[v][l] = std::fma(x[i + v * 16 + l], y[i + v * 16 + l], s[v][l]);
    }
  }
  for (; i + 16 <= n; i += 16) {
    for (std::size_t l = 0; l < 16; ++l) s[0][l] = std::fma(x[i + l], y[i + l], s[0][l]);
  }
  float lanes[16], h[8], t[4];
  for (std::size_t l = 0; l < 16; ++l) lanes[l] = (s[0][l] + s[1][l]) + (s[2][l] + s[3][l]);
  for (std::size_t l = 0; l < 8; ++l) h[l] = lanes[l + 8] + lanes[l];
  for (std::size_t l = 0; l < 4; ++l) t[l] = h[l] + h[l + 4];
  float sum = (t[0] + t[1]) + (t[2] + t[3]);
  for (; i < n; ++i) sum = std::fma(x[i], y[i], sum);
  return sum;
}

/// One product through SimdKernels<A>::gemm: C from a seeded start.
template <class K>
std::vector<float> gemm_of(Trans ta, Trans tb, std::size_t m, std::size_t n, std::size_t k,
                           float alpha, float beta) {
  const auto a = test::random_vector(m * k, 11 + m), b = test::random_vector(k * n, 12 + n);
  std::vector<float> c = test::random_vector(m * n, 13 + k);
  const std::size_t lda = ta == Trans::kNo ? k : m, ldb = tb == Trans::kNo ? n : k;
  K::gemm(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(), n);
  return c;
}

template <class Arch>
void check_gemm_against_best() {
  using K = SimdKernels<Arch>;
  // Shapes that take every path: one row (gemv), k = 1 (rank 1), the dot tiles (few rows or
  // few columns), the broadcast panel (≥ 96 rows, 17-32 columns), the rank-1 blocks (Aᵀ·B
  // with ≤ 32 rows) and the packed path with edge rows (m mod 8) and edge columns (n mod
  // 32), k across KC blocks; k mod 16 ≠ 0 gives the dot tiles a scalar tail.
  const std::tuple<std::size_t, std::size_t, std::size_t> shapes[] = {
      {1, 37, 50},    {23, 1, 1},     {5, 7, 3},      {9, 30, 784},  {100, 30, 784},
      {97, 17, 33},   {256, 10, 784}, {30, 784, 100}, {10, 77, 256}, {31, 45, 19},
      {70, 130, 300}, {133, 81, 517}, {96, 64, 64},   {200, 100, 30}};
  for (const auto& [m, n, k] : shapes) {
    for (const Trans ta : {Trans::kNo, Trans::kYes}) {
      for (const Trans tb : {Trans::kNo, Trans::kYes}) {
        for (const auto& [alpha, beta] : {std::pair{1.0f, 0.0f}, std::pair{-0.37f, 1.0f},
                                          std::pair{1.0f, 1.0f}, std::pair{0.5f, 0.6f}}) {
          const auto got = gemm_of<K>(ta, tb, m, n, k, alpha, beta);
          const auto want = gemm_of<Best>(ta, tb, m, n, k, alpha, beta);
          INFO(Arch::name() << " against " << BestArch::name() << ": " << m << "x" << n << "x" << k
                            << " ta " << (ta == Trans::kYes) << " tb " << (tb == Trans::kYes)
                            << " alpha " << alpha << " beta " << beta << ", first difference at "
                            << first_difference(got, want));
          REQUIRE(same_bits(got, want));
        }
      }
    }
  }
}

template <class Arch>
void check_level1_against_best() {
  using K = SimdKernels<Arch>;
  for (const std::size_t n : {0, 1, 5, 8, 15, 16, 17, 31, 33, 63, 64, 65, 100, 129, 784, 1000}) {
    INFO(Arch::name() << ", n = " << n);
    const auto x = test::random_vector(n, 21 + n), y = test::random_vector(n, 22 + n);
    const float d = K::dot(n, x.data(), y.data());
    REQUIRE(std::bit_cast<std::uint32_t>(d) ==
            std::bit_cast<std::uint32_t>(Best::dot(n, x.data(), y.data())));
    REQUIRE(std::bit_cast<std::uint32_t>(d) ==
            std::bit_cast<std::uint32_t>(canonical_dot(n, x.data(), y.data())));
    auto ya = y, yb = y;
    K::axpy(n, -0.3f, x.data(), ya.data());
    Best::axpy(n, -0.3f, x.data(), yb.data());
    REQUIRE(same_bits(ya, yb));
    for (const Trans t : {Trans::kNo, Trans::kYes}) {
      const std::size_t rows = 7, cols = n;
      const auto a = test::random_vector(rows * cols, 23 + n);
      const auto v = test::random_vector(t == Trans::kNo ? cols : rows, 24 + n);
      std::vector<float> ga = test::random_vector(t == Trans::kNo ? rows : cols, 25), gb = ga;
      K::gemv(t, rows, cols, 0.8f, a.data(), cols, v.data(), 0.5f, ga.data());
      Best::gemv(t, rows, cols, 0.8f, a.data(), cols, v.data(), 0.5f, gb.data());
      REQUIRE(same_bits(ga, gb));
    }
    auto sa = test::random_vector(n, 26 + n);
    for (auto& s : sa) s *= 40.0f;  // saturated and near-zero sigmoids alike
    auto sb = sa, ea = sa, eb = sa;
    K::sigmoid(n, sa.data());
    Best::sigmoid(n, sb.data());
    REQUIRE(same_bits(sa, sb));
    K::exp(n, ea.data());
    Best::exp(n, eb.data());
    REQUIRE(same_bits(ea, eb));
    std::vector<std::uint8_t> bytes(n);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>(i * 37 + 11);
    std::vector<float> wa(n), wb(n);
    K::widen_bytes(bytes.data(), n, 1.0f / 255.0f, wa.data());
    Best::widen_bytes(bytes.data(), n, 1.0f / 255.0f, wb.data());
    REQUIRE(same_bits(wa, wb));
  }
}

/// exp and σ over every 61st float bit pattern (70 million values: all exponents, both
/// signs, subnormals, infinities and NaNs), against the build's best arch.
template <class Arch>
void check_elementary_functions_against_best() {
  constexpr std::size_t kChunk = 1 << 16;
  std::vector<float> x(kChunk), ea(kChunk), eb(kChunk), sa(kChunk), sb(kChunk);
  std::uint64_t bits = 0, mismatches = 0, nan_mismatches = 0;
  while (bits <= 0xFFFFFFFFull) {
    for (auto& v : x) {
      v = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
      bits += 61;
    }
    ea = eb = sa = sb = x;
    SimdKernels<Arch>::exp(kChunk, ea.data());
    Best::exp(kChunk, eb.data());
    SimdKernels<Arch>::sigmoid(kChunk, sa.data());
    Best::sigmoid(kChunk, sb.data());
    for (std::size_t i = 0; i < kChunk; ++i) {
      for (const auto& [p, q] : {std::pair{ea[i], eb[i]}, std::pair{sa[i], sb[i]}}) {
        if (std::isnan(p) || std::isnan(q)) {
          nan_mismatches += std::isnan(p) != std::isnan(q);
        } else {
          mismatches += std::bit_cast<std::uint32_t>(p) != std::bit_cast<std::uint32_t>(q);
        }
      }
    }
  }
  INFO(Arch::name() << " against " << BestArch::name());
  REQUIRE(mismatches == 0);
  REQUIRE(nan_mismatches == 0);
}

Dataset random_dataset(std::size_t rows, std::size_t cols, bool compact) {
  Dataset d;
  d.rows = rows;
  d.cols = cols;
  d.classes = 10;
  Rng rng(77);
  if (compact) {
    d.x8_scale = 1.0f / 255.0f;
    d.x8.resize(rows * cols);
    for (std::size_t i = 0; i < rows * cols; ++i)
      d.x8[i] = static_cast<std::uint8_t>(rng.below(256));
  } else {
    d.x.resize(rows * cols);
    for (std::size_t i = 0; i < rows * cols; ++i) d.x[i] = static_cast<float>(rng.uniform());
  }
  for (std::size_t r = 0; r < rows; ++r) d.y.push_back(static_cast<std::uint8_t>(rng.below(10)));
  return d;
}

/// Weights and per-step losses after `steps` mini-batch steps of B rows on 2 threads.
template <class Net, class K>
std::pair<std::vector<float>, std::vector<double>> train(const Net& net, const Dataset& data,
                                                         std::size_t batch, float lr,
                                                         std::size_t steps) {
  TrainSpec spec;
  spec.batch = *BatchSize::of(batch);
  spec.chunk_rows = 256;  // the broadcast panel and the packed forward need >= 96 rows
  spec.lr = lr;
  spec.seed = 5;
  std::vector<double> losses;
  std::vector<float> w;
  tbb::task_arena arena(2);
  arena.execute([&] {
    Trainer<Net, Plain, MiniBatches, K, TbbDeterministic> trainer(net, spec);
    MiniBatches batches(data, batch, spec.seed);
    for (std::size_t s = 0; s < steps; ++s) {
      if (s % batches.steps_per_epoch() == 0) batches.begin_epoch();
      losses.push_back(trainer.step(batches.batch(s % batches.steps_per_epoch())));
    }
    w.assign(trainer.params().begin(), trainer.params().end());
  });
  return {w, losses};
}

template <class Arch, class Net>
void check_training_against_best(const Net& net, const Dataset& data, std::size_t batch, float lr) {
  const auto [w, losses] = train<Net, SimdKernels<Arch>>(net, data, batch, lr, 12);
  const auto [w_best, losses_best] = train<Net, Best>(net, data, batch, lr, 12);
  INFO(Arch::name() << " against " << BestArch::name() << ", B = " << batch
                    << ", first weight that differs: " << first_difference(w, w_best));
  REQUIRE(same_bits(w, w_best));
  REQUIRE(std::memcmp(losses.data(), losses_best.data(), losses.size() * sizeof(double)) == 0);
  // Not vacuous: the weights moved.
  Rng rng(5, Stream::kInit);
  std::vector<float> start(w.size());
  net.init(start, rng, Net::kDefaultInit);
  REQUIRE(!same_bits(w, start));
}

}  // namespace

TEST_CASE("unit_canonical_dot_in_scalar_code_is_the_simd_dot", "[kernels][determinism]") {
  for (const std::size_t n : {0, 3, 16, 17, 64, 65, 100, 784, 1023}) {
    const auto x = test::random_vector(n, 31 + n), y = test::random_vector(n, 32 + n);
    INFO("n = " << n);
    REQUIRE(std::bit_cast<std::uint32_t>(Best::dot(n, x.data(), y.data())) ==
            std::bit_cast<std::uint32_t>(canonical_dot(n, x.data(), y.data())));
  }
}

TEMPLATE_LIST_TEST_CASE("unit_every_arch_gives_the_best_archs_gemm_bits_on_every_path",
                        "[kernels][determinism]", EnabledArchs) {
  check_gemm_against_best<TestType>();
}

TEMPLATE_LIST_TEST_CASE("unit_every_arch_gives_the_best_archs_level1_bits_including_tails",
                        "[kernels][determinism]", EnabledArchs) {
  check_level1_against_best<TestType>();
}

TEMPLATE_LIST_TEST_CASE("unit_exp_gives_avx512s_bits", "[kernels][determinism]", EnabledArchs) {
  check_elementary_functions_against_best<TestType>();
}

TEMPLATE_LIST_TEST_CASE("unit_every_arch_trains_every_model_family_to_the_same_bits",
                        "[kernels][determinism]", EnabledArchs) {
  const Dataset floats = random_dataset(400, 70, false), bytes = random_dataset(600, 100, true);
  // Nielsen's shape at small width: the broadcast panel (B = 100, 30 hidden), the dot
  // tiles (B = 10) and pure SGD (B = 1).
  const Mlp<Sigmoid, QuadraticCost> nielsen({70, 30, 10});
  for (const std::size_t b : {1, 10, 100})
    check_training_against_best<TestType>(nielsen, floats, b, 3.0f);
  // Softmax on bytes: the one-pass kernel on 256-row chunks.
  check_training_against_best<TestType>(Softmax({100, 10}), bytes, 300, 0.5f);
  // A wider MLP: the packed path with edge rows and columns, ReLU and tanh epilogues.
  check_training_against_best<TestType>(Mlp<Relu, CrossEntropyCost>({70, 90, 40, 10}), floats, 130,
                                        0.05f);
  check_training_against_best<TestType>(Mlp<Tanh, CrossEntropyCost>({70, 90, 10}), floats, 200,
                                        0.05f);
}

}  // namespace sgdbench
