"""The CLI's words for the last day's runs: only the finished ones are said to be finished."""

from __future__ import annotations

from cli import metrics_view


class TestLast24Hours:
    def test_unfinished_runs_are_not_called_finished(self) -> None:
        """Runs counted by state over the last day are "runs", and only the finished ones are
        said to be finished."""
        doc = {"runs": {"by_state_24h": {"running": 1, "succeeded": 6}, "finished_24h": 6}}
        assert metrics_view.runs_24h(doc) == "7 runs: running 1, succeeded 6; 6 finished"
        assert metrics_view.runs_24h({"runs": {"by_state_24h": {}}}) == "no runs"
