#pragma once
// Softmax regression as the one-layer case of the MLP.
#include <span>
#include <string>
#include <vector>

#include "model/mlp.hpp"
#include "util/error.hpp"

namespace sgdbench {

/// Multinomial logistic regression: one linear layer (d → k) with softmax outputs and
/// the cross-entropy cost. widths = {d, k}.
class Softmax : public Mlp<Identity, CrossEntropyCost> {
 public:
  static constexpr Init kDefaultInit = Init::kZero;
  explicit Softmax(std::vector<std::size_t> widths) : Mlp(check(std::move(widths))) {}
  static std::string family() { return "softmax"; }
  void init(std::span<float> params, Rng& rng, Init init = kDefaultInit) const {
    Mlp::init(params, rng, init);
  }

 private:
  static std::vector<std::size_t> check(std::vector<std::size_t> widths) {
    if (widths.size() != 2) throw Error("model: softmax regression has widths {inputs, classes}");
    return widths;
  }
};

}  // namespace sgdbench
