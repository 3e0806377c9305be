"""Following a pipeline run's output: every step's run is followed on its own stream as soon as
it starts (steps may run side by side, so one thread each), and its lines are printed as
`[step] text` through one shared printer, until the pipeline run has ended.

The steps' own streams are used rather than one stream of the pipeline run: they exist for every
server that streams a job run's output, and they are what the web UI shows for a step.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping
from typing import Any

from cli.client import ApiClient, ApiError, path
from cli.live import OutputStream, Printer
from cli.waiting import is_finished

log = logging.getLogger("orchestrator.cli.live")
POLL = 0.5  # seconds between two looks at the pipeline run for steps that started


class StepFollower:
    """The threads that follow the steps of one pipeline run, writing through one printer."""

    def __init__(self, client: ApiClient, printer: Printer, deadline: float | None) -> None:
        self.client = client
        self.printer = printer
        self.deadline = deadline
        self.lock = threading.Lock()
        self.threads: dict[str, threading.Thread] = {}

    def notice(self, run: Mapping[str, Any]) -> None:
        """Start following each step that has a run and is not followed yet."""
        for step in run.get("steps") or []:
            step_id, run_id = str(step.get("id")), step.get("run_id")
            if run_id and step_id not in self.threads:
                thread = threading.Thread(
                    target=self._follow, args=(step_id, str(run_id)), daemon=True
                )
                self.threads[step_id] = thread
                thread.start()

    def _follow(self, step_id: str, run_id: str) -> None:
        try:
            for name, event in OutputStream(self.client, run_id, self.deadline):
                if name == "output":
                    with self.lock:
                        self.printer.write({**event, "step": step_id})
        except ApiError as err:
            # The pipeline's end decides the exit code; a step's lost stream is only logged.
            log.warning("cannot follow step %s (%s): %s", step_id, run_id, err.message)

    def join(self) -> None:
        """Wait for every step's stream to end (or the deadline), in short waits that Ctrl-C
        can interrupt."""
        for thread in self.threads.values():
            while thread.is_alive():
                if self.deadline is not None and time.monotonic() >= self.deadline:
                    return
                thread.join(0.2)


def stream_pipeline(
    client: ApiClient, run: Mapping[str, Any], deadline: float | None, printer: Printer
) -> Mapping[str, Any]:
    """Print every step's output as it is written until the pipeline run ends or `deadline`
    passes; answer the pipeline run as last read."""
    follower = StepFollower(client, printer, deadline)
    while True:
        follower.notice(run)
        if is_finished(run) or (deadline is not None and time.monotonic() >= deadline):
            break
        time.sleep(POLL)
        run = client.get(path("runs", run["id"]))
    follower.join()
    return run
