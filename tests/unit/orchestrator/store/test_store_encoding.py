"""How the store's tables encode their records: json's text, whichever encoder wrote it, and
every record read back from the file as it was written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orchestrator import json_codec
from orchestrator.store.tables import Tables


def plain(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class TestEncoding:
    """A record's stored text does not depend on which encoder wrote it."""

    def test_a_run_record_is_the_same_text_as_json_writes(self) -> None:
        """Nested steps, unicode, floats, None and booleans: byte for byte json's text."""
        steps = [{"id": f"s{n}", "state": "ok", "attempts": 1, "error": None} for n in range(3)]
        record = {"id": "R1", "name": "é ü 漢", "duration": 0.1 + 0.2, "ok": True, "steps": steps}
        assert json_codec.dumps(record) == plain(record)

    @pytest.mark.parametrize(
        "record",
        [
            {"id": "R1", "steps": [{"id": "a", "depends_on": []}], "name": "ß"},
            {"id": "R2", "stdout": "a\ud800b", "count": 2**70},
        ],
        ids=["plain", "what orjson refuses"],
    )
    def test_records_read_back_equal_to_what_was_written(self, tmp_path: Path, record) -> None:
        """Written through a commit and read again from the file: the same record."""
        store = Tables(tmp_path / "store.db")
        store["runs"].put(record["id"], record)
        store.flush()
        store.close()
        again = Tables(tmp_path / "store.db")
        assert again["runs"].get(record["id"]) == record
        again.close()
