"""Output checkpoints alone: what running attempts wrote is saved every few seconds, so that a
server killed with SIGKILL keeps it (tests/integration/store/test_output_checkpoints.py); runs that
wrote nothing new cost nothing."""

from __future__ import annotations

from actors.storage.checkpoints import OutputCheckpoints
from orchestrator.execution.live import LiveOutputs, RunOutput


class TestChanged:
    """Which live outputs a checkpoint saves."""

    def test_only_outputs_that_grew_since_the_last_checkpoint(self) -> None:
        """Written, saved once; unchanged, skipped; written again, saved again; silent, never."""
        live, busy, silent = LiveOutputs(), RunOutput(1000), RunOutput(1000)
        live.add("R1", busy)
        live.add("R2", silent)
        checkpoints = OutputCheckpoints(live, timekeeper=None)
        busy.write("stdout", b"one\n")
        first = checkpoints.changed()
        assert list(first) == ["R1"] and first["R1"]["stdout"] == "one\n"
        assert checkpoints.changed() == {}
        busy.write("stderr", b"two\n")
        assert checkpoints.changed()["R1"]["stderr"] == "two\n"

    def test_ended_runs_are_forgotten(self) -> None:
        """A run no longer live leaves no trace in the checkpoints."""
        live, output = LiveOutputs(), RunOutput(1000)
        live.add("R1", output)
        output.write("stdout", b"x")
        checkpoints = OutputCheckpoints(live, timekeeper=None)
        checkpoints.changed()
        live.discard("R1")
        assert checkpoints.changed() == {} and checkpoints.saved == {}
