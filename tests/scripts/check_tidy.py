#!/usr/bin/python3
"""clang-tidy (.clang-tidy: bugprone, performance, a few modernize checks, functions of at
most 80 lines) over the code outside tests/: every translation unit of core/ and bench/,
and enough generated variant groups to include every member header once. Any finding
fails. Exit 77 (skipped) when clang-tidy is not installed (tests/run.sh installs it).

The files are checked in unity translation units. clang-tidy 14 matches its checks over
the whole AST, system headers included (xsimd, oneTBB, nlohmann/json, fmt), and drops
their findings afterwards: core/data/idx.cpp took 3 s to parse and 8 s to match, and every
file repeated that work for the same headers. So the files compiled with the same flags
are #included into one generated file under BUILD_DIR/tidy-unity/ and checked once;
findings in them are reported as before (the header filter below adds the project's .cpp
files). Two files can clash in one unit (one name defined in two anonymous namespaces,
or a file's own type named as a header's): a unit that does not compile is split in
halves until each part does, and a single file that does not compile is a finding.
Every core/ and bench/ .cpp file on disk must be in the compile database (or left out by
an option that is OFF in this build): a build change that hides sources from clang-tidy,
as CMake's unity files once did, fails the test instead of shrinking what it checks.
Measured (Intel Xeon family 6 model 167, 2 cores): the 52 translation units one by one
took 312 s, as 8 units 76 s.

    tests/scripts/check_tidy.py SOURCE_DIR BUILD_DIR
"""
import concurrent.futures as futures
import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

# .clang-tidy's HeaderFilterRegex, with the project's .cpp files that a unit includes.
HEADER_FILTER = r"^.*/(core|bench|variants)/.*\.(hpp|cpp)$"
FINDING = re.compile(r"(warning|error): ")
COMPILE_ERROR = "[clang-diagnostic-error]"
# Sources a build leaves out when one of its options is off (CMakeCache.txt says which).
OPTIONAL_SOURCES = {
    "core/kernels/blas_kernels.cpp": "SGDBENCH_WITH_BLAS",
    "bench/scale_out/mpi_probe.cpp": "SGDBENCH_WITH_MPI",
    "bench/micro/": "SGDBENCH_BUILD_BENCHMARKS",
}


def without_cmake_unity(entries):
    """The entries with each of CMake's unity files (UNITY_BUILD, the harness) replaced by
    one entry per source it includes, compiled with its flags."""
    out = []
    for e in entries:
        if not re.search(r"/Unity/unity_\d+_cxx\.cxx$", e["file"]):
            out.append(e)
            continue
        with open(e["file"]) as f:
            sources = re.findall(r'^#include "([^"]+)"', f.read(), re.MULTILINE)
        flags = list(flags_without_file(e))
        out += [{"directory": e["directory"], "file": os.path.realpath(source),
                 "arguments": flags + ["-c", os.path.realpath(source)]} for source in sources]
    return out


def checked_entries(src, entries):
    """core/ and bench/ translation units, and the generated variant groups that add a
    member header not yet covered (each header is checked where it is included)."""
    entries = without_cmake_unity(entries)
    own = [e for e in entries if re.match(re.escape(src) + r"/(core|bench)/", e["file"])]
    groups = sorted((e for e in entries if "/variants/groups/" in e["file"]),
                    key=lambda e: e["file"])
    covered = set()

    def headers(e):
        with open(e["file"]) as f:
            return set(re.findall(r'#include "([^"]+)"', f.read()))

    while groups:
        best = max(groups, key=lambda g: len(headers(g) - covered))
        if not headers(best) - covered:
            break
        covered |= headers(best)
        own.append(best)
        groups.remove(best)
    return own


def cmake_false(value):
    """CMake's false constants (if() documentation), in any case."""
    v = value.strip().upper()
    return v in ("", "0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND") or v.endswith("-NOTFOUND")


def unchecked_sources(src, build, entries):
    """The core/ and bench/ .cpp files on disk that no entry checks: a change to the
    build (as CMake's unity files once did) must not shrink the checked set unseen.
    Those an option of this build leaves out are printed, not counted."""
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        options = re.findall(r"^(\w+):BOOL=(.*)$", f.read(), re.MULTILINE)
    off = {name for name, value in options if cmake_false(value)}
    checked = {os.path.realpath(e["file"]) for e in entries}
    missing = []
    for top in ("core", "bench"):
        for d, _, files in os.walk(os.path.join(src, top), followlinks=True):
            for name in sorted(files):
                path = os.path.join(d, name)
                if not name.endswith(".cpp") or os.path.realpath(path) in checked:
                    continue
                rel = os.path.relpath(path, src)
                option = next((o for p, o in OPTIONAL_SOURCES.items() if rel.startswith(p)), None)
                if option in off:
                    print(f"clang-tidy: {rel} not built ({option} is OFF), not checked")
                else:
                    missing.append(rel)
    return missing


