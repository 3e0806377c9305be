"""IDs alone: which texts have the shape of an ID (and so may not be names)."""

from __future__ import annotations

import pytest

from orchestrator import ids


class TestShape:
    @pytest.mark.parametrize(
        "text", ["J1234ABCD", "jenkins01", "P0000AAAA", "CJ7K2M9QXA", "R123456789ABC", "W9W1X3Y5Z"]
    )
    def test_id_shapes_are_recognised(self, text: str) -> None:
        """Any case and Crockford's confusable letters count, contexts and runs included."""
        assert ids.looks_like_id(text)

    @pytest.mark.parametrize("text", ["nightly", "J1234ABC", "report-J1234ABCD", "SCHEDULER"])
    def test_other_names_are_free(self, text: str) -> None:
        assert ids.looks_like_id(text) is None
