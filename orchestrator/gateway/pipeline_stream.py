"""Following a pipeline run's output: every step run's output, as it is written, on one stream.

The steps' job runs are found in the pipeline run's `steps` (each step has its `run_id` once it
started). The pipeline run is read again after a commit writes it or one of its step runs (a
watch on the gateway's `RunWaiters`, so a step that starts is seen at once), and at least every
RECHECK seconds. Each step run is followed as a job run's stream follows it: on its live buffer
while it is written (no actor asked), else from what is stored. Events carry `step` and
`run_id`; their id is the cursor of every step run (`R…:o<stdout>.e<stderr>` joined by `,`), so
`Last-Event-ID` resumes each step run where it was, and one the cursor does not name from 0.
`end` comes once the pipeline run has ended and every step run's output was sent.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from aiohttp import web

from actors import messages as m
from orchestrator.errors import NotFound, ValidationError
from orchestrator.execution.live import STREAMS, RunOutput
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import services
from orchestrator.gateway.run_output import OutputSource, output_source
from orchestrator.gateway.stream_events import (
    RECHECK,
    KeepAlive,
    Wakeup,
    end_event,
    send_pieces,
)
from orchestrator.log import get_logger
from orchestrator.models.run import TERMINAL

log = get_logger("orchestrator.gateway")
PART = re.compile(r"^(R[0-9A-Z]{1,40}):o(\d{1,18})\.e(\d{1,18})$")


def parse_cursors(text: str | None) -> dict[str, dict[str, int]]:
    """Offsets to resume from per step run, from `Last-Event-ID`; none (all from 0) without."""
    cursors: dict[str, dict[str, int]] = {}
    if not text:
        return cursors
    for part in text.split(","):
        found = PART.match(part.strip())
        if found is None:
            example = "R…:o1024.e0,R…:o0.e0"
            raise ValidationError(
                {"last_event_id": f"must be <run id>:o<bytes>.e<bytes> joined by commas: {example}"}
            )
        cursors[found[1]] = {"stdout": int(found[2]), "stderr": int(found[3])}
    return cursors


def cursor_id(cursors: dict[str, dict[str, int]]) -> str:
    """The event id: every step run past its start (the others resume from 0 anyway)."""
    moved = (item for item in cursors.items() if any(item[1].values()))
    return ",".join(f"{rid}:o{at['stdout']}.e{at['stderr']}" for rid, at in moved)


class StepRun:
    """One step's job run as the stream follows it."""

    def __init__(self, step_id: str, run_id: str) -> None:
        self.step_id = step_id
        self.run_id = run_id
        self.done = False
        self.followed: RunOutput | None = None
        self.unsubscribe: Callable[[], None] | None = None

    def stop_following(self) -> None:
        if self.unsubscribe is not None:
            self.unsubscribe()
        self.followed, self.unsubscribe = None, None


class PipelineFollower:
    """The state of one pipeline stream: the step runs seen, their cursors, the watches."""

    def __init__(
        self, request: web.Request, response: web.StreamResponse, run: dict, cursors: dict
    ) -> None:
        self.request = request
        self.response = response
        self.svc = services(request)
        self.run = run
        self.cursors = cursors
        self.steps: dict[str, StepRun] = {}  # by run ID, in the order first seen
        self.wake = Wakeup(asyncio.get_running_loop())
        self.changed = True  # a commit wrote the pipeline run or a step run: read it again
        self.unwatch: list[Callable[[], None]] = []
        self._watch(run["id"])

    def _watch(self, run_id: str) -> None:
        waiters = self.svc.waiters
        if waiters is not None:
            self.unwatch.append(waiters.watch(run_id, self._committed))

    def _committed(self) -> None:
        self.changed = True
        self.wake()

    def notice(self, run: dict) -> None:
        """Follow each step run the pipeline run names and that is not followed yet."""
        self.run = run
        for step in run.get("steps") or []:
            run_id = step.get("run_id")
            if run_id and run_id not in self.steps:
                self.steps[run_id] = StepRun(str(step["id"]), run_id)
                self.cursors.setdefault(run_id, dict.fromkeys(STREAMS, 0))
                self._watch(run_id)
                log.debug("pipeline stream follows a step", step=step["id"], run_id=run_id)

    async def source(self, step: StepRun, refresh: bool) -> OutputSource | None:
        """The step run's output now (its live buffer, else as stored), or None when nothing
        can have changed since the last look."""
        live = self.svc.live.get(step.run_id) if self.svc.live is not None else None
        if live is not None and not live.complete:
            if live is not step.followed:
                step.stop_following()
                step.followed, step.unsubscribe = live, live.subscribe(self.wake)
            return OutputSource(live, None, {"state": "running"})
        if not refresh and step.followed is None:
            return None
        step.stop_following()  # its buffer is done: the rest is read from the store
        try:
            return await output_source(self.request, step.run_id)
        except NotFound:  # purged from the history: nothing more to send
            step.done = True
            return None

    async def send(self, step: StepRun, source: OutputSource) -> None:
        """Send what the step run holds past its cursor, tagged with its step and run."""
        tags = {"step": step.step_id, "run_id": step.run_id}
        cursor, cursors = self.cursors[step.run_id], self.cursors
        await send_pieces(self.response, source, cursor, lambda: cursor_id(cursors), tags)
        step.done = step.done or source.complete

    async def follow(self) -> None:
        loop = asyncio.get_running_loop()
        keep_alive = KeepAlive(self.response)
        read_at = loop.time()
        while True:
            refresh = self.changed or loop.time() - read_at >= RECHECK
            if refresh:
                self.changed = False
                self.notice(await ask(self.svc.storage, m.GetRun(self.run["id"])))
                read_at = loop.time()
            for step in list(self.steps.values()):
                if not step.done:
                    source = await self.source(step, refresh)
                    if source is not None:
                        await self.send(step, source)
            if self.run["state"] in TERMINAL and all(s.done for s in self.steps.values()):
                await self.response.write(end_event(self.run["id"], self.run))
                return
            await keep_alive.tick()
            await self.wake.wait(RECHECK)

    def close(self) -> None:
        for stop in self.unwatch:
            stop()
        for step in self.steps.values():
            step.stop_following()


async def follow_pipeline(
    request: web.Request, response: web.StreamResponse, run: dict, cursors: dict
) -> None:
    """Replay every step run from `cursors`, follow them until the pipeline run ends, `end`."""
    follower = PipelineFollower(request, response, run, cursors)
    try:
        await follower.follow()
    finally:
        follower.close()
