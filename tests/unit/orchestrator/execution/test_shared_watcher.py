"""One thread watches every local attempt: the reactor, and attempts side by side on it."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import psutil
import pytest

from orchestrator.execution import shared_watch
from orchestrator.execution.live import RunOutput
from orchestrator.execution.local import LocalExecutor, spawn, windows_command_line
from orchestrator.execution.model import AttemptResult, AttemptSpec
from orchestrator.execution.output import Pipe
from orchestrator.execution.reactor import Reactor, available
from orchestrator.execution.thread_watch import ThreadWatcher

shared_only = pytest.mark.skipif(not available(), reason="no pidfd: no shared watcher here")
posix_only = pytest.mark.skipif(os.name == "nt", reason="the commands are POSIX shell")


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def read_pid(path: Path) -> int:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.01)
    raise AssertionError(f"nothing written to {path}")


class Recorder:
    """An `on_done` that keeps each result with the thread that delivered it."""

    def __init__(self) -> None:
        self.calls: list[tuple[AttemptResult, int]] = []

    def __call__(self, result: AttemptResult) -> None:
        self.calls.append((result, threading.get_ident()))


@shared_only
class TestReactor:
    """The reactor runs posted work in order, deadlines once unless cancelled, fd handlers."""

    def test_posted_work_runs_in_order_on_its_thread(self) -> None:
        """Work posted from several calls runs in the order posted, on the reactor's thread."""
        reactor, seen, done = Reactor("test-reactor"), [], threading.Event()
        for number in range(5):
            reactor.call(lambda n=number: seen.append((n, threading.current_thread().name)))
        reactor.call(done.set)
        assert done.wait(10)
        assert seen == [(n, "test-reactor") for n in range(5)]

    def test_deadlines_run_in_time_order_and_a_cancelled_one_never(self) -> None:
        """Deadlines run by their time, not by when they were armed; a cancelled one is skipped."""
        reactor, seen, done = Reactor(), [], threading.Event()

        def arm() -> None:
            now = time.monotonic()
            reactor.at(now + 0.05, lambda: seen.append("late"))
            reactor.at(now + 0.01, lambda: seen.append("early"))
            reactor.at(now + 0.02, lambda: seen.append("cancelled")).cancel()
            reactor.at(now + 0.1, done.set)

        reactor.call(arm)
        assert done.wait(10)
        assert seen == ["early", "late"]

    def test_a_failing_handler_does_not_stop_the_thread(self) -> None:
        """An exception in one handler is logged; the next work still runs."""
        reactor, done = Reactor(), threading.Event()
        reactor.call(lambda: 1 / 0)
        reactor.call(done.set)
        assert done.wait(10)

    def test_watched_descriptor_calls_its_handler(self) -> None:
        """A readable descriptor calls its handler until it is unwatched."""
        reactor, got, done = Reactor(), [], threading.Event()
        read_end, write_end = os.pipe()

        def readable() -> None:
            got.append(os.read(read_end, 100))
            reactor.unwatch(read_end)
            done.set()

        reactor.call(lambda: reactor.watch(read_end, readable))
        os.write(write_end, b"ping")
        assert done.wait(10)
        os.close(read_end)
        os.close(write_end)
        assert got == [b"ping"]

    def test_a_descriptor_watched_again_in_the_same_turn_gets_no_stale_event(self) -> None:
        """Events already listed for a descriptor that was unwatched meanwhile (its number
        reused by a new attempt) are not given to its new handler: it would block on a read."""
        reactor, calls, done = Reactor(), [], threading.Event()
        pipes = [os.pipe(), os.pipe()]

        def first(mine: int) -> None:
            other_read = pipes[1 - mine][0]
            calls.append("first")
            reactor.unwatch(pipes[mine][0])
            reactor.unwatch(other_read)
            os.read(other_read, 100)  # the other's data is gone: its listed event is stale
            reactor.watch(other_read, lambda: calls.append("stale"))

        def arm() -> None:
            for index, (read_end, write_end) in enumerate(pipes):
                os.write(write_end, b"x")
                reactor.watch(read_end, lambda index=index: first(index) if not calls else None)

        reactor.call(arm)
        reactor.call(lambda: reactor.at(time.monotonic() + 0.1, done.set))
        assert done.wait(10)
        for fds in pipes:
            for fd in fds:
                os.close(fd)
        assert calls == ["first"]


