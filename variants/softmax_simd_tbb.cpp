// softmax regression (multinomial logistic): update rules plain, momentum, nesterov, adagrad,
// rmsprop, adam, svrg, lbfgs; simd kernels, tbb execution.
#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "model/softmax.hpp"
#include "train/lbfgs.hpp"
#include "train/svrg.hpp"
#include "train/update/adagrad.hpp"
#include "train/update/adam.hpp"
#include "train/update/momentum.hpp"
#include "train/update/nesterov.hpp"
#include "train/update/plain.hpp"
#include "train/update/rmsprop.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
void register_softmax_simd_tbb(Registry& r) {
  using M = Softmax;
  using K = SimdKernels<BestArch>;
  using E = TbbDeterministic;
  r.add(make_variant<VariantTypes<M, Plain, K, E>>("softmax/plain/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Momentum, K, E>>("softmax/momentum/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Nesterov, K, E>>("softmax/nesterov/simd/tbb"));
  r.add(make_variant<VariantTypes<M, AdaGrad, K, E>>("softmax/adagrad/simd/tbb"));
  r.add(make_variant<VariantTypes<M, RmsProp, K, E>>("softmax/rmsprop/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Adam, K, E>>("softmax/adam/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Svrg, K, E>>("softmax/svrg/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Lbfgs, K, E>>("softmax/lbfgs/simd/tbb"));
}
}  // namespace sgdbench
