"""Build the technical documentation from the code's docstrings with pdoc, failing on warnings.

    python docs/gen/api_reference.py [--output DIR]     (default: build/docs/api)

One HTML page per module of `orchestrator`, `actors` and `cli`, with a search box; open
`index.html`. Any warning pdoc raises (a module that does not import, a broken docstring
reference) fails the build, so the pages always cover the whole code.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("orchestrator", "actors", "cli")


def build(output: Path) -> list[str]:
    """Write the pages; return the warnings pdoc raised (empty when all is well)."""
    sys.path.insert(0, str(ROOT))
    # croniter runs `file -b` on the interpreter when it is imported (platform.architecture());
    # pdoc refuses subprocesses during imports unless told they are expected.
    os.environ.setdefault("PDOC_ALLOW_EXEC", "1")
    import pdoc
    import pdoc.render

    pdoc.render.configure(docformat="markdown", footer_text="Orchestrator technical documentation")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pdoc.pdoc(*PACKAGES, output_directory=output)
    return [f"{w.category.__name__}: {w.message}" for w in caught]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="api_reference.py", description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "docs" / "api")
    options = parser.parse_args(argv)
    problems = build(options.output)
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if problems:
        print(f"{len(problems)} warning(s): the documentation must build cleanly", file=sys.stderr)
        return 1
    pages = sum(1 for _ in options.output.rglob("*.html"))
    print(f"wrote {pages} pages to {options.output} (open index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
