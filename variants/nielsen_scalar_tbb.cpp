// Nielsen's network (sigmoid, quadratic cost, plain SGD step), scalar kernels, tbb execution.
#include "exec/tbb_deterministic.hpp"
#include "kernels/scalar_kernels.hpp"
#include "model/mlp.hpp"
#include "train/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
using NielsenScalarTbb =
    VariantTypes<Mlp<Sigmoid, QuadraticCost>, Plain, ScalarKernels, TbbDeterministic>;
void register_nielsen_scalar_tbb(Registry& r) {
  r.add(make_variant<NielsenScalarTbb>("nielsen/scalar/tbb"));
}
}  // namespace sgdbench
