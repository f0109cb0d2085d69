#pragma once
// The git state of the sources this binary was built from, as of its last build (not of
// CMake's configure step): cmake/build_info.cmake generates the definitions.

namespace sgdbench {

/// `git rev-parse --short HEAD` of the source tree ("unknown" outside a git checkout).
const char* build_git_commit();
/// Whether tracked files outside results/ differed from that commit.
bool build_git_dirty();

}  // namespace sgdbench
