"""The worker side of the Dask executor: one attempt as one Dask task, run by a Dask worker.

Imported on the workers, so it needs only `distributed` and the execution pieces that run an
attempt without a server (`local._Attempt`: the same spawn, timeout, kill grace and tree kill as
local runs). The task talks back through the worker's event log (`log_event` on the attempt's
topic, forwarded by the scheduler to the server's client, each message packed by msgpack into one
bytes value), on one ordered stream: `started` (where it runs), `out` (output chunks, batched)
and `done` (the result). Every message costs the worker, the scheduler and the server a little,
so a task says no more than it must: `started` and `out` wait up to `FLUSH_DELAY` (or
`FLUSH_BYTES` of output), and a task that ends sooner sends one message, `done`, which carries
where it ran and all of its output.

The task is a coroutine on the worker's event loop: the spawn and a short attempt's end are
handled there, and only an attempt that runs longer than `FLUSH_DELAY` (or leaves processes
behind) is watched by a thread, with the local executor's code. A task is stopped when the
worker no longer runs it as ours: cancelled by the server (a cancel, or the server's client went
away: a restart of the server stops its remote attempts), or the worker is closing. One monitor
thread per worker process checks that every `POLL` seconds, from the worker's own state, without
asking the scheduler.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import json
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import msgpack

import orchestrator
from orchestrator.execution.handle import Execution
from orchestrator.execution.local import Launch, _Attempt
from orchestrator.execution.model import AttemptResult, AttemptSpec
from orchestrator.threadpool import POOL

TOPIC = "orchestrator-attempts"
KEY_PREFIX = "orchestrator-"  # + the attempt's id: the key of its task
POLL = 0.1  # seconds between checks that each attempt is still wanted
FLUSH_DELAY = 0.05  # seconds output may wait on the worker, to be sent in fewer messages
FLUSH_BYTES = 65536
RUNNING_STATES = frozenset({"executing", "long-running"})
HOST = socket.gethostname()


class VersionMismatch(RuntimeError):
    """The worker's Orchestrator is not the server's: the task is refused before it runs."""


class Relay:
    """The attempt's messages to the server, batched (see the module): the output's chunks go to
    the server, which masks, caps and keeps them in the run's output (nothing is kept here)."""

    def __init__(self, send: Callable[[dict], None], attempt: str) -> None:
        self.send, self.attempt = send, attempt
        self.lock = threading.Lock()
        self.announcement: dict | None = None  # the `started` message, until it is sent
        self.pending: list[list] = []
        self.size = 0
        self.first_at: float | None = None  # when the oldest unsent message became pending
        self.truncated = False

    def announce(self, where: dict, pid: int) -> None:
        """The process runs: say so with the next message, at the latest after FLUSH_DELAY."""
        with self.lock:
            self.announcement = {"a": self.attempt, "t": "started", "where": where, "pid": pid}
            if self.first_at is None:
                self.first_at = time.monotonic()

    def write(self, stream: str, chunk: bytes, when: float | None = None) -> None:
        with self.lock:
            self.pending.append([stream, chunk, when or time.time()])
            self.size += len(chunk)
            if self.first_at is None:
                self.first_at = time.monotonic()
            due = self.size >= FLUSH_BYTES
        if due:
            self.flush()

    def end(self, stream: str) -> None:
        pass  # what is left goes with the next flush, or with `done`

    def due(self) -> bool:
        first = self.first_at
        return first is not None and time.monotonic() - first >= FLUSH_DELAY

    def flush(self) -> None:
        # Sent under the lock: the monitor's and the task's flushes must keep the output's order.
        with self.lock:
            if self.announcement is not None:
                self.send(self.announcement)
                self.announcement = None
            chunks, self.pending, self.size, self.first_at = self.pending, [], 0, None
            if chunks:
                self.send({"a": self.attempt, "t": "out", "chunks": chunks})

    def finish(self, result: dict) -> None:
        """The last message: the result, with whatever was not sent yet."""
        with self.lock:
            message = {"a": self.attempt, "t": "done", "result": result, "chunks": self.pending}
            if self.announcement is not None:
                message.update(where=self.announcement["where"], pid=self.announcement["pid"])
            self.announcement, self.pending, self.size, self.first_at = None, [], 0, None
            self.send(message)

    # What `_Attempt` reads of a local run's output; the server's copy is the real one.
    def positions(self) -> dict[str, int]:
        return {"stdout": 0, "stderr": 0}

    def text_since(self, stream: str, offset: int) -> str:
        return ""


class _Monitor:
    """Cancels the attempts the worker no longer runs for us (cancelled, released, closing)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running: dict[str, tuple[Any, Execution, _Attempt, Relay]] = {}
        self.thread: threading.Thread | None = None

    def add(
        self, key: str, worker: Any, handle: Execution, attempt: _Attempt, relay: Relay
    ) -> None:
        with self.lock:
            self.running[key] = (worker, handle, attempt, relay)
            if self.thread is None:
                self.thread = threading.Thread(target=self._loop, name="orch-monitor", daemon=True)
                self.thread.start()

    def remove(self, key: str) -> None:
        with self.lock:
            self.running.pop(key, None)

    def _loop(self) -> None:
        while True:
            time.sleep(POLL / 2)
            with self.lock:
                items = list(self.running.items())
            for key, (worker, handle, _, relay) in items:
                wanted = _wanted(worker, key)
                # A cancelled attempt announces itself: the server then awaits its last report.
                if relay.due() or not wanted:
                    relay.flush()
                if not wanted:
                    handle.cancel()

    def kill_all(self) -> None:
        """The worker's process ends: no process tree of ours outlives it."""
        with self.lock:
            attempts = [attempt for _, _, attempt, _ in self.running.values()]
        for attempt in attempts:
            if attempt.tree is not None:
                attempt.tree.kill()


