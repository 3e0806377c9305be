"""Tables and values for people: columns that fit the terminal, times and durations made short.

Only the `table` output format comes here; json and yaml print the API's document untouched.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GAP = "  "
MIN_WIDTH = 6
ELLIPSIS = "…"


def cell(value: Any) -> str:
    """One value on one line: null as '-', lists joined, objects as key=value pairs."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return ", ".join(f"{key}={cell(item)}" for key, item in value.items()) or "-"
    if isinstance(value, list | tuple):
        return ", ".join(cell(item) for item in value) or "-"
    return " ".join(str(value).split())


def when(value: Any) -> str:
    """An ISO 8601 time as local 'YYYY-MM-DD HH:MM:SS' (the raw text if it does not parse)."""
    if not value:
        return "-"
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def seconds(value: Any) -> str:
    """A duration in seconds as '15ms', '1.25s', '3m 05s' or '2h 10m'."""
    if value is None:
        return "-"
    try:
        total = float(value)
    except (TypeError, ValueError):
        return str(value)
    if total == 0:
        return "0s"
    if total < 1:
        return f"{total * 1000:.0f}ms"
    if total < 60:
        return f"{total:.2f}s"
    whole = round(total)
    if whole < 3600:
        return f"{whole // 60}m {whole % 60:02d}s"
    return f"{whole // 3600}h {whole % 3600 // 60:02d}m"


def size(value: Any) -> str:
    """A byte count as '512 B', '1.5 KiB', '2.0 MiB'."""
    if not isinstance(value, int | float):
        return cell(value)
    amount = float(value)
    for unit in ("B", "KiB", "MiB"):
        if amount < 1024 or unit == "MiB":
            return f"{amount:.0f} {unit}" if unit == "B" else f"{amount:.1f} {unit}"
        amount /= 1024
    return cell(value)


@dataclass(frozen=True)
class Column:
    """A table column: a header, the field it shows (or a function of the row), its format."""

    header: str
    key: str | Callable[[Mapping[str, Any]], Any]
    fmt: Callable[[Any], str] = cell
    shrink: bool = True

    def text(self, row: Mapping[str, Any]) -> str:
        value = self.key(row) if callable(self.key) else row.get(self.key)
        return self.fmt(value)


def terminal_width() -> int:
    """The terminal's width; 80 columns when output is not a terminal."""
    return max(40, shutil.get_terminal_size((80, 24)).columns)


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + ELLIPSIS


def fit(natural: list[int], columns: list[Column], width: int) -> list[int]:
    """Shrink the widest shrinkable columns, one character at a time, until the row fits."""
    widths = list(natural)
    budget = width - len(GAP) * (len(widths) - 1)
    while sum(widths) > budget:
        candidates = [
            index
            for index, column in enumerate(columns)
            if column.shrink and widths[index] > max(MIN_WIDTH, len(column.header))
        ]
        if not candidates:
            break
        widest = max(candidates, key=lambda index: widths[index])
        widths[widest] -= 1
    return widths


def render(rows: Iterable[Mapping[str, Any]], columns: list[Column], width: int = 0) -> str:
    """A table with a header line, every row on one line, no wider than `width` if it can be."""
    texts = [[column.text(row) for column in columns] for row in rows]
    natural = [
        max([len(column.header)] + [len(line[index]) for line in texts])
        for index, column in enumerate(columns)
    ]
    widths = fit(natural, columns, width or terminal_width())
    lines = []
    for line in [[column.header for column in columns], *texts]:
        padded = [clip(text, widths[index]).ljust(widths[index]) for index, text in enumerate(line)]
        lines.append(GAP.join(padded).rstrip())
    return "\n".join(lines)


def aligned(rows: Iterable[Iterable[Any]]) -> str:
    """Rows of cells as lines with aligned columns, for multi-line fields of a details view."""
    texts = [["-" if cell is None else str(cell) for cell in row] for row in rows]
    if not texts:
        return "-"
    count = max(len(row) for row in texts)
    widths = [max(len(row[i]) for row in texts if i < len(row)) for i in range(count)]
    return "\n".join(
        "  ".join(text.ljust(widths[i]) for i, text in enumerate(row)).rstrip() for row in texts
    )
