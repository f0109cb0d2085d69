#pragma once
// The contracts of the five policy axes (model, update, kernels, execution, batching).
// A new member of an axis satisfies its concept; the variant that uses it checks so at
// compile time (variants/variant.hpp).
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "exec/accumulator_pool.hpp"
#include "kernels/trans.hpp"
#include "model/rows.hpp"
#include "train/update/update_params.hpp"
#include "util/rng.hpp"

namespace sgdbench {

/// Kernels: a handful of static float kernels, row-major (BLIS-style: keep it tiny).
///   gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc): C = αop(A)op(B) + βC
///   gemv(ta, m, n, alpha, A, lda, x, beta, y): y = αop(A)x + βy
///   axpy(n, alpha, x, y): y += αx;   dot(n, x, y);   sigmoid(n, x), exp(n, x): in place
/// beta == 0 never reads the output.
template <class K>
concept Kernels = requires(float* p, const float* c, std::size_t n, float s) {
  { K::name } -> std::convertible_to<std::string_view>;
  K::gemm(Trans::kNo, Trans::kYes, n, n, n, s, c, n, c, n, s, p, n);
  K::gemv(Trans::kNo, n, n, s, c, n, c, s, p);
  K::axpy(n, s, c, p);
  { K::dot(n, c, c) } -> std::same_as<float>;
  K::sigmoid(n, p);
  K::exp(n, p);
};

namespace concept_probe {
struct Acc {
  void reset() {}
};
struct Leaf {
  void operator()(std::size_t, Acc&) const {}
};
struct Join {
  void operator()(Acc&, const Acc&) const {}
};
}  // namespace concept_probe

/// Execution: reduce(n_chunks, result, pool, leaf, join) adds every chunk into `result`
/// with leaf(i, acc), taking extra accumulators from `pool` and combining them with
/// join(into, from). `deterministic` promises the same bits for any thread count.
template <class E>
concept Execution = requires(const E e, concept_probe::Acc& acc,
                             AccumulatorPool<concept_probe::Acc>& pool) {
  { E::name } -> std::convertible_to<std::string_view>;
  { E::deterministic } -> std::convertible_to<bool>;
  e.reduce(std::size_t{}, acc, pool, concept_probe::Leaf{}, concept_probe::Join{});
};

/// Model: built from run-time widths; parameters in one flat span; init(params, rng, Init);
/// per-chunk Workspace; accumulate_gradient<K>(params, rows, ws, grad, alpha = 1) adds
/// alpha·Σ∇C and returns ΣC, and may be given grad = params (the fused SGD step: it reads
/// every weight before it updates it); evaluate<K>(params, rows, ws) returns ΣC and the correct
/// predictions; kClassifier says whether rows carry labels (else real targets).
template <class M>
concept Model = std::constructible_from<M, std::vector<std::size_t>> &&
    requires(const M m, std::span<float> p, Rng& rng, typename M::Workspace& ws) {
  { M::family() } -> std::convertible_to<std::string>;
  { M::kClassifier } -> std::convertible_to<bool>;
  { M::kDefaultInit } -> std::convertible_to<Init>;
  { m.num_params() } -> std::same_as<std::size_t>;
  { m.input_dim() } -> std::same_as<std::size_t>;
  m.init(p, rng, Init::kZero);
  m.reserve(ws, std::size_t{});
};

/// Update rule: hyper-parameters in the object (built from UpdateParams), per-run state in
/// a nested State built from the number of parameters;
/// apply<K>(state, StepInput{lr, 1/B, λ}, grad_sum, params).
template <class U>
concept Update = requires {
  { U::name } -> std::convertible_to<std::string_view>;
  typename U::State;
}
&&std::constructible_from<typename U::State, std::size_t>&&
    std::constructible_from<U, UpdateParams>;

/// An algorithm with its own loop (Svrg, Lbfgs): a tag with kAlgorithm = true.
template <class U>
concept Algorithm = requires {
  { U::name } -> std::convertible_to<std::string_view>;
  requires U::kAlgorithm;
};

/// Batching: built from (train set, batch size, seed); steps_per_epoch(); begin_epoch()
/// reorders; batch(step) gives the rows of that step.
template <class B>
concept Batching = requires(B b, std::size_t i) {
  { B::name } -> std::convertible_to<std::string_view>;
  { b.steps_per_epoch() } -> std::same_as<std::size_t>;
  b.begin_epoch();
  { b.batch(i) } -> std::same_as<Rows>;
};

}  // namespace sgdbench
