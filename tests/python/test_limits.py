"""The house's size limits (issue 39): no source file outside tests/ over 400 lines (C++,
Python, shell), no Python function over 80 lines (clang-tidy holds C++ functions to the
same, style_clang_tidy_finds_nothing). Run: /usr/bin/python3 tests/python/test_limits.py"""
import ast
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 80
SOURCE_SUFFIXES = (".cpp", ".hpp", ".h", ".py", ".sh")


def tracked_files(root):
    """The files git tracks (a fresh clone's tree); every file when git is absent."""
    try:
        out = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True,
                             check=True).stdout
        return [f for f in out.splitlines() if os.path.isfile(os.path.join(root, f))]
    except (OSError, subprocess.CalledProcessError):
        return [os.path.relpath(os.path.join(d, f), root)
                for d, _, names in os.walk(root) for f in names]


def is_shell(path):
    with open(path, "rb") as f:
        first = f.readline(200)
    return first.startswith(b"#!") and b"sh" in first


def long_files(root, files):
    """(file, lines) for each source file outside tests/ and results/ over the limit."""
    out = []
    for f in files:
        if f.startswith(("tests/", "results/")):
            continue
        path = os.path.join(root, f)
        if not (f.endswith(SOURCE_SUFFIXES) or ("." not in os.path.basename(f) and is_shell(path))):
            continue
        with open(path, encoding="utf-8", errors="replace") as fh:
            n = sum(1 for _ in fh)
        if n > MAX_FILE_LINES:
            out.append((f, n))
    return out


def long_functions(root, files):
    """(file, function, lines) for each Python function over the limit, tests included."""
    out = []
    for f in files:
        if not f.endswith(".py") or f.startswith("results/"):
            continue
        with open(os.path.join(root, f), encoding="utf-8") as fh:
            tree = ast.parse(fh.read(), f)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    out.append((f, node.name, n))
    return out


class Limits(unittest.TestCase):
    def test_no_source_file_outside_tests_is_over_400_lines(self):
        self.assertEqual(long_files(ROOT, tracked_files(ROOT)), [])

    def test_no_python_function_is_over_80_lines(self):
        self.assertEqual(long_functions(ROOT, tracked_files(ROOT)), [])

    def test_the_checks_see_a_long_file_a_long_function_and_a_shell_script(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", tmp], check=False))
        os.makedirs(os.path.join(tmp, "bench"))
        os.makedirs(os.path.join(tmp, "tests"))
        body = "def f():\n" + "    x = 1\n" * MAX_FUNCTION_LINES + "\n"
        files = {"bench/long.py": body + "# pad\n" * MAX_FILE_LINES,
                 "bench/run": "#!/bin/bash\n" + "true\n" * MAX_FILE_LINES,
                 "bench/ok.cpp": "int x;\n" * MAX_FILE_LINES,
                 "tests/long_test.py": "# pad\n" * (2 * MAX_FILE_LINES)}
        for name, text in files.items():
            with open(os.path.join(tmp, name), "w") as fh:
                fh.write(text)
        names = sorted(files)
        self.assertEqual([f for f, _ in long_files(tmp, names)], ["bench/long.py", "bench/run"])
        self.assertEqual(long_functions(tmp, names), [("bench/long.py", "f",
                                                       MAX_FUNCTION_LINES + 1)])


if __name__ == "__main__":
    unittest.main()
