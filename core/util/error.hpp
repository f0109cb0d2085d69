#pragma once
// One exception type for every user-facing failure (bad file, bad config, bad value).
// The message already names the file and the byte offset, line or JSON path; the CLI
// prints it and exits non-zero.
#include <stdexcept>
#include <string>

namespace sgdbench {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace sgdbench
