"""How the store encodes its records: the same JSON text with orjson (the `fast` extra) as with
json, and whatever orjson refuses still written as json writes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator.store import tables
from orchestrator.store.tables import Tables

orjson = pytest.importorskip("orjson")


def plain(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class TestEncoding:
    """A record's stored text does not depend on which encoder wrote it."""

    def test_a_run_record_is_the_same_text_as_json_writes(self):
        """Nested steps, unicode, floats, None and booleans: byte for byte json's text."""
        steps = [{"id": f"s{n}", "state": "ok", "attempts": 1, "error": None} for n in range(3)]
        record = {"id": "R1", "name": "é ü 漢", "duration": 0.1 + 0.2, "ok": True, "steps": steps}
        assert tables._encode(record) == plain(record)

    @pytest.mark.parametrize("value", [{"text": "\ud800"}, {1: "a"}, {"big": 2**70}])
    def test_what_orjson_refuses_is_written_as_json_writes_it(self, value):
        """A lone surrogate, an integer key and a huge integer fall back to json."""
        with pytest.raises(TypeError):
            orjson.dumps(value)
        assert tables._encode(value) == plain(value)

    def test_records_read_back_equal_to_what_was_written(self, tmp_path: Path):
        """Written through a commit and read again from the file: the same record."""
        record = {"id": "R1", "steps": [{"id": "a", "depends_on": []}], "name": "ß"}
        store = Tables(tmp_path / "store.db")
        store["runs"].put("R1", record)
        store.flush()
        store.close()
        again = Tables(tmp_path / "store.db")
        assert again["runs"].get("R1") == record
        again.close()
