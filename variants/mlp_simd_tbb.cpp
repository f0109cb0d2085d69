// an MLP with ReLU hidden layers and softmax cross-entropy outputs: update rules plain,
// momentum, adam; simd kernels, tbb execution.
#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/update/adam.hpp"
#include "train/update/momentum.hpp"
#include "train/update/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
void register_mlp_simd_tbb(Registry& r) {
  using M = Mlp<Relu, CrossEntropyCost>;
  using K = SimdKernels<BestArch>;
  using E = TbbDeterministic;
  r.add(make_variant<VariantTypes<M, Plain, K, E>>("mlp/plain/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Momentum, K, E>>("mlp/momentum/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Adam, K, E>>("mlp/adam/simd/tbb"));
}
}  // namespace sgdbench
