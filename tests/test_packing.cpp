// The GEMM packings (kernels/simd_gemm_packed.hpp) against the layout they promise.
#include <catch2/catch.hpp>
#include <utility>
#include <vector>

#include "kernels/simd_gemm_packed.hpp"
#include "test_helpers.hpp"

namespace sgdbench {
using test::random_vector;

namespace {

/// Panels of `width` rows of src (rows i0 … i0 + rows − 1, columns p0 … p0 + kc − 1), each
/// stored column by column: pack[start·kc + p·width + r] = src[i0 + start + r][p0 + p],
/// zero past the last row.
void check_panels(const std::vector<float>& pack, std::size_t width, std::size_t rows,
                  std::size_t kc, const std::vector<float>& src, std::size_t ld, std::size_t i0,
                  std::size_t p0) {
  for (std::size_t start = 0; start < rows; start += width) {
    for (std::size_t p = 0; p < kc; ++p) {
      for (std::size_t r = 0; r < width; ++r) {
        const float want = start + r < rows ? src[(i0 + start + r) * ld + p0 + p] : 0.0f;
        REQUIRE(pack[start * kc + p * width + r] == want);
      }
    }
  }
}

/// pack_a (MR-row panels) and pack_b (NR-column panels) of rows i0.. and columns p0.. of
/// src (row-major, ld), each read from its own stored operand, both checked.
template <std::size_t MR, std::size_t NR>
void check_pack_a_and_b(Trans ta, const float* a, std::size_t lda, Trans tb, const float* b,
                        std::size_t ldb, std::size_t rows, std::size_t kc,
                        const std::vector<float>& src, std::size_t ld, std::size_t i0,
                        std::size_t p0) {
  std::vector<float> a_pack((rows + MR) * kc, -1.0f);
  gemm_detail::pack_a<MR>(ta, a, lda, i0, p0, rows, kc, a_pack.data());
  check_panels(a_pack, MR, rows, kc, src, ld, i0, p0);
  std::vector<float> b_pack((rows + NR) * kc, -1.0f);
  gemm_detail::pack_b<NR>(tb, b, ldb, p0, i0, kc, rows, b_pack.data());
  check_panels(b_pack, NR, rows, kc, src, ld, i0, p0);
}

}  // namespace

// The packings copy op(A) and op(B) into panels; the 8×8 in-register transposes must put
// every float exactly where the scalar loop would (and zero the padding), so that the
// GEMM's bits do not depend on them. Odd sizes leave remainders for the scalar loop.
TEST_CASE("unit_packing_with_register_transposes_places_every_float_exactly", "[kernels]") {
  for (const auto& [rows, depth] :
       {std::pair<std::size_t, std::size_t>{19, 27}, {16, 64}, {8, 7}}) {
    const std::size_t ld = depth + 5, p0 = 3, i0 = 2;
    const auto src = random_vector((i0 + rows + 1) * ld, 4);
    // pack_a, A not transposed: panel ir, dst[p·MR + r] = A[i0 + ir + r][p0 + p];
    // pack_b, B transposed: panel jr, dst[p·NR + c] = B[i0 + jr + c][p0 + p]
    check_pack_a_and_b<8, 32>(Trans::kNo, src.data(), ld, Trans::kYes, src.data(), ld, rows,
                              depth - p0, src, ld, i0, p0);
  }
}

// A transposed and B not transposed are packed from their stored rows
// (pack_panels_from_rows): the same panels, read the other way round.
TEST_CASE("unit_packing_from_stored_rows_places_every_float_exactly", "[kernels]") {
  for (const auto& [rows, depth] :
       {std::pair<std::size_t, std::size_t>{19, 27}, {64, 16}, {8, 7}, {37, 300}}) {
    const std::size_t ld = depth + 5, p0 = 3, i0 = 2;
    const auto src = random_vector((i0 + rows + 1) * ld, 5);
    // srcᵀ stored row-major: op(A) = srcᵀᵀ = src, so the panels are check_panels' own.
    const std::size_t ld_t = i0 + rows + 1;
    std::vector<float> src_t(ld * ld_t);
    for (std::size_t i = 0; i < ld_t; ++i) {
      for (std::size_t p = 0; p < ld; ++p) src_t[p * ld_t + i] = src[i * ld + p];
    }
    check_pack_a_and_b<8, 32>(Trans::kYes, src_t.data(), ld_t, Trans::kNo, src_t.data(), ld_t, rows,
                              depth - p0, src, ld, i0, p0);
  }
}

}  // namespace sgdbench
