"""Run outputs in their table: large ones compressed behind a format byte, small ones and rows
written before compression read as JSON text, and every value comes back exactly."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from orchestrator.security.crypto import KeySource
from orchestrator.store import output_codec
from orchestrator.store.store import Store

LOG = "".join(
    f"2025-06-01T12:00:{i % 60:02d}Z INFO worker-{i % 8} item {i}\n" for i in range(20000)
)


def raw_row(path: Path, run_id: str) -> str | bytes:
    with sqlite3.connect(path) as db:
        return db.execute('SELECT value FROM "outputs" WHERE key = ?', (run_id,)).fetchone()[0]


class TestCodec:
    """The codec alone."""

    def test_large_values_are_compressed_behind_the_marker(self) -> None:
        """A log output shrinks severalfold and decodes to the same value."""
        value = {"stdout": LOG, "stderr": "", "truncated": False}
        row = output_codec.encode(value)
        assert isinstance(row, bytes) and row[:1] == output_codec.ZLIB
        assert len(row) * 3 < len(json.dumps(value))
        assert output_codec.decode(row) == value

    def test_small_values_stay_text(self) -> None:
        """An empty or short output is not worth compressing: it stays JSON text."""
        value = {"stdout": "ok\n", "stderr": "", "truncated": False}
        assert output_codec.decode(output_codec.encode(value)) == value
        assert isinstance(output_codec.encode(value), str)

    def test_lone_surrogates_and_other_scripts_round_trip(self) -> None:
        """What replaced undecodable bytes, and any script, comes back as it was."""
        value = {"stdout": "é€😀 \udc80" * 300, "stderr": "x"}
        assert output_codec.decode(output_codec.encode(value)) == value


class TestStoredOutputs:
    """Through the store, as the server writes and reads outputs."""

    def open(self, tmp_path: Path) -> Store:
        return Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))

    def test_a_large_output_is_stored_compressed_and_read_after_a_restart(
        self, tmp_path: Path
    ) -> None:
        """The row on disk is the compressed form; a reopened store reads the same output."""
        output = {"stdout": LOG, "stderr": "warn\n", "truncated": False, "dropped": {}}
        store = self.open(tmp_path)
        store.runs.save_output("R1", output)
        store.tables.flush()
        store.close()
        row = raw_row(tmp_path / "store.db", "R1")
        assert isinstance(row, bytes) and row[:1] == output_codec.ZLIB
        assert len(row) * 3 < len(LOG)
        store = self.open(tmp_path)
        try:
            assert store.runs.output("R1") == output
        finally:
            store.close()

    def test_rows_written_before_compression_still_read(self, tmp_path: Path) -> None:
        """An output stored as JSON text by an older server reads unchanged."""
        self.open(tmp_path).close()  # creates the tables
        old = {"stdout": LOG, "stderr": "", "truncated": False}
        with sqlite3.connect(tmp_path / "store.db") as db:
            db.execute('INSERT INTO "outputs" (key, value) VALUES (?, ?)', ("R0", json.dumps(old)))
        store = self.open(tmp_path)
        try:
            assert store.runs.output("R0") == old
        finally:
            store.close()
