// Nielsen's network (sigmoid, quadratic cost): update rules momentum, adam; simd kernels, tbb
// execution.
#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/update/adam.hpp"
#include "train/update/momentum.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
void register_nielsen_rules_simd_tbb(Registry& r) {
  using M = Mlp<Sigmoid, QuadraticCost>;
  using K = SimdKernels<BestArch>;
  using E = TbbDeterministic;
  r.add(make_variant<VariantTypes<M, Momentum, K, E>>("nielsen/momentum/simd/tbb"));
  r.add(make_variant<VariantTypes<M, Adam, K, E>>("nielsen/adam/simd/tbb"));
}
}  // namespace sgdbench