@shared_only
@posix_only
class TestAttemptsSideBySide:
    """Several attempts on the one watching thread keep their own output, limits and ends."""

    def test_several_attempts_at_once_on_one_thread(self, tmp_path: Path) -> None:
        """Eight attempts started together each get their own output and exit code, all
        delivered by the same thread."""
        executor, recorder = LocalExecutor(shared_watcher=True), Recorder()
        handles = [
            executor.start(
                AttemptSpec(f"echo out{n}; echo err{n} >&2; exit {n}", str(tmp_path)), recorder
            )
            for n in range(8)
        ]
        results = [handle.wait(30) for handle in handles]
        assert [(r.stdout, r.stderr, r.exit_code) for r in results] == [
            (f"out{n}\n", f"err{n}\n", n) for n in range(8)
        ]
        assert len({thread for _, thread in recorder.calls}) == 1

    def test_timeout_of_one_while_another_streams(self, tmp_path: Path) -> None:
        """One attempt times out while another keeps writing; the writer loses nothing."""
        executor = LocalExecutor(shared_watcher=True)
        output = RunOutput(1 << 20)
        writer = executor.start(
            AttemptSpec("for i in $(seq 1 40); do echo line$i; sleep 0.02; done", str(tmp_path)),
            Recorder(),
            output=output,
        )
        sleeper = executor.start(AttemptSpec("sleep 100", str(tmp_path), timeout=0.2), Recorder())
        stopped = sleeper.wait(30)
        assert stopped is not None and stopped.outcome == "timed_out"
        assert writer.wait(0) is None  # still streaming when the other one was stopped
        written = writer.wait(30)
        assert written is not None and written.exit_code == 0
        assert written.stdout == "".join(f"line{i}\n" for i in range(1, 41))

    def test_cancel_one_leaves_the_others_running(self, tmp_path: Path) -> None:
        """A cancel stops its own attempt only."""
        executor = LocalExecutor(shared_watcher=True)
        first = executor.start(AttemptSpec("sleep 100", str(tmp_path)), Recorder())
        second = executor.start(AttemptSpec("sleep 0.3; echo kept", str(tmp_path)), Recorder())
        first.cancel()
        cancelled, kept = first.wait(30), second.wait(30)
        assert cancelled is not None and (cancelled.outcome, cancelled.error) == (
            "cancelled",
            "cancelled",
        )
        assert kept is not None and (kept.outcome, kept.stdout) == ("exited", "kept\n")

    def test_stubborn_leftover_does_not_hold_up_the_others(self, tmp_path: Path) -> None:
        """A process left behind that ignores SIGTERM is killed after the grace, while an
        attempt started meanwhile ends at once."""
        executor = LocalExecutor(shared_watcher=True)
        command = (  # the shell exits once its child ignores SIGTERM
            "(trap '' TERM; touch ready; exec sleep 100) >/dev/null 2>&1 & echo $! > pid; "
            "while [ ! -e ready ]; do sleep 0.01; done"
        )
        slow = executor.start(AttemptSpec(command, str(tmp_path), kill_grace=1.0), Recorder())
        pid = read_pid(tmp_path / "pid")
        quick = executor.start(AttemptSpec("echo quick", str(tmp_path)), Recorder()).wait(30)
        assert quick is not None and quick.stdout == "quick\n"
        assert slow.wait(0) is None  # still stopping its leftover
        result = slow.wait(30)
        assert result is not None and (result.outcome, result.exit_code) == ("exited", 0)
        assert result.duration >= 1.0
        deadline = time.monotonic() + 10  # SIGKILL was sent; its delivery takes a moment
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not alive(pid)

    def test_started_is_told_before_done(self, tmp_path: Path) -> None:
        """With `on_started`, the watching thread starts the shell and, once it has run a
        moment, tells its mark, then its end; a shell that cannot start tells only the end."""
        executor, events = LocalExecutor(shared_watcher=True), []
        spec = AttemptSpec("sleep 0.5", str(tmp_path))
        ran = executor.start(spec, events.append, on_started=events.append)
        result = ran.wait(30)
        assert events[0]["pid"] > 0 and events[1:] == [result]
        failed: list = []
        missing = AttemptSpec("true", str(tmp_path / "missing"))
        handle = executor.start(missing, failed.append, on_started=failed.append)
        assert handle.wait(30) is not None and [r.outcome for r in failed] == ["error"]

    def test_an_attempt_over_before_its_start_is_told_reports_its_end_only(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ended before `REPORT_AFTER` without output: no `on_started`, one result (a message
        and a store write saved per run)."""
        monkeypatch.setattr(shared_watch, "REPORT_AFTER", 30.0)
        events: list = []
        spec = AttemptSpec("exit 3", str(tmp_path))
        handle = LocalExecutor(shared_watcher=True).start(
            spec, events.append, on_started=events.append
        )
        result = handle.wait(20)
        assert result is not None and events == [result] and result.exit_code == 3

    def test_first_output_tells_the_start_before_it_shows(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Output is the sign that a run runs: the start is told before the first bytes reach
        the run's output, however long `REPORT_AFTER` is."""
        monkeypatch.setattr(shared_watch, "REPORT_AFTER", 30.0)
        output, events = RunOutput(1000), []

        def started(mark: dict | None) -> None:
            events.append(("started", output.text_since("stdout", 0)))

        spec = AttemptSpec("echo first; sleep 0.2; echo second", str(tmp_path))
        handle = LocalExecutor(shared_watcher=True).start(
            spec, lambda r: events.append(("done", r.stdout)), on_started=started, output=output
        )
        assert handle.wait(20) is not None
        assert events == [("started", ""), ("done", "first\nsecond\n")]


@posix_only
class TestPortableParts:
    """The paths kept for systems without pidfd or without selectable pipes."""

    def test_thread_watcher_reads_both_streams(self, tmp_path: Path) -> None:
        """The threaded watcher (Windows' path) collects both streams and sees the exit."""
        output = RunOutput(100)
        proc = spawn(AttemptSpec("echo out; echo err >&2", str(tmp_path)))
        watcher = ThreadWatcher(proc, Pipe(output, "stdout"), Pipe(output, "stderr"))
        deadline = time.monotonic() + 10
        while (watcher.streams_open or not watcher.exited) and time.monotonic() < deadline:
            watcher.poll(1)
        watcher.close()
        texts = (output.text_since("stdout", 0), output.text_since("stderr", 0))
        assert (texts, proc.wait()) == (("out\n", "err\n"), 0)

    def test_per_attempt_path_stays_selectable(self, tmp_path: Path) -> None:
        """Asked for a thread per attempt, the executor uses no shared watcher and still runs."""
        executor = LocalExecutor(shared_watcher=False)
        result = executor.start(AttemptSpec("echo hi", str(tmp_path)), Recorder()).wait(30)
        assert executor.reactor is None and result is not None and result.stdout == "hi\n"

    def test_windows_command_line_turns_on_delayed_expansion_for_contexts(self) -> None:
        """cmd gets `/v:on` only when the command uses a context variable."""
        assert "/v:on /s /c " in windows_command_line("echo !ORCH_CTX_1!")
        assert "/v:on" not in windows_command_line("echo hi!")
        assert windows_command_line("echo hi").endswith('/s /c "echo hi"')
