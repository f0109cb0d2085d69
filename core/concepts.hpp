#pragma once
// The contracts of the four policy axes a variant is compiled from (model, update, kernels,
// execution) and of the batching, which is not an axis: every SGD-family variant compiles
// both batchings (FullBatch, MiniBatches) and the run's batch size picks one at run time.
// A new member of an axis satisfies its concept; the variant that uses it checks so at
// compile time (variants/variant.hpp), and Trainer requires Batching of its batching.
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "exec/accumulator_pool.hpp"
#include "kernels/kernel_set.hpp"
#include "kernels/trans.hpp"
#include "model/rows.hpp"
#include "train/update/update_params.hpp"
#include "util/rng.hpp"

namespace sgdbench {

/// Kernels: a handful of static float kernels, row-major (BLIS-style: keep it tiny).
///   gemm(ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc): C = αop(A)op(B) + βC
///   gemv(ta, m, n, alpha, A, lda, x, beta, y): y = αop(A)x + βy
///   axpy(n, alpha, x, y): y += αx;   dot(n, x, y);   sigmoid(n, x), exp(n, x): in place
///   widen_bytes(bytes, n, scale, out): out = float(bytes) · scale (compact data sets)
/// beta == 0 never reads the output.
template <class K>
concept Kernels = requires(float* p, const float* c, const std::uint8_t* b, std::size_t n,
                           float s) {
  { K::name } -> std::convertible_to<std::string_view>;
  K::gemm(Trans::kNo, Trans::kYes, n, n, n, s, c, n, c, n, s, p, n);
  K::gemv(Trans::kNo, n, n, s, c, n, c, s, p);
  K::axpy(n, s, c, p);
  { K::dot(n, c, c) } -> std::same_as<float>;
  K::sigmoid(n, p);
  K::exp(n, p);
  K::widen_bytes(b, n, s, p);
};

namespace concept_probe {
// Stand-ins that the concepts below call the policies with: a policy that compiles but
// does not fit is then an error at its concept, not deep inside a trainer.
struct Acc {
  void reset() {}
};
struct Leaf {
  void operator()(std::size_t, Acc&) const {}
};
struct Join {
  void operator()(Acc&, const Acc&) const {}
};
struct RangeBody {
  void operator()(std::size_t, std::size_t) const {}
};
/// Declares the Kernels interface from the one member list every kernel set declares
/// (kernels/kernel_set.hpp), never defined: the concepts only name the calls.
struct ProbeKernels {
  static constexpr std::string_view name = "probe";
  SGDBENCH_KERNEL_SET_MEMBERS;
};
}  // namespace concept_probe

/// Execution: reduce(n_chunks, result, pool, leaf, join) adds every chunk into `result`
/// with leaf(i, acc), taking extra accumulators from `pool` and combining them with
/// join(into, from); for_ranges(n, grain, body) calls body(first, last) over [0, n) (on
/// its threads: gathering mini-batches). `deterministic` promises the same bits for any
/// thread count; `kernel_threads` caps the threads one kernel call may use
/// (kernels/kernel_threads.hpp).
template <class E>
concept Execution = requires(const E e, concept_probe::Acc& acc,
                             AccumulatorPool<concept_probe::Acc>& pool) {
  { E::name } -> std::convertible_to<std::string_view>;
  { E::deterministic } -> std::convertible_to<bool>;
  { E::collective } -> std::convertible_to<bool>;  // runs on every MPI rank together
  { E::kernel_threads } -> std::convertible_to<std::size_t>;
  e.reduce(std::size_t{}, acc, pool, concept_probe::Leaf{}, concept_probe::Join{});
  e.for_ranges(std::size_t{}, std::size_t{}, concept_probe::RangeBody{});
};

/// Model: built from run-time widths; parameters in one flat span; init(params, rng, Init);
/// per-chunk Workspace; accumulate_gradient<K>(params, rows, ws, grad, alpha = 1) adds
/// alpha·Σ∇C and returns ΣC, and may be given grad = params (the fused SGD step: it reads
/// every weight before it updates it); evaluate<K>(params, rows, ws) returns ΣC and the correct
/// predictions; kClassifier says whether rows carry labels (else real targets).
template <class M>
concept Model = std::constructible_from<M, std::vector<std::size_t>> &&
    requires(const M m, std::span<float> p, std::span<const float> cp, Rows rows, Rng& rng,
             typename M::Workspace& ws, float* grad) {
  { M::family() } -> std::convertible_to<std::string>;
  { M::kClassifier } -> std::convertible_to<bool>;
  { M::kDefaultInit } -> std::convertible_to<Init>;
  { m.num_params() } -> std::same_as<std::size_t>;
  { m.input_dim() } -> std::same_as<std::size_t>;
  m.init(p, rng, Init::kZero);
  m.reserve(ws, std::size_t{});
  {
    m.template accumulate_gradient<concept_probe::ProbeKernels>(cp, rows, ws, grad, 1.0f)
    } -> std::convertible_to<double>;
  m.template evaluate<concept_probe::ProbeKernels>(cp, rows, ws);
};

/// Update rule: its hyper-parameters declared in a static kHyperParams list (HyperParam:
/// name, default, range) and read from HyperParams when built; per-run state in a nested
/// State built from the number of parameters; apply<K>(state, StepInput{lr, 1/B, λ},
/// grad_sum, params) makes one step.
template <class U>
concept Update = std::constructible_from<U, HyperParams> &&
    std::constructible_from<typename U::State, std::size_t> &&
    requires(const U u, typename U::State& state, std::span<const float> g, std::span<float> w) {
  { U::name } -> std::convertible_to<std::string_view>;
  std::span<const HyperParam>(U::kHyperParams);
  u.template apply<concept_probe::ProbeKernels>(state, StepInput{}, g, w);
};

/// An update that can be fused into the backward pass (w += α∇C as each layer's gradient
/// is formed, no gradient buffer): it says so with kFusesIntoBackward = true, and Trainer
/// then takes the model's fused step when it is exact (no weight decay, one chunk).
template <class U>
concept FusesIntoBackward = Update<U> && requires {
  requires U::kFusesIntoBackward;
};

/// An algorithm that owns its loop (Svrg, Lbfgs, a new one): a tag naming its trainer,
/// Trainer<Model, Kernels, Exec>, the batchings it runs on ("mini", "full") and its
/// hyper-parameters. A variant whose update is such a tag runs that trainer; what it calls
/// on it (built from (model, TrainSpec), run(train, test, observe, validation) →
/// RunResult) is required where the real types are known, by RunsItsOwnLoop
/// (variants/variant.hpp).
template <class U>
concept OwnLoop = requires {
  { U::name } -> std::convertible_to<std::string_view>;
  // names the trainer (an alias is not instantiated here, so any types do)
  typename U::template Trainer<concept_probe::Acc, concept_probe::ProbeKernels, concept_probe::Acc>;
  { U::kBatchings[0] } -> std::convertible_to<std::string_view>;
  std::span<const HyperParam>(U::kHyperParams);
};

/// Batching (FullBatch, MiniBatches; chosen at run time, not an axis of the variant): built
/// from (train set, rows per batch, seed); steps_per_epoch(); begin_epoch() reorders;
/// batch(step, for_ranges) gives the rows of that step, gathered with the execution
/// policy's for_ranges. Trainer requires it of its batching parameter.
template <class B>
concept Batching = requires(B b, std::size_t i) {
  { B::name } -> std::convertible_to<std::string_view>;
  { b.steps_per_epoch() } -> std::same_as<std::size_t>;
  b.begin_epoch();
  { b.batch(i) } -> std::same_as<Rows>;
  {
    b.batch(i, [](std::size_t, std::size_t, const auto&) {})
    } -> std::same_as<Rows>;
};

}  // namespace sgdbench
