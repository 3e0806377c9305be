"""A PipelineRun's records: the one handed to Storage with each step shares its unchanged step
dicts with the next, so it costs a list copy, and nothing handed over is changed later."""

from __future__ import annotations

from tests.unit.actors.supervisor.test_pipeline_run import Driven, define, storage  # noqa: F401


class TestRecord:
    """Later steps replace the step dicts a handed-over record shares, never change them."""

    def test_a_record_handed_over_is_never_changed_afterwards(self, storage, tmp_path):  # noqa: F811
        """a's end and b's launch leave the record of a's launch as it was handed over."""
        driven = Driven(storage, define(storage, tmp_path, [{"id": "a"}, {"id": "b"}]))
        first = driven.supervisor.launched[0][0]
        frozen = [dict(step) for step in first["steps"]]
        driven.step("a")
        latest = driven.supervisor.launched[-1][0]
        assert first["steps"] == frozen and first["steps"][0]["state"] == "queued"
        assert [step["state"] for step in latest["steps"]] == ["succeeded", "queued"]
        assert latest["steps"][0] is not first["steps"][0]  # replaced, not changed in place
        assert latest["steps"][1] is not first["steps"][1]