def arguments(entry):
    return entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])


def flags_without_file(entry):
    """The compile command less its output and source file, and less CMake's precompiled
    header (GCC's .gch, which clang cannot read; each file includes what it uses): units
    share these."""
    args, out, skip = arguments(entry), [], False
    for i, a in enumerate(args):
        if skip:
            skip = False
        elif a == "-o" or (a == "-include" and i + 1 < len(args)
                           and args[i + 1].endswith("/cmake_pch.hxx")):
            skip = True
        elif a == "-Winvalid-pch":
            continue
        elif a != "-c" and os.path.realpath(os.path.join(entry["directory"], a)) != entry["file"]:
            out.append(a)
    return tuple(out)


def initial_units(entries):
    """One unit per set of compile flags, largest first (they finish last)."""
    units = {}
    for e in entries:
        units.setdefault(flags_without_file(e), []).append(e)
    return sorted(units.values(), key=len, reverse=True)


class Runner:
    def __init__(self, src, build):
        # The generated units live in the build folder, where clang-tidy would not find
        # the project's .clang-tidy by walking up from them (an out-of-tree build).
        self.config = os.path.join(src, ".clang-tidy")
        self.dir = os.path.join(build, "tidy-unity")
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(self.dir)
        self.count = itertools.count(1)

    def write_unit(self, unit):
        """A generated file that includes the unit's sources, and its compile database
        entry (the first member's command, on this file)."""
        number = next(self.count)  # atomic: two threads write units
        path = os.path.join(self.dir, f"unit_{number}.cpp")
        with open(path, "w") as f:
            f.write("// Generated by tests/scripts/check_tidy.py: checked as one unit.\n")
            for e in unit:
                f.write(f'#include "{e["file"]}"  // NOLINT(bugprone-suspicious-include)\n')
        db = os.path.join(self.dir, f"unit_{number}")
        os.makedirs(db)
        command = list(flags_without_file(unit[0])) + ["-c", path]
        with open(os.path.join(db, "compile_commands.json"), "w") as f:
            json.dump([{"directory": unit[0]["directory"], "file": path,
                        "arguments": command}], f)
        return path, db

    def check(self, unit):
        """(findings, halves): the unit's findings, or the two halves to check instead
        when it does not compile as one."""
        path, db = self.write_unit(unit)
        run = subprocess.run(
            ["clang-tidy", "-p", db, "--quiet", f"--config-file={self.config}",
             f"--header-filter={HEADER_FILTER}",
             "--extra-arg=-Wno-unknown-warning-option", "--extra-arg=-Wno-c99-extensions",
             path], capture_output=True, text=True)
        output = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout + run.stderr)
        findings = [line for line in output.splitlines() if FINDING.search(line)]
        if len(unit) > 1 and any(COMPILE_ERROR in line for line in findings):
            half = len(unit) // 2
            return [], [unit[:half], unit[half:]]
        if run.returncode != 0 and not findings:
            findings = [f"clang-tidy exited {run.returncode} on "
                        + ", ".join(e["file"] for e in unit) + ":", output[-2000:]]
        return findings, []


def main():
    src, build = (os.path.realpath(p) for p in sys.argv[1:3])
    if shutil.which("clang-tidy") is None:
        print("clang-tidy not installed: skipped")
        return 77
    with open(os.path.join(build, "compile_commands.json")) as f:
        entries = checked_entries(src, json.load(f))
    missing = unchecked_sources(src, build, entries)
    if missing:
        print("clang-tidy: these sources are in no compile command, so unchecked: "
              + ", ".join(missing), file=sys.stderr)
        return 1
    runner, findings, units_checked = Runner(src, build), set(), 0
    with futures.ThreadPoolExecutor(max_workers=2) as pool:
        pending = {pool.submit(runner.check, u) for u in initial_units(entries)}
        while pending:
            done, pending = futures.wait(pending, return_when=futures.FIRST_COMPLETED)
            for job in done:
                found, halves = job.result()
                findings.update(found)
                units_checked += not halves
                pending |= {pool.submit(runner.check, h) for h in halves}
    if findings:
        print("\n".join(sorted(findings)), file=sys.stderr)
        print(f"clang-tidy: findings in {len(entries)} translation units (see above)",
              file=sys.stderr)
        return 1
    print(f"clang-tidy: {len(entries)} translation units in {units_checked} units, 0 findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
