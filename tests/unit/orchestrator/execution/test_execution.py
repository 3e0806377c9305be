"""The local executor runs real shells: outcomes, output, timeouts, cancel, process trees."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import psutil
import pytest

from orchestrator.execution.local import LocalExecutor
from orchestrator.execution.model import AttemptResult, AttemptSpec
from orchestrator.execution.reactor import available

pytestmark = pytest.mark.skipif(os.name == "nt", reason="the commands are POSIX shell")

# Three processes in one tree: the shell and two sleeps, their PIDs written to `pids`.
TREE = "sleep 100 & echo $! >> pids; sleep 100 & echo $! >> pids; echo $$ >> pids; wait"


@pytest.fixture(autouse=True, params=[True, False], ids=["shared", "per-attempt"])
def watch_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case runs through the shared watcher (Linux) and through a thread per attempt."""
    if request.param and not available():
        pytest.skip("no pidfd here: only the thread per attempt")
    monkeypatch.setattr(LocalExecutor, "shared_default", request.param)


def ignore(result: AttemptResult) -> None:
    """An `on_done` for tests that read the result from `wait`."""


def run(command: str, workdir: Path, **options: object) -> AttemptResult:
    result = LocalExecutor().start(AttemptSpec(command, str(workdir), **options), ignore).wait(30)
    assert result is not None
    return result


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def pids_of(workdir: Path, count: int = 3) -> list[int]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = (workdir / "pids").read_text().split() if (workdir / "pids").exists() else []
        if len(lines) >= count:
            return [int(line) for line in lines]
        time.sleep(0.01)
    raise AssertionError("the command did not write its PIDs")


class TestOutcomes:
    def test_exit_code_and_both_streams(self, tmp_path: Path) -> None:
        """A command that exits by itself reports its code, stdout and stderr separately."""
        result = run("echo out; echo err >&2; exit 3", tmp_path)
        assert (result.outcome, result.exit_code, result.error) == ("exited", 3, None)
        assert (result.stdout, result.stderr, result.truncated) == ("out\n", "err\n", False)

    def test_times_are_utc_and_ordered(self, tmp_path: Path) -> None:
        """Start and finish are timezone-aware UTC and the duration is their difference."""
        result = run("sleep 0.1", tmp_path)
        assert result.started_at.utcoffset() is not None
        assert result.started_at.utcoffset().total_seconds() == 0
        assert 0.1 <= result.duration < 5

    def test_killed_by_signal_is_negative(self, tmp_path: Path) -> None:
        """A shell killed by a signal it did not ignore reports minus the signal number."""
        result = run("kill -TERM $$", tmp_path)
        assert (result.outcome, result.exit_code) == ("exited", -15)

    def test_runs_in_workdir_with_added_env(self, tmp_path: Path) -> None:
        """The command runs in its working directory with its env on top of the server's."""
        result = run(
            'pwd; echo "$ORCH_TEST_VALUE"; test -n "$PATH"', tmp_path, env={"ORCH_TEST_VALUE": "v"}
        )
        assert result.exit_code == 0
        assert result.stdout.split("\n")[:2] == [str(tmp_path.resolve()), "v"]

    def test_stdin_is_empty(self, tmp_path: Path) -> None:
        """A command reading stdin gets end of file at once instead of waiting forever."""
        result = run("cat; echo done", tmp_path, timeout=10)
        assert (result.outcome, result.stdout) == ("exited", "done\n")

    def test_missing_workdir_is_an_error_result(self, tmp_path: Path) -> None:
        """A missing working directory ends the attempt as an error that names it."""
        missing = tmp_path / "missing"
        result = run("true", missing)
        assert (result.outcome, result.exit_code) == ("error", None)
        assert result.error == f"working directory {missing} does not exist"

    def test_workdir_that_is_a_file(self, tmp_path: Path) -> None:
        """A working directory that is a file is refused with its own sentence."""
        (tmp_path / "file").write_text("")
        result = run("true", tmp_path / "file")
        assert result.error == f"working directory {tmp_path / 'file'} is not a directory"

    def test_unstartable_command_is_an_error_result(self, tmp_path: Path) -> None:
        """When the shell cannot be started, the attempt ends as an error, never an exception."""
        result = run("true", tmp_path, env={"BAD": "nul\0byte"})
        assert result.outcome == "error"
        assert result.error is not None and result.error.startswith("could not start: ")

    def test_on_done_once_from_another_thread(self, tmp_path: Path) -> None:
        """`on_done` is called exactly once, before `wait` returns; for a process that ran,
        from the thread that watched it."""
        calls: list[tuple[AttemptResult, int]] = []
        spec = AttemptSpec("true", str(tmp_path))
        execution = LocalExecutor().start(spec, lambda r: calls.append((r, threading.get_ident())))
        result = execution.wait(10)
        execution.cancel()
        assert [call[0] for call in calls] == [result]
        assert result.outcome == "exited"
        assert calls[0][1] != threading.get_ident()

    def test_a_start_that_fails_ends_on_the_calling_thread(self, tmp_path: Path) -> None:
        """Nothing was started, so the one result is delivered before `start` returns."""
        calls: list[AttemptResult] = []
        spec = AttemptSpec("true", str(tmp_path / "missing"))
        execution = LocalExecutor().start(spec, calls.append)
        assert len(calls) == 1 and calls[0].outcome == "error"
        assert execution.wait(0) is calls[0]


