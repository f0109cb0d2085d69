#pragma once
// Ctrl-C (SIGINT) and SIGTERM during a sweep: the first one asks the sweep to stop after
// the evaluation point being computed, so that finished cells are kept and the run can be
// resumed (sgdbench run CFG --resume); a second one ends the process at once.
#include <string>

#include "util/error.hpp"

namespace sgdbench {

/// Thrown at the first point (or cell boundary) after a stop was requested.
class Interrupted : public Error {
 public:
  explicit Interrupted(const std::string& what = "interrupted") : Error(what) {}
};

/// Installs the SIGINT and SIGTERM handlers (idempotent).
void install_interrupt_handlers();
/// Whether a stop was requested since the handlers were installed.
bool interrupt_requested();
/// Throws Interrupted when a stop was requested.
void stop_if_interrupted();
/// Test hook: as if Ctrl-C had been pressed (or not).
void request_interrupt(bool on = true);
/// Test hook: as if Ctrl-C came just before the `checks`-th stop_if_interrupted() call
/// from now (1: the first point or cell boundary of the sweep).
void request_interrupt_after(long checks);
/// The signal that requested the stop (SIGINT or SIGTERM), 0 if none.
int interrupt_signal();

}  // namespace sgdbench
