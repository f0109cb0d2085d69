#pragma once
// The hyper-parameters of every update rule, as the config gives them (defaults are the
// usual ones from each rule's paper). Each rule reads the ones it needs.
namespace sgdbench {

struct UpdateParams {
  float momentum = 0.9f;  // Momentum, Nesterov
  float beta1 = 0.9f;     // Adam
  float beta2 = 0.999f;   // Adam
  float rho = 0.9f;       // RmsProp
  float eps = 1e-8f;      // AdaGrad, RmsProp, Adam
};

/// What every rule is handed each step: the summed gradient of the batch, the factor that
/// turns it into a mean (1/B) and the L2 weight decay λ; the gradient of the objective is
/// g = scale · grad_sum + λ · w.
struct StepInput {
  float lr;
  float scale;
  float l2;
};

}  // namespace sgdbench
