"""The Dask executor: each attempt runs as one Dask task on a worker of a cluster.

Same contract as `LocalExecutor`: `start` returns an `Execution` at once and `on_done` gets
exactly one `AttemptResult`. The worker runs the shell with the local executor's own code
(`dask_task`); its messages come back on one event topic, handled on the client's event loop:
`started` (the process runs: `on_started`), `out` (chunks into the run's output, masked there),
`done` (the result; for a short attempt also where it ran and all of its output). The task's
future covers what the worker cannot say: its worker died ("worker lost", never run again:
re-runs are off), the server's scheduler went away, the worker refused it (another version).

Attempts are sent from the client's event loop in batches (`dask_submit.Batcher`): those started
close together go to the scheduler as one graph per set of resources.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import msgpack

import orchestrator
from orchestrator.execution.dask_cluster import Cluster, DaskSettings
from orchestrator.execution.dask_submit import Batcher
from orchestrator.execution.dask_task import TOPIC
from orchestrator.execution.handle import DoneCallback, Execution
from orchestrator.execution.live import RunOutput
from orchestrator.execution.model import AttemptResult, AttemptSpec, Outcome
from orchestrator.log import get_logger
from orchestrator.threadpool import POOL

log = get_logger("orchestrator.execution.dask")
# After a cancel, how long the worker's own report (the tree is stopped) is awaited past the grace.
CANCEL_REPORT = 10.0
# A cancelled attempt not yet announced by a worker: how long to wait for that worker to say it
# runs it (it does so at once on the cancel) before taking it as never started.
ANNOUNCE_WAIT = 2.0


class _Remote:
    """One attempt sent to the cluster, until its result is delivered."""

    def __init__(
        self,
        spec: AttemptSpec,
        handle: Execution,
        on_done: DoneCallback,
        on_started: Callable[[dict | None], None] | None,
        output: RunOutput,
    ) -> None:
        self.spec, self.handle, self.on_done, self.on_started = spec, handle, on_done, on_started
        self.output = output
        self.origin = output.positions()
        self.started_at = datetime.now(UTC)
        self.future: Any = None
        self.worker: dict | None = None  # where it runs, once the worker said so


class DaskExecutor:
    """Runs attempts on a Dask cluster; see the module's docstring."""

    def __init__(self, settings: DaskSettings, passthrough: tuple[str, ...]) -> None:
        self.passthrough = passthrough
        self.cluster = Cluster(settings, TOPIC, self._event)
        self._lock = threading.Lock()
        self._attempts: dict[str, _Remote] = {}
        self._batcher = Batcher(self._watch, self._not_sent, self.running)

    def start_cluster(self) -> None:
        self.cluster.start()

    def close(self) -> None:
        self.cluster.close()

    def placeable(self, resources: dict[str, float]) -> str | None:
        """Why a run needing `resources` must wait (admission shows it), or None."""
        return self.cluster.placeable(resources)

    def workers(self) -> dict:
        """The cluster's workers as `GET /system/workers` shows them (the Executor's name)."""
        return self.cluster.describe()

    def start(
        self,
        spec: AttemptSpec,
        on_done: DoneCallback,
        on_started: Callable[[dict | None], None] | None = None,
        output: RunOutput | None = None,
    ) -> Execution:
        handle = Execution()
        output = output or RunOutput(spec.max_output_bytes, spec.secrets)
        remote = _Remote(spec, handle, on_done, on_started, output)
        attempt = uuid.uuid4().hex
        with self._lock:
            self._attempts[attempt] = remote
        client = self.cluster.client
        if client is None or not self.cluster.reachable:
            self._finish(attempt, Outcome.ERROR, error="cluster unreachable")
            return handle
        payload = {
            "version": orchestrator.__version__,
            "attempt": attempt,
            "command": spec.command,
            "workdir": spec.workdir,
            "env": spec.env,
            "timeout": spec.timeout,
            "kill_grace": spec.kill_grace,
            "passthrough": list(self.passthrough),
        }
        self._batcher.add(client, attempt, payload, spec.resources)
        log.debug("attempt submitted", attempt=attempt, resources=spec.resources)
        return handle

    def _not_sent(self, attempt: str, error: str) -> None:
        self._finish(attempt, Outcome.ERROR, error=error)

    def _watch(self, attempt: str, future: Any) -> None:
        with self._lock:
            remote = self._attempts.get(attempt)
        if remote is None:
            return
        remote.future = future
        remote.handle.set_waker(lambda: POOL.submit(future.cancel))
        if remote.handle.cancelled:  # cancelled before it was sent: its waker was not there yet
            POOL.submit(future.cancel)
        asyncio.ensure_future(self._await_end(attempt, future))

    async def _await_end(self, attempt: str, future: Any) -> None:
        """On the loop: wait for the task's end. Its `done` message came first as a rule, so
        only an attempt still open costs a hand-off to a thread (its checks may block), and
        not one hop to Dask's callback thread per attempt as `add_done_callback` would."""
        state = getattr(future, "_state", None)  # Dask's own done-callback waits on it
        if not hasattr(state, "wait"):  # a Dask without it: its public callback, one hop more
            future.add_done_callback(
                lambda _: POOL.submit(lambda: self._future_done(attempt, future))
            )
            return
        await state.wait()
        with self._lock:
            if attempt not in self._attempts:
                return
        POOL.submit(lambda: self._future_done(attempt, future))

    def _event(self, event: tuple[float, Any]) -> None:
        """A worker's message on the client's event loop; quick, never blocks."""
        message = event[1]
        if isinstance(message, bytes):  # packed by `dask_task._send`
            message = msgpack.unpackb(message)
        attempt = message.get("a")
        with self._lock:
            remote = self._attempts.get(attempt)
        if remote is None:
            return  # another server's attempt, or one already ended
        kind = message.get("t")
        if kind == "out":
            for stream, chunk, when in message["chunks"]:
                remote.output.write(stream, chunk, when)
        elif kind == "started":
            self._started(remote, message)
        elif kind == "done":
            if "where" in message:  # it ended before it said where it runs: say it first
                self._started(remote, message)
            for stream, chunk, when in message["chunks"]:
                remote.output.write(stream, chunk, when)
            self._finish_with(attempt, message["result"])

    @staticmethod
    def _started(remote: _Remote, message: dict) -> None:
        remote.worker = {k: message["where"][k] for k in ("name", "host")}
        if remote.on_started is not None:
            # No local `pid`/`sid`: a restarted server's recovery must not look for it here.
            mark = {**remote.worker, "pid": None, "remote_pid": message.get("pid")}
            remote.on_started(mark)

    def _finish_with(self, attempt: str, answer: dict) -> None:
        self._finish(
            attempt,
            Outcome(answer["outcome"]),
            code=answer["exit_code"],
            error=answer["error"],
            started=datetime.fromtimestamp(answer["started_at"], UTC),
            worker=answer["worker"],
        )

    def _future_done(self, attempt: str, future: Any) -> None:
        """The task's future ended before its `done` message came (on a pooled thread)."""
        with self._lock:
            remote = self._attempts.get(attempt)
        if remote is None:
            return  # its `done` message came first, as it should
        status = future.status
        if status == "finished":  # the `done` message was lost: fetch the result itself
            try:
                self._finish_with(attempt, json.loads(future.result(timeout=CANCEL_REPORT)))
            except Exception as err:  # noqa: BLE001
                self._finish(attempt, Outcome.ERROR, error=f"the result was lost: {err}")
        elif status == "error":
            self._finish(attempt, Outcome.ERROR, error=self._describe(remote, future.exception()))
        elif remote.handle.cancelled:
            self._await_report(attempt, remote)
        else:
            self._finish(
                attempt, Outcome.ERROR, error="the attempt was lost with the cluster's scheduler"
            )

    def _await_report(self, attempt: str, remote: _Remote, waited: bool = False) -> None:
        """A cancelled attempt: its worker stops the tree (TERM, grace, KILL), then reports."""
        if remote.worker is None and waited:
            self._finish(attempt, Outcome.CANCELLED, error="cancelled")  # it never started
            return
        if remote.worker is None:
            delay, then = ANNOUNCE_WAIT, lambda: self._await_report(attempt, remote, True)
        else:
            delay = remote.spec.kill_grace + CANCEL_REPORT
            then = lambda: self._finish(attempt, Outcome.CANCELLED, error="cancelled")  # noqa: E731
        timer = threading.Timer(delay, then)
        timer.daemon = True
        timer.start()

    @staticmethod
    def _describe(remote: _Remote, exc: BaseException | None) -> str:
        name = type(exc).__name__
        if name == "KilledWorker":
            where = remote.worker
            on = f" ({where['name']} on {where['host']})" if where else ""
            return f"worker lost{on}: it stopped while running the attempt, which is not re-run"
        if name == "VersionMismatch":
            return str(exc)
        if isinstance(exc, ModuleNotFoundError | ImportError):
            return f"the worker cannot run Orchestrator's task: {exc}"
        return f"the cluster failed the attempt: {name}: {exc}"

    def _finish(
        self,
        attempt: str,
        outcome: Outcome,
        code: int | None = None,
        error: str | None = None,
        started: datetime | None = None,
        worker: dict | None = None,
    ) -> None:
        """Deliver the attempt's result, once (the first caller wins)."""
        with self._lock:
            remote = self._attempts.pop(attempt, None)
        if remote is None:
            return
        output, origin = remote.output, remote.origin
        for stream in ("stdout", "stderr"):
            output.end(stream)
        where = worker or remote.worker
        result = AttemptResult(
            outcome=outcome,
            exit_code=code,
            stdout=output.text_since("stdout", origin["stdout"]),
            stderr=output.text_since("stderr", origin["stderr"]),
            truncated=output.truncated,
            started_at=started or remote.started_at,
            finished_at=datetime.now(UTC),
            error=error,
            worker={k: where[k] for k in ("name", "host")} if where else None,
        )
        remote.future = None
        remote.handle.finish(result, remote.on_done)

    def running(self) -> int:
        with self._lock:
            return len(self._attempts)
