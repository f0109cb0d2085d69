#include "sweep/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace sgdbench {

Progress::Progress(std::size_t total, bool enabled)
    : total_(total),
      enabled_(enabled),
      tty_(isatty(fileno(stderr)) != 0),
      t0_(std::chrono::steady_clock::now()) {}

void Progress::start(const std::string& cell) {
  current_ = cell;
  if (enabled_ && tty_) draw();
}

void Progress::done(const Json& run) {
  ++finished_;
  if (!enabled_) return;
  const std::string status = run.value("status", "?");
  const std::string figure =
      run["test_accuracy"].is_number()
          ? fmt::format("test accuracy {:.2f}%", 100.0 * run["test_accuracy"].get<double>())
          : fmt::format("train loss {:.6g}", run.value("train_loss", 0.0));
  const std::string line = fmt::format("[{}/{}] {}: {}, {}, {:.2f} s", finished_, total_, current_,
                                       status, figure, run.value("train_seconds", 0.0));
  if (tty_) {
    fmt::print(stderr, "\r\033[K{}\n", line);
    if (finished_ < total_) draw();
  } else {
    fmt::print(stderr, "{}\n", line);
  }
}

void Progress::resume(std::size_t cells) {
  finished_ += cells;
  resumed_ += cells;
}

void Progress::draw() const {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  const std::string eta =
      finished_ == resumed_
          ? "?"
          : fmt::format("{:.0f} s", elapsed / static_cast<double>(finished_ - resumed_) *
                                        static_cast<double>(total_ - finished_));
  constexpr std::size_t kWidth = 30;
  const std::size_t filled = total_ == 0 ? kWidth : kWidth * finished_ / total_;
  fmt::print(stderr, "\r\033[K[{}{}] {}/{} cells, ETA {}, running {}", std::string(filled, '#'),
             std::string(kWidth - filled, '.'), finished_, total_, eta, current_);
  std::fflush(stderr);
}

}  // namespace sgdbench
