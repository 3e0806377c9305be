"""JSON for the store's rows and the API's answers: orjson where it can, the standard library
where it cannot.

orjson encodes a run record about ten times faster and decodes three times faster than `json`
(measured in bench/README.md, "Issue 13"), and shares the str objects of short dict keys, as the
store's interning did. It refuses a few values the standard library takes: a lone surrogate, an
integer beyond 64 bits, NaN on input. Those are refused at the API's edge, but a value that gets
this far anyway is written and read by `json` exactly as before, so nothing stored changes form.
"""

from __future__ import annotations

import json
import sys
from typing import Any

try:
    import orjson
except ImportError:  # pragma: no cover - orjson is a dependency; kept for odd platforms
    orjson = None

_OPTIONS = orjson.OPT_NON_STR_KEYS if orjson else 0
# The standard library's decoder, with short keys interned as orjson's key cache shares them.
_DECODER = json.JSONDecoder(object_pairs_hook=lambda pairs: {sys.intern(k): v for k, v in pairs})


def dumps(value: Any) -> str:
    """Compact JSON text, non-ASCII characters kept as they are."""
    if orjson is not None:
        try:
            return orjson.dumps(value, option=_OPTIONS).decode()
        except (TypeError, UnicodeDecodeError):  # JSONEncodeError is a TypeError
            pass
    return stdlib_dumps(value)


def stdlib_dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def loads(text: str | bytes) -> Any:
    """The value of JSON text, in either form `dumps` writes."""
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return stdlib_loads(text)


def stdlib_loads(text: str | bytes) -> Any:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogatepass")
    return _DECODER.decode(text)
