#include "sweep/interrupt.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>

namespace sgdbench {
namespace {

std::atomic<int> g_signal{0};  // lock-free, so safe to write from a signal handler
static_assert(std::atomic<int>::is_always_lock_free);
long g_countdown = 0;  // request_interrupt_after (tests only; the sweep's thread alone)

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  constexpr char kMessage[] =
      "\nsgdbench: stopping after the current evaluation point (again to quit at once)\n";
  [[maybe_unused]] const auto n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  std::signal(SIGINT, SIG_DFL);  // a second signal, of either kind, ends the process
  std::signal(SIGTERM, SIG_DFL);
}

void install(int sig) {
  // A signal the parent ignores (nohup, a background job of a shell) stays ignored.
  if (std::signal(sig, on_stop_signal) == SIG_IGN) std::signal(sig, SIG_IGN);
}

}  // namespace

void install_interrupt_handlers() {
  install(SIGINT);
  install(SIGTERM);
}

bool interrupt_requested() {
  return g_signal.load() != 0;
}

int interrupt_signal() {
  return g_signal.load();
}

void stop_if_interrupted() {
  if (g_countdown > 0 && --g_countdown == 0) g_signal.store(SIGINT);
  if (interrupt_requested()) throw Interrupted();
}

void request_interrupt(bool on) {
  g_signal.store(on ? SIGINT : 0);
  g_countdown = 0;
}

void request_interrupt_after(long checks) {
  g_signal.store(0);
  g_countdown = checks;
}

}  // namespace sgdbench
