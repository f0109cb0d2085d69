"""The documentation (issue 39): a README a newcomer reads in five minutes (at most 200
lines) and the reference in docs/, every relative link of either resolving to a file in
the tree (and an anchor to a heading of that file).
Run: /usr/bin/python3 tests/python/test_docs.py"""
import glob
import os
import re
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchor_of(heading):
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def broken_links(page):
    """(link, why) for each relative link of `page` that does not resolve."""
    with open(page, encoding="utf-8") as f:
        text = f.read()
    out = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        resolved = os.path.normpath(os.path.join(os.path.dirname(page), path)) if path else page
        if not os.path.exists(resolved):
            out.append((target, "no such file"))
            continue
        if anchor and resolved.endswith(".md"):
            with open(resolved, encoding="utf-8") as f:
                anchors = {anchor_of(h) for h in re.findall(r"^#+ (.*)$", f.read(), re.M)}
            if anchor not in anchors:
                out.append((target, "no such heading"))
    return out


class Docs(unittest.TestCase):
    def pages(self):
        return [os.path.join(ROOT, "README.md")] + sorted(
            glob.glob(os.path.join(ROOT, "docs", "*.md")))

    def test_readme_is_at_most_200_lines(self):
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            self.assertLessEqual(sum(1 for _ in f), 200)

    def test_every_relative_link_resolves(self):
        for page in self.pages():
            self.assertEqual(broken_links(page), [], os.path.relpath(page, ROOT))

    def test_the_readme_links_every_docs_page(self):
        with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        for page in glob.glob(os.path.join(ROOT, "docs", "*.md")):
            self.assertIn(f"(docs/{os.path.basename(page)})", readme)

    def test_a_broken_link_and_a_missing_heading_are_found(self):
        import tempfile
        tmp = tempfile.mkdtemp()
        self.addCleanup(lambda: [os.remove(os.path.join(tmp, f)) for f in os.listdir(tmp)]
                        and os.rmdir(tmp))
        with open(os.path.join(tmp, "a.md"), "w") as f:
            f.write("# A page\n\n## What a run writes (`x/`)\n\n[ok](b.md) [ok](#a-page) "
                    "[ok](#what-a-run-writes-x) [bad](c.md) [bad](b.md#nowhere) "
                    "[web](https://example.org)\n")
        with open(os.path.join(tmp, "b.md"), "w") as f:
            f.write("# B\n")
        self.assertEqual(broken_links(os.path.join(tmp, "a.md")),
                         [("c.md", "no such file"), ("b.md#nowhere", "no such heading")])


if __name__ == "__main__":
    unittest.main()
