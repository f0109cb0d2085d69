// Nielsen's network (sigmoid, quadratic cost, plain SGD step), simd kernels, tbb execution.
#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
using NielsenSimdTbb =
    VariantTypes<Mlp<Sigmoid, QuadraticCost>, Plain, SimdKernels<BestArch>, TbbDeterministic>;
void register_nielsen_simd_tbb(Registry& r) {
  r.add(make_variant<NielsenSimdTbb>("nielsen/simd/tbb"));
}
}  // namespace sgdbench
