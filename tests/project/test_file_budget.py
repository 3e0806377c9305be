"""The client's hard rule: no source file over 3000 tokens (STYLE.md's count)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 3000
EXTENSIONS = {
    ".py",
    ".js",
    ".mjs",
    ".ts",
    ".vue",
    ".css",
    ".html",
    ".ps1",
    ".sh",
    ".yaml",
    ".yml",
    ".toml",
}
SKIPPED_PARTS = {"dist", "vendor", "node_modules"}
TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    return len(TOKEN.findall(text))


def source_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-co", "--exclude-standard"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    chosen = []
    for name in listed:
        path = Path(name)
        if path.suffix not in EXTENSIONS or SKIPPED_PARTS & set(path.parts):
            continue
        if name.endswith((".min.js", ".min.css")) or path.name == "package-lock.json":
            continue
        if (ROOT / path).is_file():
            chosen.append(ROOT / path)
    return chosen


class TestFileBudget:
    def test_counting_matches_the_style_guide(self):
        """Words and single punctuation marks each count as one token."""
        assert count_tokens("def f(x): return x + 1") == 10

    def test_the_check_sees_the_sources(self):
        """The walk finds the project's Python modules, so an empty walk cannot pass silently."""
        names = {path.name for path in source_files()}
        assert {"serve.py", "job_run.py", "pyproject.toml"} <= names

    def test_no_source_file_is_over_the_budget(self):
        """Every tracked source file stays within 3000 tokens."""
        over = {
            str(path.relative_to(ROOT)): tokens
            for path in source_files()
            if (tokens := count_tokens(path.read_text(encoding="utf-8", errors="replace"))) > LIMIT
        }
        assert over == {}, f"files over {LIMIT} tokens: {over}"
