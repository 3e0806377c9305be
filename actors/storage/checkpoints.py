"""Checkpoints of running output: what a kill -9 of the server would otherwise lose.

A run's output is stored when the run ends; a server stopped by a signal ends its runs first,
but a killed one cannot. So every `jobs.output_checkpoint_interval` seconds the Timekeeper tells
Storage `SaveLiveOutputs`, and Storage stores the output of each running attempt that wrote
something since the last checkpoint, through the same path as a finished run's output. A run
costs nothing for it (no message per run or per chunk): one tell per interval does all.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.execution.live import LiveOutputs
from orchestrator.log import get_logger
from orchestrator.store.history import ACTIVE

log = get_logger("orchestrator.storage")


class OutputCheckpoints:
    """The live outputs to look at, how often (seconds; 0: never), and where each stood at
    its last checkpoint."""

    def __init__(self, live: LiveOutputs, timekeeper: Any, every: float = 5.0) -> None:
        self.live = live
        self.timekeeper = timekeeper
        self.every = every
        self.saved: dict[str, dict[str, int]] = {}  # run ID -> positions at the last save

    def arm(self, ref: Any) -> None:
        """Have `ref` told `SaveLiveOutputs` in `every` seconds (nothing if disabled)."""
        if self.every > 0 and self.timekeeper is not None:
            self.timekeeper.wake_in(self.every, ref, m.SaveLiveOutputs())

    def changed(self) -> dict[str, dict]:
        """The stored form of each live output that grew since its last checkpoint."""
        found: dict[str, dict] = {}
        running = {}
        for run_id, output in self.live.items():
            positions = output.positions()
            running[run_id] = self.saved.get(run_id)
            if any(positions.values()) and positions != running[run_id]:
                found[run_id] = output.final()
                running[run_id] = positions
        self.saved = running  # runs that ended are forgotten
        return found


def save_live_outputs(storage: Any, message: m.SaveLiveOutputs) -> None:
    checkpoints: OutputCheckpoints | None = storage.checkpoints
    if checkpoints is None:
        return
    try:
        runs, saved = storage.store.runs, 0
        for run_id, output in checkpoints.changed().items():
            run = runs.records.get(run_id)
            # A run that ended meanwhile has its final output stored: never overwrite it.
            if run is not None and run["state"] in ACTIVE:
                runs.save_output(run_id, output)
                saved += 1
        if saved:
            log.debug("output of running attempts saved", runs=saved)
    finally:
        checkpoints.arm(storage.actor_ref)  # a failure here must not end the checkpoints


HANDLERS = {m.SaveLiveOutputs: save_live_outputs}
