"""The JSON of the store's rows and the API's answers: orjson, and the standard library for what
orjson refuses, with one text form for both."""

from __future__ import annotations

import json

import pytest

from orchestrator import json_codec
from orchestrator.store import output_codec

RUN = {
    "id": "R0123456789AB",
    "state": "succeeded",
    "attempts": [{"number": 1, "exit_code": 0, "worker": {"name": "local", "host": "é"}}],
    "env": {},
    "error": None,
    "duration": 0.25,
}


class TestOneForm:
    """Both encoders write the same compact text, so rows of either read back the same."""

    def test_orjson_writes_what_the_standard_library_writes(self) -> None:
        assert json_codec.orjson is not None  # a dependency: the fast path is the one tested
        assert json_codec.dumps(RUN) == json_codec.stdlib_dumps(RUN)
        assert "é" in json_codec.dumps(RUN)  # not escaped, as before

    def test_rows_written_before_read_back_the_same(self) -> None:
        old_row = json.dumps(RUN, separators=(",", ":"), ensure_ascii=False)
        assert json_codec.loads(old_row) == RUN
        assert json_codec.loads(old_row.encode()) == RUN


class TestWhatOrjsonRefuses:
    """A value orjson cannot take is written and read by the standard library instead."""

    @pytest.mark.parametrize(
        "value",
        [{"text": "a\ud800b"}, {"count": 2**70}, {1: "integer key"}],
        ids=["lone surrogate", "integer beyond 64 bits", "integer key"],
    )
    def test_is_written_and_read_back(self, value: dict) -> None:
        text = json_codec.dumps(value)
        assert json_codec.loads(text) == {str(k): v for k, v in value.items()}

    def test_nan_and_escaped_surrogates_are_read(self) -> None:
        assert json_codec.loads('{"k":"\\ud800"}') == {"k": "\ud800"}
        assert json_codec.loads('{"v":NaN}')["v"] != json_codec.loads('{"v":NaN}')["v"]

    def test_a_large_output_with_a_lone_surrogate_survives_compression(self) -> None:
        value = {"stdout": "x\udcff" * 600, "stderr": ""}
        row = output_codec.encode(value)
        assert isinstance(row, bytes) and row[:1] == output_codec.ZLIB
        assert output_codec.decode(row) == value
