// The IDX and MNIST-JSON loaders on files the tests generate, good and hostile.
#include <catch2/catch.hpp>
#include <string>

#include "data/idx.hpp"
#include "data/mnist_json.hpp"
#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "model/softmax.hpp"
#include "test_helpers.hpp"
#include "train/batching.hpp"
#include "train/trainer.hpp"
#include "train/update/plain.hpp"
#include "util/error.hpp"

using namespace sgdbench;
using namespace sgdbench::test;
using Catch::Matchers::Contains;

TEST_CASE("unit_idx_pair_reads_raw_and_gzipped_files_alike", "[loaders]") {
  TempDir dir("idx");
  write_bytes(dir.file("img.idx"), idx_images(12, 4, 3));
  write_bytes(dir.file("lab.idx"), idx_labels(12));
  write_gzip(dir.file("img.idx.gz"), idx_images(12, 4, 3));
  write_gzip(dir.file("lab.idx.gz"), idx_labels(12));
  const Dataset raw = load_idx_pair(dir.file("img.idx"), dir.file("lab.idx"));
  const Dataset gz = load_idx_pair(dir.file("img.idx.gz"), dir.file("lab.idx.gz"));
  for (const Dataset* d : {&raw, &gz}) {
    REQUIRE(d->rows == 12);
    REQUIRE(d->cols == 12);
    REQUIRE(d->y[5] == 5);
    REQUIRE(d->x[5 * 12 + 2] == Approx((5 * 7 + 2) / 255.0f));  // pixels scaled to [0, 1]
  }
}

TEST_CASE("unit_idx_truncated_at_every_header_boundary_names_file_and_offset",
          "[loaders][hostile]") {
  TempDir dir("trunc");
  const auto full = idx_images(3, 2, 2);
  for (std::size_t cut : {0u, 2u, 4u, 6u, 8u, 12u, 15u, 16u, 20u, 27u}) {
    const std::string path = dir.file("cut" + std::to_string(cut) + ".idx");
    write_bytes(path, std::vector<std::uint8_t>(full.begin(), full.begin() + cut));
    INFO("cut at " << cut);
    REQUIRE_THROWS_WITH(read_idx(path, 3), Contains(path) && Contains("byte offset"));
  }
}

TEST_CASE("unit_idx_wrong_magic_and_inconsistent_files_are_errors", "[loaders][hostile]") {
  TempDir dir("bad");
  auto labels_as_images = idx_labels(4);
  write_bytes(dir.file("magic.idx"), labels_as_images);
  REQUIRE_THROWS_WITH(read_idx(dir.file("magic.idx"), 3),
                      Contains("wrong magic number 0x00000801 at byte offset 0"));

  auto trailing = idx_images(2, 2, 2);
  trailing.push_back(0);
  write_bytes(dir.file("trailing.idx"), trailing);
  REQUIRE_THROWS_WITH(read_idx(dir.file("trailing.idx"), 3), Contains("trailing bytes"));

  std::vector<std::uint8_t> huge = {0, 0, 8, 3};
  for (int i = 0; i < 3; ++i) put_u32(huge, 0xFFFFFFFFu);
  write_bytes(dir.file("huge.idx"), huge);  // 2^96 bytes promised: no allocation attempted
  REQUIRE_THROWS_WITH(read_idx(dir.file("huge.idx"), 3), Contains("huge.idx"));

  write_bytes(dir.file("img.idx"), idx_images(5, 2, 2));
  write_bytes(dir.file("lab.idx"), idx_labels(4));
  REQUIRE_THROWS_WITH(load_idx_pair(dir.file("img.idx"), dir.file("lab.idx")),
                      Contains("4 labels for the 5 images"));

  write_bytes(dir.file("img12.idx"), idx_images(12, 2, 2));
  write_bytes(dir.file("lab12.idx"), idx_labels(12, 12));  // labels 10 and 11 ≥ 10 classes
  REQUIRE_THROWS_WITH(load_idx_pair(dir.file("img12.idx"), dir.file("lab12.idx")),
                      Contains("label 10 at byte offset 18"));

  write_bytes(dir.file("empty.idx"), {});
  REQUIRE_THROWS_WITH(read_idx(dir.file("empty.idx"), 1), Contains("byte offset 0"));
  REQUIRE_THROWS_WITH(read_idx(dir.path().string(), 1), Contains("is a directory"));
  REQUIRE_THROWS_WITH(read_idx(dir.file("missing.idx"), 1), Contains("cannot open"));
}