class TestOutput:
    def test_each_stream_is_capped(self, tmp_path: Path) -> None:
        """Output past the cap is read and its middle dropped: the child finishes, the run is
        truncated, each stream keeps its head and its end with the gap marked between."""
        flood = "head -c 2000000 /dev/zero | tr '\\0' a"
        result = run(f"{flood}; {flood} >&2; echo end >&2", tmp_path, max_output_bytes=1000)
        assert (result.outcome, result.exit_code, result.truncated) == ("exited", 0, True)
        assert result.stdout == "a" * 500 + "\n[... 1999000 bytes dropped ...]\n" + "a" * 500
        assert (
            result.stderr == "a" * 500 + "\n[... 1999004 bytes dropped ...]\n" + "a" * 496 + "end\n"
        )

    def test_output_at_the_cap_is_not_truncated(self, tmp_path: Path) -> None:
        """Exactly `max_output_bytes` bytes fit."""
        result = run("printf 12345", tmp_path, max_output_bytes=5)
        assert (result.stdout, result.truncated) == ("12345", False)

    def test_big_output_on_both_streams_does_not_deadlock(self, tmp_path: Path) -> None:
        """Both pipes are read at once: filling stderr while stdout is still open cannot block."""
        command = "yes o | head -c 300000; yes e | head -c 300000 >&2; yes o | head -c 300000"
        result = run(command, tmp_path, timeout=20)
        assert (result.outcome, len(result.stdout), len(result.stderr)) == (
            "exited",
            600000,
            300000,
        )

    def test_invalid_utf8_is_replaced(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 become U+FFFD instead of failing the run."""
        assert run("printf '\\377ok'", tmp_path).stdout == "\ufffdok"


class TestStopping:
    def test_timeout_kills_the_whole_tree(self, tmp_path: Path) -> None:
        """On timeout the shell and every process it started are gone."""
        result = run(TREE, tmp_path, timeout=1)
        assert (result.outcome, result.exit_code) == ("timed_out", None)
        assert result.error == "timed out after 1 second"
        assert result.duration < 5
        assert [pid for pid in pids_of(tmp_path) if alive(pid)] == []

    def test_sigterm_ignored_escalates_to_sigkill(self, tmp_path: Path) -> None:
        """A tree that ignores SIGTERM is killed once `kill_grace` has passed."""
        result = run(f"trap '' TERM; {TREE}", tmp_path, timeout=0.3, kill_grace=0.3)
        assert result.outcome == "timed_out"
        assert 0.6 <= result.duration < 5
        assert [pid for pid in pids_of(tmp_path) if alive(pid)] == []

    def test_cancel_kills_the_tree(self, tmp_path: Path) -> None:
        """Cancel from another thread ends the attempt as cancelled; a second cancel is harmless."""
        done: list[AttemptResult] = []
        execution = LocalExecutor().start(AttemptSpec(TREE, str(tmp_path)), done.append)
        pids = pids_of(tmp_path)
        execution.cancel()
        execution.cancel()
        result = execution.wait(10)
        assert result is not None and done == [result]
        assert (result.outcome, result.exit_code, result.error) == ("cancelled", None, "cancelled")
        assert [pid for pid in pids if alive(pid)] == []

    def test_cancel_right_after_start(self, tmp_path: Path) -> None:
        """A cancel that arrives before or while the shell starts still ends the attempt."""
        execution = LocalExecutor().start(AttemptSpec("sleep 30", str(tmp_path)), ignore)
        execution.cancel()
        result = execution.wait(10)
        assert result is not None and result.outcome == "cancelled"

    def test_cancel_after_the_end_changes_nothing(self, tmp_path: Path) -> None:
        """Once finished, an attempt keeps its result whatever happens to its handle."""
        execution = LocalExecutor().start(AttemptSpec("exit 4", str(tmp_path)), ignore)
        first = execution.wait(10)
        execution.cancel()
        assert first is not None and execution.wait(0) == first and first.exit_code == 4

    def test_wait_times_out_while_running(self, tmp_path: Path) -> None:
        """`wait` with a timeout returns None while the attempt still runs."""
        execution = LocalExecutor().start(AttemptSpec("sleep 30", str(tmp_path)), ignore)
        assert execution.wait(0.05) is None
        execution.cancel()
        assert execution.wait(10) is not None

    def test_background_child_holding_the_pipes_is_stopped(self, tmp_path: Path) -> None:
        """When the shell exits, a child still holding its output is stopped, not waited for."""
        result = run("sleep 100 & echo $! > pids; echo started", tmp_path, timeout=60)
        assert (result.outcome, result.exit_code, result.stdout) == ("exited", 0, "started\n")
        assert result.duration < 5
        assert not alive(pids_of(tmp_path, 1)[0])

    def test_detached_leftover_is_stopped(self, tmp_path: Path) -> None:
        """A child that redirected its output away does not outlive the attempt either."""
        result = run("sleep 100 >/dev/null 2>&1 & echo $! > pids", tmp_path, timeout=60)
        assert (result.outcome, result.exit_code) == ("exited", 0)
        assert not alive(pids_of(tmp_path, 1)[0])
