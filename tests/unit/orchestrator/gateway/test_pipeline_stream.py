"""The pipeline stream's cursor alone: the offsets of each step run, parsed and written back."""

from __future__ import annotations

import pytest

from orchestrator.errors import ValidationError
from orchestrator.gateway.pipeline_stream import cursor_id, parse_cursors


class TestCursors:
    """The pipeline cursor names each step run's offsets; an absent step run starts at 0."""

    def test_round_trip(self) -> None:
        """Parsed back to the same offsets; step runs still at 0 are left out of the id."""
        cursors = parse_cursors("R1:o12.e0, R2:o0.e7")
        assert cursors == {"R1": {"stdout": 12, "stderr": 0}, "R2": {"stdout": 0, "stderr": 7}}
        cursors["R3"] = {"stdout": 0, "stderr": 0}
        assert cursor_id(cursors) == "R1:o12.e0,R2:o0.e7"
        assert parse_cursors(None) == {} and parse_cursors("") == {}

    def test_bad_forms(self) -> None:
        """A job cursor, a missing run ID or a negative offset is refused."""
        for bad in ("o1.e0", ":o1.e0", "R1:o-1.e0", "R1:o1.e0,"):
            with pytest.raises(ValidationError):
                parse_cursors(bad)
