// linear least squares: update rules plain, momentum, adam, svrg, lbfgs; simd kernels, tbb
// execution.
#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/lsq.hpp"
#include "train/lbfgs.hpp"
#include "train/svrg.hpp"
#include "train/update/adam.hpp"
#include "train/update/momentum.hpp"
#include "train/update/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
void register_lsq_simd_tbb(Registry& r) {
  using M = Lsq;
  using K = SimdKernels<BestArch>;
  using E = TbbDeterministic;
  r.add(make_variant<VariantTypes<M, Plain, K, E>>("lsq/plain/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Momentum, K, E>>("lsq/momentum/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Adam, K, E>>("lsq/adam/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Svrg, K, E>>("lsq/svrg/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Lbfgs, K, E>>("lsq/lbfgs/simd/tbb"));
}
}  // namespace sgdbench
