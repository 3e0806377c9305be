"""Print what the API answered in the format the user chose with --output.

`json` prints exactly the API's JSON document (one per command, for scripts), `yaml` the same
document as YAML, `table` a view for people: a fitted table for lists, aligned `key  value` lines
for one object.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import click

from cli.table import Column, cell, render, terminal_width, when

FORMATS = ("table", "json", "yaml")


def dump(doc: Any, fmt: str) -> str:
    """The document as JSON or YAML text."""
    if fmt == "yaml":
        import yaml  # imported here: most invocations print tables or JSON

        return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True).rstrip("\n")
    return json.dumps(doc, indent=2, ensure_ascii=False)


Formats = Mapping[str, Callable[[Any], str]]
# Fields holding a time besides the `*_at` ones; tables show every time the same way (`when`).
TIME_FIELDS = frozenset({"scheduled_for", "time", "since", "until"})


def is_time_field(key: str) -> bool:
    return key.endswith("_at") or key in TIME_FIELDS


def details(
    doc: Mapping[str, Any], order: Iterable[str] = (), formats: Formats | None = None
) -> str:
    """One object as aligned lines: fields in `order` first, then the others as the API sent them.

    Lists of objects (attempts, steps) get one indented line per element, multi-line text one
    indented line per line, so nothing is cut. `formats` picks a formatter for some fields.
    """
    formats = formats or {}
    keys = [key for key in order if key in doc] + [key for key in doc if key not in order]
    pad = max((len(key) for key in keys), default=0) + 2
    lines = []
    for key in keys:
        value = doc[key]
        if key in formats:
            text = formats[key](value).splitlines() or [""]
            lines.append(key.ljust(pad) + text[0])
            lines.extend(" " * pad + line for line in text[1:])
        elif isinstance(value, str) and is_time_field(key):
            lines.append(key.ljust(pad) + when(value))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            lines.append(key)
            lines.extend(" " * pad + "- " + cell(element) for element in value)
        elif isinstance(value, str) and "\n" in value.strip():
            text = value.strip("\n").splitlines()
            lines.append(key.ljust(pad) + text[0])
            lines.extend(" " * pad + line for line in text[1:])
        else:
            lines.append(key.ljust(pad) + cell(value))
    return "\n".join(lines)


class Output:
    """The printer chosen by --output; commands call it once with the API's answer."""

    def __init__(self, fmt: str = "table") -> None:
        self.fmt = fmt

    @property
    def is_table(self) -> bool:
        return self.fmt == "table"

    def document(self, doc: Any) -> None:
        click.echo(dump(doc, self.fmt))

    def item(self, doc: Any, order: Iterable[str] = (), formats: Formats | None = None) -> None:
        """One object: the document itself in json/yaml, aligned fields in a table."""
        if not self.is_table:
            self.document(doc)
        elif isinstance(doc, Mapping):
            click.echo(details(doc, tuple(order), formats))
        else:
            click.echo(cell(doc))

    def items(self, doc: Any, columns: list[Column], empty: str = "Nothing found.") -> None:
        """A list answer `{"items", "total", "next_cursor"}`: the document, or a fitted table."""
        if not self.is_table:
            self.document(doc)
            return
        rows = doc.get("items", []) if isinstance(doc, Mapping) else list(doc or [])
        if not rows:
            click.echo(empty)
            return
        click.echo(render(rows, columns, terminal_width()))
        total = doc.get("total") if isinstance(doc, Mapping) else None
        if isinstance(total, int) and total > len(rows):
            click.echo(f"({len(rows)} of {total} shown; use --limit or filters to see others)")

    def message(self, text: str, doc: Any = None) -> None:
        """A sentence for people; json/yaml print the API's answer instead, if it had one."""
        if self.is_table:
            click.echo(text)
        elif doc is not None:
            self.document(doc)
