// TbbDeterministic: the same bits for any number of threads.
#include <tbb/task_arena.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "exec/sequential.hpp"
#include "exec/tbb_deterministic.hpp"
#include "kernels/simd_kernels.hpp"
#include "model/mlp.hpp"
#include "train/batching.hpp"
#include "train/trainer.hpp"
#include "train/update/plain.hpp"

using namespace sgdbench;

namespace {

Dataset random_dataset(std::size_t rows, std::size_t cols) {
  Dataset d;
  d.rows = rows;
  d.cols = cols;
  d.classes = 10;
  d.x.resize(rows * cols);
  Rng rng(99);
  for (std::size_t i = 0; i < d.x.size(); ++i) d.x[i] = static_cast<float>(rng.uniform());
  for (std::size_t r = 0; r < rows; ++r) d.y.push_back(static_cast<std::uint8_t>(rng.below(10)));
  return d;
}

using Net = Mlp<Sigmoid, QuadraticCost>;

template <class Exec>
std::vector<float> train_100_steps(const Dataset& data, int threads) {
  TrainSpec spec;
  spec.batch = *BatchSize::of(120);
  spec.chunk_rows = 16;  // 8 chunks a step: a tree three levels deep
  spec.lr = 3.0f;
  spec.seed = 4;
  std::vector<float> out;
  tbb::task_arena arena(threads);
  arena.execute([&] {
    Trainer<Net, Plain, MiniBatches, SimdKernels<BestArch>, Exec> trainer(Net({20, 16, 10}), spec);
    MiniBatches batches(data, 120, spec.seed);
    for (std::size_t step = 0; step < 100; ++step) {
      if (step % batches.steps_per_epoch() == 0) batches.begin_epoch();
      trainer.step(batches.batch(step % batches.steps_per_epoch()));
    }
    out.assign(trainer.params().begin(), trainer.params().end());
  });
  return out;
}

}  // namespace

TEST_CASE("unit_tbb_deterministic_gives_bit_identical_weights_for_1_to_4_threads",
          "[determinism]") {
  const Dataset data = random_dataset(600, 20);
  const auto one = train_100_steps<TbbDeterministic>(data, 1);
  for (int threads : {2, 3, 4}) {
    const auto many = train_100_steps<TbbDeterministic>(data, threads);
    INFO(threads << " threads");
    REQUIRE(one.size() == many.size());
    REQUIRE(std::memcmp(one.data(), many.data(), one.size() * sizeof(float)) == 0);
  }
  // Not vacuous: training moved the weights away from their initial values.
  TrainSpec spec;
  spec.seed = 4;
  Trainer<Net, Plain, MiniBatches, SimdKernels<BestArch>, TbbDeterministic> fresh(Net({20, 16, 10}),
                                                                                  spec);
  REQUIRE(std::memcmp(one.data(), fresh.params().data(), one.size() * sizeof(float)) != 0);
}

TEST_CASE("unit_tbb_and_sequential_agree_to_rounding", "[determinism]") {
  const Dataset data = random_dataset(600, 20);
  const auto tbb = train_100_steps<TbbDeterministic>(data, 2);
  const auto seq = train_100_steps<Sequential>(data, 1);
  for (std::size_t i = 0; i < tbb.size(); ++i) REQUIRE(tbb[i] == Approx(seq[i]).margin(1e-3));
}
