// Nielsen's network (sigmoid, quadratic cost, plain SGD step), scalar kernels, seq execution.
#include "exec/sequential.hpp"
#include "kernels/scalar_kernels.hpp"
#include "model/mlp.hpp"
#include "train/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
using NielsenScalarSeq =
    VariantTypes<Mlp<Sigmoid, QuadraticCost>, Plain, ScalarKernels, Sequential>;
void register_nielsen_scalar_seq(Registry& r) {
  r.add(make_variant<NielsenScalarSeq>("nielsen/scalar/seq"));
}
}  // namespace sgdbench
