"""How a run's output is written to its table: JSON, zlib-compressed when it is large enough.

Job output is mostly log text, which zlib at level 1 shrinks 3.5 times (a flood of one byte a
hundred times) for about 10 µs more per typical run (`bench/output_store.py`, figures in
bench/README.md). A compressed row is a BLOB that starts with a format byte; rows written
before (JSON text) and small outputs (not worth compressing) are text and read as before.
"""

from __future__ import annotations

import zlib
from typing import Any

from orchestrator import json_codec

ZLIB = b"\x01"  # format marker of a zlib-compressed JSON row; a JSON text row never starts so
SMALL = 512  # characters of JSON under which compressing gains nothing
LEVEL = 1  # level 6 shrinks log text 20 % more for three times the time


def encode(value: Any) -> str | bytes:
    """The row for `value`: its JSON text, or the marker and that text compressed."""
    text = json_codec.dumps(value)
    if len(text) < SMALL:
        return text
    # surrogatepass: a lone surrogate in the output comes back exactly as it was.
    return ZLIB + zlib.compress(text.encode("utf-8", "surrogatepass"), LEVEL)


def decode(row: str | bytes) -> Any:
    """The value of a row in either form."""
    if isinstance(row, bytes):
        if row[:1] == ZLIB:
            return json_codec.loads(zlib.decompress(row[1:]).decode("utf-8", "surrogatepass"))
        row = row.decode("utf-8", "surrogatepass")
    return json_codec.loads(row)
