#pragma once
// GradientEngine<Model, Kernels, Exec>: the summed gradient of a batch and the loss of a
// data set, split into chunks of `chunk_rows` rows that Exec reduces (Sequential: in
// order; TbbDeterministic: a fixed parallel tree; TbbFast: whatever TBB steals). Every
// training algorithm (SGD family, SVRG, L-BFGS) is built on it.
#include <algorithm>
#include <cstddef>
#include <span>

#include "data/dataset.hpp"
#include "exec/accumulator_pool.hpp"
#include "kernels/kernel_threads.hpp"
#include "model/rows.hpp"
#include "util/aligned_buffer.hpp"

namespace sgdbench {

template <class Model, class K, class Exec>
class GradientEngine {
 public:
  GradientEngine(const Model& model, std::size_t chunk_rows)
      : model_(model),
        chunk_(std::max<std::size_t>(chunk_rows, 1)),
        grad_pool_([this] { return make_grad_acc(); }),
        eval_pool_([] { return EvalAcc{}; }) {
    root_ = make_grad_acc();
  }
  GradientEngine(const GradientEngine&) = delete;  // the pools hold `this`
  GradientEngine& operator=(const GradientEngine&) = delete;

  const Model& model() const { return model_; }

  /// Σ_rows ∇C into grad() (overwritten); returns Σ_rows C.
  double gradient(std::span<const float> params, Rows batch) {
    const KernelThreadLimit limit(Exec::kernel_threads);
    root_.reset();
    const std::size_t n = chunks(batch.count);
    auto leaf = [&](std::size_t i, GradAcc& acc) {
      const Rows next = i + 1 < n ? slice(batch, (i + 1) * chunk_) : Rows{};
      acc.loss += accumulate(params, slice(batch, i * chunk_), acc.ws, acc.wide, acc.grad.data(),
                             1.0f, next);
    };
    auto join = [](GradAcc& into, const GradAcc& from) {
      K::axpy(into.grad.size(), 1.0f, from.grad.data(), into.grad.data());
      into.loss += from.loss;
    };
    exec_.reduce(n, root_, grad_pool_, leaf, join);
    return root_.loss;
  }
  std::span<const float> grad() const { return root_.grad.span(); }

  /// The fused SGD step for a batch of at most chunk_rows() rows (one chunk, so the same
  /// bits on any thread count): params += alpha · Σ_rows ∇C straight into the parameters,
  /// with no gradient buffer to clear, fill and read back. Returns Σ_rows C.
  double step_in_place(std::span<float> params, Rows batch, float alpha) {
    const KernelThreadLimit limit(Exec::kernel_threads);
    return accumulate(params, batch, root_.ws, root_.wide, params.data(), alpha);
  }
  std::size_t chunk_rows() const { return chunk_; }
  /// The execution policy's for_ranges (gathering mini-batches on its threads).
  template <class Body>
  void for_ranges(std::size_t n, std::size_t grain, const Body& body) const {
    exec_.for_ranges(n, grain, body);
  }

  /// Σ C and correct predictions over a whole data set.
  EvalSums evaluate(std::span<const float> params, const Dataset& data) {
    const KernelThreadLimit limit(Exec::kernel_threads);
    EvalAcc total;
    const Rows all = data.all_rows();
    auto leaf = [&](std::size_t i, EvalAcc& acc) {
      const EvalSums s =
          model_.template evaluate<K>(params, as_floats(slice(all, i * chunk_), acc.wide), acc.ws);
      acc.sums.loss += s.loss;
      acc.sums.correct += s.correct;
    };
    auto join = [](EvalAcc& into, const EvalAcc& from) {
      into.sums.loss += from.sums.loss;
      into.sums.correct += from.sums.correct;
    };
    exec_.reduce(chunks(all.count), total, eval_pool_, leaf, join);
    return total.sums;
  }

 private:
  using Workspace = typename Model::Workspace;
  struct GradAcc {
    AlignedBuffer<float> grad;
    double loss = 0.0;
    Workspace ws;
    AlignedBuffer<float> wide;  // a compact chunk widened to floats
    void reset() {
      grad.fill_zero();
      loss = 0.0;
    }
    /// The reduced fields as bytes (what the mpi policy sends between ranks).
    template <class F>
    void for_each_field(F&& f) {
      f(std::as_writable_bytes(std::span<float>(grad.data(), grad.size())));
      f(std::as_writable_bytes(std::span<double>(&loss, 1)));
    }
  };
  struct EvalAcc {
    EvalSums sums;
    Workspace ws;
    AlignedBuffer<float> wide;
    void reset() { sums = {}; }
    template <class F>
    void for_each_field(F&& f) {
      f(std::as_writable_bytes(std::span<EvalSums>(&sums, 1)));
    }
  };

  GradAcc make_grad_acc() const {
    GradAcc acc;
    acc.grad.resize(model_.num_params());
    return acc;
  }
  std::size_t chunks(std::size_t rows) const { return rows / chunk_ + (rows % chunk_ != 0); }
  Rows slice(Rows r, std::size_t begin) const {
    const std::size_t d = model_.input_dim();
    return {r.x == nullptr ? nullptr : r.x + begin * d,
            r.y == nullptr ? nullptr : r.y + begin,
            std::min(chunk_, r.count - begin),
            r.target == nullptr ? nullptr : r.target + begin,
            r.x8 == nullptr ? nullptr : r.x8 + begin * d,
            r.x8_scale};
  }
  /// Adds alpha · Σ_rows ∇C into g: compact rows in one pass where the model and kernel
  /// set offer it (softmax regression on SimdKernels: Mlp::accumulate_gradient_one_pass;
  /// `next`, the chunk after these, is prefetched), else widened into `wide` first.
  double accumulate(std::span<const float> params, Rows rows, Workspace& ws,
                    AlignedBuffer<float>& wide, float* g, float alpha = 1.0f,
                    Rows next = {}) const {
    if constexpr (requires {
                    model_.template accumulate_gradient_one_pass<K>(params, rows, ws, g, alpha,
                                                                    next);
                  }) {
      if (const auto loss =
              model_.template accumulate_gradient_one_pass<K>(params, rows, ws, g, alpha, next)) {
        return *loss;
      }
    }
    return model_.template accumulate_gradient<K>(params, as_floats(rows, wide), ws, g, alpha);
  }
  /// The rows as floats: compact (byte) rows widened into `buf`, once per chunk, where
  /// the chunk then stays in cache for the forward and the backward pass.
  Rows as_floats(Rows r, AlignedBuffer<float>& buf) const {
    if (r.x8 == nullptr) return r;
    const std::size_t n = r.count * model_.input_dim();
    if (buf.size() < n) buf.resize(std::max(n, chunk_ * model_.input_dim()));
    K::widen_bytes(r.x8, n, r.x8_scale, buf.data());
    r.x = buf.data();
    r.x8 = nullptr;
    return r;
  }

  Model model_;
  std::size_t chunk_;
  Exec exec_{};
  GradAcc root_;
  AccumulatorPool<GradAcc> grad_pool_;
  AccumulatorPool<EvalAcc> eval_pool_;
};

}  // namespace sgdbench
