// Nielsen's network (sigmoid, quadratic cost): update rules plain; simd kernels, seq execution.
#include "exec/sequential.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/update/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
void register_nielsen_plain_simd_seq(Registry& r) {
  using M = Mlp<Sigmoid, QuadraticCost>;
  using K = SimdKernels<BestArch>;
  using E = Sequential;
  r.add(make_variant<VariantTypes<M, Plain, K, E>>("nielsen/plain/simd/seq"));
}
}  // namespace sgdbench
