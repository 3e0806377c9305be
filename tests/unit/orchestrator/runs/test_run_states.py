"""The run and step state machines: every transition listed is allowed, every other refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orchestrator.models.run import TERMINAL, RunState
from orchestrator.runs.states import (
    PENDING,
    RUN_TRANSITIONS,
    STEP_TRANSITIONS,
    ForbiddenTransition,
    check_run,
    check_step,
    finish,
    move,
)

RUN_STATES = list(RunState)
STEP_STATES = [PENDING, *RunState]
RUN_PAIRS = [(a, b) for a in RUN_STATES for b in RUN_STATES]
STEP_PAIRS = [(a, b) for a in STEP_STATES if a != RunState.SCHEDULED for b in STEP_STATES]
AT = datetime(2024, 1, 1, 12, 0, 10, tzinfo=UTC)


class TestRunTransitions:
    """A run moves only along the table; a final state is never left."""

    @pytest.mark.parametrize(("current", "target"), RUN_PAIRS)
    def test_each_pair(self, current: RunState, target: RunState) -> None:
        """Listed pairs pass; every other pair raises ForbiddenTransition."""
        if target in RUN_TRANSITIONS[current]:
            check_run(current, target)
            assert move({"state": current}, target)["state"] == target
        else:
            with pytest.raises(ForbiddenTransition):
                check_run(current, target)

    def test_final_states_have_no_way_out(self) -> None:
        """Every final state lists no transition at all."""
        assert all(not RUN_TRANSITIONS[state] for state in TERMINAL)


class TestStepTransitions:
    """A step moves only along its table (a failed step may be queued again)."""

    @pytest.mark.parametrize(("current", "target"), STEP_PAIRS)
    def test_each_pair(self, current: str, target: str) -> None:
        """Listed pairs pass; every other pair raises ForbiddenTransition."""
        if target in STEP_TRANSITIONS[current]:
            check_step(current, target)
        else:
            with pytest.raises(ForbiddenTransition):
                check_step(current, target)


class TestFinish:
    """The one function that writes a run's final state."""

    def test_a_started_run_gets_its_end_and_duration(self) -> None:
        """Finishing a running run sets state, error, finished_at and duration."""
        run = {"state": "running", "started_at": "2024-01-01T12:00:00Z"}
        final = finish(run, RunState.FAILED, "boom", AT)
        assert (final["state"], final["error"], final["duration"]) == ("failed", "boom", 10.0)
        assert final["finished_at"].startswith("2024-01-01T12:00:10")

    def test_steps_not_begun_are_skipped_or_interrupted_when_cut(self) -> None:
        """Pending steps are skipped; with `cut`, going and pending steps are interrupted."""
        steps = [{"state": "succeeded"}, {"state": "running"}, {"state": "pending"}]
        run = {"state": "running", "steps": steps}
        ended = finish(run, RunState.CANCELLED, None, AT)
        assert [s["state"] for s in ended["steps"]] == ["succeeded", "running", "skipped"]
        cut = finish(run, RunState.INTERRUPTED, None, AT, cut=True)
        assert [s["state"] for s in cut["steps"]] == ["succeeded", "interrupted", "interrupted"]

    def test_a_final_state_is_never_overwritten(self) -> None:
        """A finished run cannot be finished again, nor finished into a non-final state."""
        with pytest.raises(ForbiddenTransition):
            finish({"state": "succeeded"}, RunState.FAILED, "late", AT)
        with pytest.raises(ForbiddenTransition):
            finish({"state": "running"}, RunState.RETRYING, None, AT)
