// Nielsen's network (sigmoid, quadratic cost): update rules plain; blas kernels, tbb execution.
#include "exec/tbb_deterministic.hpp"
#include "kernels/blas_kernels.hpp"
#include "model/mlp.hpp"
#include "train/update/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
void register_nielsen_plain_blas_tbb(Registry& r) {
  using M = Mlp<Sigmoid, QuadraticCost>;
  using K = BlasKernels;
  using E = TbbDeterministic;
  r.add(make_variant<VariantTypes<M, Plain, K, E>>("nielsen/plain/blas/tbb"));
}
}  // namespace sgdbench
