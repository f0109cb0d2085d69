#pragma once
// The one random generator of sgdbench: xoshiro256** (Blackman & Vigna 2018) seeded
// through SplitMix64, with our own integer, uniform and normal draws. std::shuffle and
// the std distributions differ between standard libraries, so results that must
// reproduce never use them.
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

namespace sgdbench {

/// Independent streams for the separate uses of one seed, so that e.g. adding a
/// shuffle does not change the initial weights.
enum class Stream : std::uint64_t { kInit = 1, kShuffle = 2, kSplit = 3, kNoiseScale = 4 };

class Rng {
 public:
  explicit Rng(std::uint64_t seed, Stream stream = Stream::kInit) {
    std::uint64_t x = seed ^ (static_cast<std::uint64_t>(stream) * 0xD1B54A32D192ED03ull);
    for (auto& s : s_) s = splitmix64(x);
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  /// Uniform integer in [0, n), n > 0, without modulo bias (Lemire 2019).
  std::uint64_t below(std::uint64_t n) {
    __uint128_t m = static_cast<__uint128_t>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<__uint128_t>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  /// Uniform double in [0, 1) from the top 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  /// Standard normal by Box-Muller in double precision (sqrt is exact in IEEE 754; log
  /// and cos come from the C library, correctly rounded in practice on glibc).
  double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    constexpr double kTwoPi = 6.283185307179586476925286766559;
    spare_ = r * std::sin(kTwoPi * u2);
    has_spare_ = true;
    return r * std::cos(kTwoPi * u2);
  }

  /// Fisher-Yates shuffle in place.
  template <class T>
  void shuffle(std::span<T> v) {
    for (std::size_t i = v.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(below(i));
      std::swap(v[i - 1], v[j]);
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  std::uint64_t s_[4]{};
  double spare_ = 0.0;
  bool has_spare_ = false;
};

/// 0, 1, ..., n-1 shuffled by a generator seeded with `seed` on `stream`.
inline std::vector<std::uint32_t> shuffled_indices(std::size_t n, std::uint64_t seed,
                                                   Stream stream) {
  std::vector<std::uint32_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0u);
  Rng rng(seed, stream);
  rng.shuffle(std::span<std::uint32_t>(idx));
  return idx;
}

}  // namespace sgdbench
