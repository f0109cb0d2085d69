// The GEMM packings (kernels/simd_gemm_packed.hpp) against the layout they promise.
#include <catch2/catch.hpp>
#include <utility>
#include <vector>

#include "kernels/simd_gemm_packed.hpp"
#include "test_helpers.hpp"

namespace sgdbench {
using test::random_vector;

// The packings copy op(A) and op(B) into panels; the 8×8 in-register transposes must put
// every float exactly where the scalar loop would (and zero the padding), so that the
// GEMM's bits do not depend on them. Odd sizes leave remainders for the scalar loop.
TEST_CASE("unit_packing_with_register_transposes_places_every_float_exactly", "[kernels]") {
  using gemm_detail::pack_a;
  using gemm_detail::pack_b;
  constexpr std::size_t MR = 8, NR = 32;
  for (const auto& [rows, depth] :
       {std::pair<std::size_t, std::size_t>{19, 27}, {16, 64}, {8, 7}}) {
    const std::size_t ld = depth + 5, p0 = 3, i0 = 2;
    const auto src = random_vector((i0 + rows + 1) * ld, 4);
    const std::size_t kc = depth - p0;
    // pack_a, A not transposed: panel ir, dst[p·MR + r] = A[i0 + ir + r][p0 + p]
    std::vector<float> a_pack((rows + MR) * kc, -1.0f);
    pack_a<MR>(Trans::kNo, src.data(), ld, i0, p0, rows, kc, a_pack.data());
    for (std::size_t ir = 0; ir < rows; ir += MR) {
      for (std::size_t p = 0; p < kc; ++p) {
        for (std::size_t r = 0; r < MR; ++r) {
          const float want = ir + r < rows ? src[(i0 + ir + r) * ld + p0 + p] : 0.0f;
          REQUIRE(a_pack[ir * kc + p * MR + r] == want);
        }
      }
    }
    // pack_b, B transposed: panel jr, dst[p·NR + c] = B[i0 + jr + c][p0 + p]
    std::vector<float> b_pack((rows + NR) * kc, -1.0f);
    pack_b<NR>(Trans::kYes, src.data(), ld, p0, i0, kc, rows, b_pack.data());
    for (std::size_t jr = 0; jr < rows; jr += NR) {
      for (std::size_t p = 0; p < kc; ++p) {
        for (std::size_t c = 0; c < NR; ++c) {
          const float want = jr + c < rows ? src[(i0 + jr + c) * ld + p0 + p] : 0.0f;
          REQUIRE(b_pack[jr * kc + p * NR + c] == want);
        }
      }
    }
  }
}

}  // namespace sgdbench
