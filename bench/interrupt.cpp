#include "interrupt.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace sgdbench {
namespace {

std::atomic<int> g_signal{0};  // lock-free, so safe to write from a signal handler
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  constexpr char kMessage[] =
      "\nsgdbench: stopping after the current evaluation point (again to quit at once)\n";
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  std::signal(sig, SIG_DFL);  // a second signal ends the process
}

}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

bool interrupt_requested() { return g_signal.load() != 0; }

int interrupt_signal() { return g_signal.load(); }

void stop_if_interrupted() {
  if (interrupt_requested()) throw Interrupted();
}

void request_interrupt(bool on) { g_signal.store(on ? SIGINT : 0); }

}  // namespace sgdbench
