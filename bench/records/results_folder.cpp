#include "records/results_folder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "util/error.hpp"

namespace sgdbench {
namespace {

namespace fs = std::filesystem;

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown host";
  return name;
}

std::string read_fd(int fd) {
  std::string text;
  char buf[512];
  ::lseek(fd, 0, SEEK_SET);
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  return text;
}

}  // namespace

ResultsFolder::ResultsFolder(std::string dir, const std::string& what) : dir_(std::move(dir)) {
  std::error_code ec;
  // A parent that is a file (--out FILE) makes create_directories fail with a message
  // about the whole path; name the file instead.
  for (fs::path p = fs::path(dir_).parent_path(); !p.empty(); p = p.parent_path()) {
    if (fs::exists(p, ec) && !fs::is_directory(p, ec)) {
      throw Error(fmt::format("{}: is not a directory, cannot hold the results folder {}",
                              p.string(), dir_));
    }
    if (p == p.parent_path()) break;
  }
  if (fs::exists(dir_, ec) && !fs::is_directory(dir_, ec)) {
    throw Error(fmt::format("{}: is not a directory, cannot be the results folder", dir_));
  }
  // The outermost folder this creates (--out too, when new), removed again if unused.
  for (fs::path p = fs::path(dir_); !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
    created_ = p.string();
    if (p == p.parent_path()) break;
  }
  fs::create_directories(dir_, ec);
  if (ec) throw Error(fmt::format("{}: cannot create the results folder: {}", dir_, ec.message()));
  for (const char* name : kOutputFiles) {
    for (const std::string suffix : {"", ".partial"}) {
      const fs::path p = fs::path(dir_) / (std::string(name) + suffix);
      if (fs::exists(p, ec) && !fs::is_regular_file(p, ec)) {
        throw Error(
            fmt::format("{}: is not a regular file; sgdbench writes its {} there: "
                        "remove or rename it",
                        p.string(), name));
      }
    }
  }
  const std::string lock_path = (fs::path(dir_) / kLockFile).string();
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) {
    throw Error(
        fmt::format("{}: cannot write in the results folder: {}", lock_path, std::strerror(errno)));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    const std::string holder = read_fd(lock_fd_);
    ::close(lock_fd_);
    lock_fd_ = -1;
    if (err == EWOULDBLOCK) {
      throw Error(fmt::format(
          "{}: in use by another sgdbench ({}); wait for it to finish or give another --out", dir_,
          holder.empty() ? "holder unknown" : holder));
    }
    throw Error(fmt::format("{}: cannot lock: {}", lock_path, std::strerror(err)));
  }
  const auto now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[64] = {};
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&now));
  const std::string me =
      fmt::format("pid {} on {}, since {}, {}\n", ::getpid(), host_name(), when, what);
  if (::ftruncate(lock_fd_, 0) != 0 ||
      ::pwrite(lock_fd_, me.data(), me.size(), 0) != static_cast<ssize_t>(me.size())) {
    const int err = errno;
    ::close(lock_fd_);
    throw Error(
        fmt::format("{}: cannot write in the results folder: {}", lock_path, std::strerror(err)));
  }
}

std::string ResultsFolder::holder(const std::string& dir) {
  const std::string lock_path = (fs::path(dir) / kLockFile).string();
  const int fd = ::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string who;
  if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      who = read_fd(fd);
      if (who.empty()) who = "holder unknown";
    }
  } else {
    ::flock(fd, LOCK_UN);
  }
  ::close(fd);
  while (!who.empty() && who.back() == '\n') who.pop_back();
  // This process's own lock (report reads the folder it holds) is nobody else's.
  if (who.starts_with(fmt::format("pid {} on {}, ", ::getpid(), host_name()))) return "";
  return who;
}

void ResultsFolder::remove_if_unused() {
  if (created_.empty()) return;
  std::error_code ec;
  fs::remove(fs::path(dir_) / kLockFile, ec);
  for (fs::path p = fs::path(dir_);; p = p.parent_path()) {
    if (!fs::remove(p, ec) || p == fs::path(created_) || p == p.parent_path()) break;  // empty only
  }
}

void ResultsFolder::set_aside(const std::string& name) {
  const fs::path from = fs::path(dir_) / name;
  std::error_code ec;
  if (!fs::exists(from, ec)) return;
  fs::rename(from, fs::path(dir_) / (name + ".previous"), ec);
  if (ec) throw Error(fmt::format("{}: cannot rename: {}", from.string(), ec.message()));
}

void ResultsFolder::drop_set_aside() {
  std::error_code ec;
  for (const char* name : kOutputFiles) {
    fs::remove(fs::path(dir_) / (std::string(name) + ".previous"), ec);
  }
}

ResultsFolder::~ResultsFolder() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

}  // namespace sgdbench
