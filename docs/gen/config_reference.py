"""Write docs/configuration.md from conf/orchestrator.yaml, the file that documents every key.

    python docs/gen/config_reference.py [--check]

The YAML file stays the one place where keys are explained: each key's comment lines above it
become its description, its value its default. `--check` writes nothing and exits 1 when the
committed page differs (`make docs` rewrites it). A line the parser does not understand stops
it, so a new kind of line in the YAML cannot silently drop a key from the page.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "conf" / "orchestrator.yaml"
PAGE = ROOT / "docs" / "configuration.md"
SECTION = re.compile(r"^(\w+):\s*$")
KEY = re.compile(r"^  (\w+):\s*(.*)$")
COMMENT = re.compile(r"^\s*#\s?(.*)$")


@dataclass
class Key:
    name: str
    default: str
    description: list[str]


@dataclass
class Section:
    name: str
    keys: list[Key] = field(default_factory=list)


def parse(text: str) -> tuple[list[str], list[Section]]:
    """Split the file into its opening comment and its sections with their keys."""
    intro: list[str] = []
    sections: list[Section] = []
    pending: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if comment := COMMENT.match(line):
            (pending if sections else intro).append(comment.group(1))
        elif section := SECTION.match(line):
            sections.append(Section(section.group(1)))
            pending = []
        elif (key := KEY.match(line)) and sections:
            sections[-1].keys.append(Key(key.group(1), key.group(2).strip(), pending))
            pending = []
        elif line.strip():
            raise ValueError(f"{SOURCE.name}:{number}: cannot read {line!r}")
    return intro, sections


def _cell(text: str) -> str:
    # Table cells are inline HTML to most renderers: <data_dir> must not become a tag.
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render(text: str) -> str:
    intro, sections = parse(text)
    lines = [
        "# Configuration reference",
        "",
        "Generated from [`conf/orchestrator.yaml`](../conf/orchestrator.yaml) by",
        "`docs/gen/config_reference.py` (`make docs`): do not edit by hand.",
        "",
        "```text",
        *intro,
        "```",
        "",
        "Every key can also be given as an environment variable `ORCH_<SECTION>__<KEY>` or on the",
        "command line as `--set section.key=value`; `orchestrator-server check-config` prints the",
        "configuration in force. Keys:",
        "",
    ]
    lines += [f"- [{section.name}](#{section.name})" for section in sections]
    for section in sections:
        lines += ["", f"## {section.name}", "", "| key | default | meaning |", "|---|---|---|"]
        for key in section.keys:
            variable = f"ORCH_{section.name.upper()}__{key.name.upper()}"
            meaning = _cell(" ".join(key.description)) or "-"
            lines.append(f"| `{key.name}`<br>`{variable}` | `{_cell(key.default)}` | {meaning} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    page = render(SOURCE.read_text(encoding="utf-8"))
    if "--check" in argv:
        current = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
        if current != page:
            print(f"{PAGE.relative_to(ROOT)} is out of date: run make docs", file=sys.stderr)
            return 1
        return 0
    PAGE.write_text(page, encoding="utf-8", newline="\n")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
