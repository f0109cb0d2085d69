// Nielsen's network (sigmoid, quadratic cost, plain SGD step), simd kernels, seq execution.
#include "exec/sequential.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/plain.hpp"
#include "variants/variant.hpp"

namespace sgdbench {
using NielsenSimdSeq =
    VariantTypes<Mlp<Sigmoid, QuadraticCost>, Plain, SimdKernels<BestArch>, Sequential>;
void register_nielsen_simd_seq(Registry& r) {
  r.add(make_variant<NielsenSimdSeq>("nielsen/simd/seq"));
}
}  // namespace sgdbench
