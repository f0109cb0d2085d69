#pragma once
// Output layers and costs of Mlp. output_layer<Act, K> turns the output pre-activations
// Z_L (R rows × n, in place) into the outputs A_L, returns Σ_rows C, writes
// δ_L = ∂C/∂Z_L when `delta` is not null and counts rows whose largest output is the
// label when `correct` is not null.
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sgdbench {

inline bool argmax_is(const float* a, std::size_t n, std::uint8_t label) {
  return static_cast<std::size_t>(std::max_element(a, a + n) - a) == label;
}

/// Rows taken this many at a time where each row's result is a chain of n dependent
/// operations (its largest value, its sum): one row at a time the chains ran back to
/// back, each operation waiting for the last (perf, softmax full batch, Intel Xeon family
/// 6 model 167: the two chains were half of CrossEntropyCost::output_layer). A block's
/// chains overlap. Each row's operations and their order are unchanged, so are the bits.
inline constexpr std::size_t kChainRows = 8;

/// m[b] = the largest z of row b (rows n apart), compared as std::max_element does
/// (m < z_j), for b < NB, or b < nb when NB is 0 (the last rows mod kChainRows). A select,
/// not an if, which GCC compiled into compares and branches.
template <std::size_t NB>
void row_maxima_block(std::size_t nb, std::size_t n, const float* z, float* m) {
  const std::size_t count = NB == 0 ? nb : NB;
  float block[kChainRows] = {};
  for (std::size_t b = 0; b < count; ++b) block[b] = z[b * n];
  for (std::size_t j = 1; j < n; ++j) {
    for (std::size_t b = 0; b < count; ++b) {
      const float v = z[b * n + j];
      block[b] = block[b] < v ? v : block[b];
    }
  }
  std::copy_n(block, count, m);
}

/// sums[b] = Σ_j p[b·n + j] in double, from 0 in the order of j, for rows b < NB (or nb).
template <std::size_t NB>
void row_sums_block(std::size_t nb, std::size_t n, const float* p, double* sums) {
  const std::size_t count = NB == 0 ? nb : NB;
  double block[kChainRows] = {};
  for (std::size_t j = 0; j < n; ++j) {
    for (std::size_t b = 0; b < count; ++b) block[b] += p[b * n + j];
  }
  std::copy_n(block, count, sums);
}

/// Each row's largest value (m) and, after exp, its sum (sums): kChainRows rows at a time
/// (a compile-time count), then the last rows mod kChainRows as one block.
inline void row_maxima(std::size_t rows, std::size_t n, const float* z, float* m) {
  std::size_t r = 0;
  for (; r + kChainRows <= rows; r += kChainRows)
    row_maxima_block<kChainRows>(kChainRows, n, z + r * n, m + r);
  if (r < rows) row_maxima_block<0>(rows - r, n, z + r * n, m + r);
}
inline void row_sums(std::size_t rows, std::size_t n, const float* p, double* sums) {
  std::size_t r = 0;
  for (; r + kChainRows <= rows; r += kChainRows)
    row_sums_block<kChainRows>(kChainRows, n, p + r * n, sums + r);
  if (r < rows) row_sums_block<0>(rows - r, n, p + r * n, sums + r);
}

/// C = ½ Σ_j (a_j − y_j)², y one-hot, a = σ(z) with the hidden activation σ
/// (Nielsen, chapter 1); δ_L = (a − y) ⊙ σ'(z).
struct QuadraticCost {
  static constexpr std::string_view name = "quadratic";

  template <class Act, class K>
  static double output_layer(std::size_t rows, std::size_t n, float* z, const std::uint8_t* labels,
                             float* delta, std::size_t* correct) {
    Act::template apply<K>(rows * n, z);
    double loss = 0.0;
    for (std::size_t r = 0; r < rows; ++r) {
      const float* a = z + r * n;
      for (std::size_t j = 0; j < n; ++j) {
        const float diff = a[j] - (j == labels[r] ? 1.0f : 0.0f);
        loss += 0.5 * static_cast<double>(diff) * diff;
        if (delta != nullptr) delta[r * n + j] = diff * Act::derivative_from_output(a[j]);
      }
      if (correct != nullptr) *correct += argmax_is(a, n, labels[r]);
    }
    return loss;
  }
};

/// Softmax outputs with the log-likelihood cost C = −log p_y, computed through a stable
/// log-sum-exp: C = log Σ_j e^{z_j − m} − (z_y − m), m = max_j z_j; δ_L = p − y
/// (multinomial logistic regression; Nielsen, chapter 3).
struct CrossEntropyCost {
  static constexpr std::string_view name = "cross_entropy";

  template <class Act, class K>
  static double output_layer(std::size_t rows, std::size_t n, float* z, const std::uint8_t* labels,
                             float* delta, std::size_t* correct) {
    thread_local std::vector<float> shifted_label_logit;
    thread_local std::vector<double> row_sum;
    thread_local std::vector<float> row_max;
    shifted_label_logit.resize(rows);
    row_sum.resize(rows);
    row_max.resize(rows);
    row_maxima(rows, n, z, row_max.data());
    for (std::size_t r = 0; r < rows; ++r) {
      float* zr = z + r * n;
      if (correct != nullptr) *correct += argmax_is(zr, n, labels[r]);
      const float m = row_max[r];
      for (std::size_t j = 0; j < n; ++j) zr[j] -= m;
      shifted_label_logit[r] = zr[labels[r]];
    }
    K::exp(rows * n, z);
    // One loop per step, each over all rows (the sums kChainRows rows at a time, so their
    // chains of n dependent adds overlap; so can the log calls and divisions), and δ = p − y as p
    // copied, then 1 taken from the label's entry (p − 0 is p: no flush-to-zero anywhere in the
    // build). Same operations on the same values in the same order. AMD EPYC, softmax's output
    // layer over 60,000 rows of 10 in chunks of 256, one program: 1.67-2.05 -> 1.24-1.41 ms, with
    // identical outputs, δ and loss.
    row_sums(rows, n, z, row_sum.data());
    double loss = 0.0;
    for (std::size_t r = 0; r < rows; ++r) loss += std::log(row_sum[r]) - shifted_label_logit[r];
    for (std::size_t r = 0; r < rows; ++r) {
      float* p = z + r * n;
      const auto inv = static_cast<float>(1.0 / row_sum[r]);
      for (std::size_t j = 0; j < n; ++j) p[j] *= inv;
    }
    if (delta != nullptr) {
      std::copy_n(z, rows * n, delta);
      // labels[r] < n: the loaders keep labels below the class count, and a sweep checks
      // the output width against it (bench/sweep/checks.cpp).
      for (std::size_t r = 0; r < rows; ++r) {
        assert(labels[r] < n);
        delta[r * n + labels[r]] -= 1.0f;
      }
    }
    return loss;
  }
};

}  // namespace sgdbench
