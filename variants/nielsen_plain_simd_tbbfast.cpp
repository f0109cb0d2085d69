// Nielsen's network (sigmoid, quadratic cost): update rules plain; simd kernels, tbbfast execution.
#include "exec/tbb_fast.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/update/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
void register_nielsen_plain_simd_tbbfast(Registry& r) {
  using M = Mlp<Sigmoid, QuadraticCost>;
  using K = SimdKernels<BestArch>;
  using E = TbbFast;
  r.add(make_variant<VariantTypes<M, Plain, K, E>>("nielsen/plain/simd/tbbfast"));
}
}  // namespace sgdbench