TEST_CASE("unit_idx_corrupt_or_cut_gzip_stream_is_an_error", "[loaders][hostile]") {
  TempDir dir("gz");
  write_gzip(dir.file("ok.gz"), idx_images(50, 8, 8));
  std::ifstream in(dir.file("ok.gz"), std::ios::binary);
  std::vector<std::uint8_t> gz((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
  auto corrupt = gz;
  for (std::size_t i = 20; i < 40 && i < corrupt.size(); ++i) corrupt[i] ^= 0x5A;
  write_bytes(dir.file("corrupt.gz"), corrupt);
  REQUIRE_THROWS_WITH(read_idx(dir.file("corrupt.gz"), 3), Contains("corrupt.gz"));
  write_bytes(dir.file("cut.gz"),
              std::vector<std::uint8_t>(gz.begin(), gz.begin() + gz.size() / 2));
  REQUIRE_THROWS_WITH(read_idx(dir.file("cut.gz"), 3), Contains("cut.gz"));
}

TEST_CASE("unit_mnist_json_reads_ten_digit_files", "[loaders]") {
  TempDir dir("json");
  for (int d = 0; d < 10; ++d) {
    std::string data;
    const int images = d % 3 + 1;
    for (int i = 0; i < images * 784; ++i) data += (i ? "," : "") + std::to_string((i % 5) / 4.0);
    write_text(dir.file(std::to_string(d) + ".json"), "{\"data\": [" + data + "]}");
  }
  const Dataset ds = load_mnist_json(dir.path().string());
  REQUIRE(ds.rows == 4 * 1 + 3 * 2 + 3 * 3);  // digits 0,3,6,9 have 1; 1,4,7 have 2; 2,5,8 have 3
  REQUIRE(ds.cols == 784);
  REQUIRE(ds.y.front() == 0);
  REQUIRE(ds.y.back() == 9);
  REQUIRE(ds.x[4] == 1.0f);

  write_text(dir.file("3.json"), "{\"data\": [0.5, 0.25,");
  REQUIRE_THROWS_WITH(load_mnist_json(dir.path().string()),
                      Contains("3.json") && Contains("byte offset"));
  write_text(dir.file("3.json"), "{\"data\": [0.5]}");
  REQUIRE_THROWS_WITH(load_mnist_json(dir.path().string()), Contains("not a multiple of 784"));
  // The events parser: each wrong shape names the file and what is wrong, and other
  // top-level fields (any shape) are skipped.
  const auto fails_with = [&](const std::string& text, const std::string& message) {
    write_text(dir.file("3.json"), text);
    REQUIRE_THROWS_WITH(load_mnist_json(dir.path().string()),
                        Contains("3.json") && Contains(message));
  };
  fails_with("[0.5]", "expected an object with an array field /data");
  fails_with("0.5", "expected an object with an array field /data");
  fails_with("{\"data\": []} x", "byte offset 13");
  fails_with("{\"data\": 0.5}", "expected an object with an array field /data");
  fails_with("{\"data\": {\"a\": 1}}", "expected an object with an array field /data");
  fails_with("{\"other\": [1]}", "expected an object with an array field /data");
  fails_with("{\"data\": [0.5, \"x\"]}", "/data/1 is not a number");
  fails_with("{\"data\": [0.5, [1]]}", "/data/1 is not a number");
  fails_with("{\"data\": [0, 0.5, 1.5]}", "/data/2 = 1.5 is outside [0, 1]");
  fails_with("{\"data\": [0, -1]}", "/data/1 = -1 is outside [0, 1]");
  fails_with("{\"data\": [1e400]}", "byte offset");
  fails_with("{\"data\": [], \"data\": []}", "/data appears twice");
  std::string one_image;
  for (int i = 0; i < 784; ++i) one_image += (i ? ",1" : "1");
  write_text(dir.file("3.json"),
             "{\"note\": {\"data\": [7, [\"x\"]]}, \"data\": [" + one_image + "], \"n\": 2}");
  const Dataset skipped = load_mnist_json(dir.path().string());
  REQUIRE(skipped.rows == ds.rows);
  REQUIRE(skipped.x[(1 + 2 + 3) * 784 + 1] == 1.0f);  // digit 3 follows 6 rows (was 0.25)
  std::filesystem::remove(dir.file("3.json"));
  REQUIRE_THROWS_WITH(load_mnist_json(dir.path().string()), Contains("3.json: missing"));
}

namespace {

/// Plain SGD on float and on byte storage of the same pixels: the same loss and weights,
/// bit for bit (0.2 epochs at B = 1, `epochs` otherwise; 128-row chunks, so several per
/// batch).
template <class Net>
void same_mini_batch_run(const Net& net, std::size_t batch, double epochs, const Dataset& floats,
                         const Dataset& bytes) {
  TrainSpec spec;
  spec.batch = *BatchSize::of(batch);
  spec.epochs = batch == 1 ? 0.2 : epochs;
  spec.chunk_rows = 128;
  Trainer<Net, Plain, MiniBatches, SimdKernels<BestArch>, TbbDeterministic> a(net, spec),
      b(net, spec);
  const RunResult ra = a.run(floats, floats, {});
  const RunResult rb = b.run(bytes, bytes, {});
  REQUIRE(ra.final_point.train_loss == rb.final_point.train_loss);
  for (std::size_t i = 0; i < a.params().size(); ++i) REQUIRE(a.params()[i] == b.params()[i]);
}

}  // namespace

TEST_CASE("unit_compact_pixels_train_bit_for_bit_like_floats", "[loaders][determinism]") {
  // Pixels kept as bytes (widened chunk by chunk) must give the very same run as the
  // float storage: same features, same gradients, same weights, any batching.
  TempDir dir("compact");
  write_bytes(dir.file("img.idx"), idx_images(700, 28, 28));
  write_bytes(dir.file("lab.idx"), idx_labels(700));
  const Dataset floats = load_idx_pair(dir.file("img.idx"), dir.file("lab.idx"));
  const Dataset bytes = load_idx_pair(dir.file("img.idx"), dir.file("lab.idx"), 10, true);
  REQUIRE(bytes.compact());
  REQUIRE(bytes.x.size() == 0);
  REQUIRE(bytes.feature_bytes() * 4 == floats.feature_bytes());
  std::vector<float> row(floats.cols);
  bytes.copy_row(321, row.data());
  for (std::size_t j = 0; j < floats.cols; ++j) REQUIRE(row[j] == floats.row(321)[j]);
  Dataset expanded = bytes;
  expand(expanded);
  REQUIRE(!expanded.compact());
  for (std::size_t i = 0; i < floats.x.size(); ++i) REQUIRE(expanded.x[i] == floats.x[i]);

  using Net = Mlp<Sigmoid, QuadraticCost>;
  using Simd = SimdKernels<BestArch>;
  const Net net({784, 12, 10});
  for (std::size_t batch : {std::size_t{1}, std::size_t{50}, std::size_t{600}}) {
    INFO("B = " << batch);
    same_mini_batch_run(net, batch, 2.0, floats, bytes);
  }
  TrainSpec spec;
  spec.epochs = 3;
  Trainer<Net, Plain, FullBatch, Simd, TbbDeterministic> a(net, spec), b(net, spec);
  a.run(floats, floats, {});
  b.run(bytes, bytes, {});
  for (std::size_t i = 0; i < a.params().size(); ++i) REQUIRE(a.params()[i] == b.params()[i]);

  // Softmax regression reads compact rows in one pass (SimdKernels::linear_one_pass, no
  // widened copy); floats take the separate calls. Same bits, fused steps (B ≤ a chunk)
  // and chunked gradients alike, last chunk short (700 = 5 · 128 + 60).
  const Softmax softmax({784, 10});
  for (std::size_t batch : {std::size_t{1}, std::size_t{50}, std::size_t{600}, std::size_t{700}}) {
    INFO("softmax, B = " << batch);
    same_mini_batch_run(softmax, batch, 3.0, floats, bytes);
  }
}