def _wanted(worker: Any, key: str) -> bool:
    status = str(getattr(worker, "status", "running"))
    if "closing" in status or "closed" in status or "failed" in status:
        return False
    task = worker.state.tasks.get(key)
    return task is not None and task.state in RUNNING_STATES


MONITOR = _Monitor()
atexit.register(MONITOR.kill_all)


@functools.lru_cache(maxsize=8)
def _launch(passthrough: tuple[str, ...]) -> Launch:
    """The worker's environment does not change while it runs: filter it once, not per task."""
    return Launch(passthrough)


def _send(worker: Any, message: dict) -> None:
    # Packed here into one bytes value: every hop (this worker, the scheduler, the server) sizes
    # and packs a message it forwards, which walks a nested dict but takes bytes at once.
    worker.log_event(TOPIC, msgpack.packb(message))


async def run_attempt(payload: dict) -> bytes:
    """The Dask task, a coroutine on the worker's event loop: run one attempt here; its value is
    the result as JSON (the worker sizes every value it holds, and bytes are sized at once). The
    server reads the `done` message.

    A coroutine, because a function task costs the worker's loop a hand-off to its thread pool
    and back, more than a short attempt's own work; the attempt leaves the loop for a thread of
    ours once it runs longer than `FLUSH_DELAY` (see `_watch`).

    Refuses (raises `VersionMismatch`) when the server runs another version of Orchestrator.
    """
    from distributed import get_worker

    worker = get_worker()
    name = str(worker.name)
    where = {"name": name, "host": HOST, "address": worker.address}
    if payload["version"] != orchestrator.__version__:
        raise VersionMismatch(
            f"worker {name} runs Orchestrator {orchestrator.__version__} but the server runs "
            f"{payload['version']}: install the same version on both"
        )
    key = KEY_PREFIX + payload["attempt"]
    spec = AttemptSpec(
        command=payload["command"],
        workdir=payload["workdir"],
        env=payload["env"],
        timeout=payload["timeout"],
        kill_grace=payload["kill_grace"],
    )
    relay = Relay(functools.partial(_send, worker), payload["attempt"])
    handle = Execution()
    results: list[AttemptResult] = []
    attempt = _Attempt(spec, handle, results.append, _launch(tuple(payload["passthrough"])), relay)
    MONITOR.add(key, worker, handle, attempt, relay)
    try:
        if attempt.guarded(attempt.begin):
            relay.announce(where, attempt.proc.pid)
            await _watch(attempt)
    except BaseException:
        relay.flush()  # the output read so far still reaches the run
        raise
    finally:
        MONITOR.remove(key)
    result = results[0]
    answer = {
        "outcome": str(result.outcome),
        "exit_code": result.exit_code,
        "error": result.error,
        "started_at": result.started_at.timestamp(),
        "finished_at": result.finished_at.timestamp(),
        "worker": where,
    }
    relay.finish(answer)
    return json.dumps(answer).encode()


async def _watch(attempt: _Attempt) -> None:
    """Watch the started attempt to its end: on the loop when it ends soon (nothing can block
    then), else on a pooled thread, as the local executor does (timeout, cancel, kill grace).

    A cancelled coroutine is not let go: Dask cancels it when its worker closes, and would then
    run it again elsewhere. The attempt is cancelled instead, and reports as a cancel does."""
    try:
        if await _ended_soon(attempt):
            attempt.guarded(attempt.watch)  # all ended and reaped: this returns at once
            return
    except asyncio.CancelledError:
        attempt.handle.cancel()
    except Exception:  # noqa: BLE001 - the thread's watch meets it again, under its guard
        pass
    loop = asyncio.get_running_loop()
    watched = loop.create_future()

    def watch() -> None:
        attempt.guarded(attempt.watch)
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(watched.set_result, None)

    POOL.submit(watch)
    while not watched.done():
        try:
            await asyncio.shield(watched)
        except asyncio.CancelledError:
            attempt.handle.cancel()


async def _ended_soon(attempt: _Attempt) -> bool:
    """Whether the shell exited within `FLUSH_DELAY`, its pipes closed and nothing of its tree
    left; its exit is awaited on the loop (the pidfd), its output read there."""
    watcher, timeout = attempt.watcher, attempt.spec.timeout
    fd = getattr(watcher, "exit_fd", None)  # None: no pidfd, or not the selector watcher
    if fd is None or (timeout is not None and timeout <= FLUSH_DELAY):
        return False
    loop = asyncio.get_running_loop()
    exited = loop.create_future()
    loop.add_reader(fd, lambda: exited.done() or exited.set_result(None))
    try:
        await asyncio.wait_for(exited, FLUSH_DELAY)
    except TimeoutError:
        return False
    finally:
        loop.remove_reader(fd)
    watcher.poll(0)  # the output left in the pipes, their ends, the exit
    if watcher.streams_open:
        return False
    attempt.proc.wait()  # reaped: the group then answers only for what outlived the shell
    return not attempt.tree.leftovers()
