"""Find and stop the processes of runs that a crashed server left behind.

A job's process tree runs in its own session, so it outlives a server killed with SIGKILL. Two
marks find it again: the session recorded in the run when its attempt started (POSIX; it holds
every process the shell started unless one left it with `setsid`, even one started with `env -i`),
and `ORCH_RUN_ID` in a process's environment (which also finds those that left the session but
kept their environment). The recorded start time of the session's leader tells a session whose
number was reused since (after a reboot, or once the whole tree was gone) from the run's own.

The caller stops the leftovers *before* it marks the runs interrupted: a crash in between then
leaves runs still marked running, so the next start looks for their processes again.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable

import psutil

from orchestrator.log import get_logger

log = get_logger("orchestrator.execution")
# create_time is computed from the boot time and clock ticks: equal for one process, to rounding.
SAME_START = 1.0


def stop_leftovers(runs: Iterable[dict], grace: float = 3.0) -> int:
    """Terminate, then after `grace` seconds kill, every live process of `runs` (run records
    with their `process` mark when one was written); returns how many processes were found."""
    runs = list(runs)
    if not runs:
        return 0
    run_ids = {run["id"] for run in runs}
    marks = [run["process"] for run in runs if run.get("process")]
    sessions = _sessions(marks)
    found = _windows_trees(marks)
    me = os.getpid()
    for proc in psutil.process_iter():
        if proc.pid == me or proc.pid in found:
            continue
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue  # already dead; only its parent (or init) can reap it
            if _in_session(proc, sessions) or proc.environ().get("ORCH_RUN_ID") in run_ids:
                found[proc.pid] = proc
        except (psutil.Error, OSError):
            continue  # gone, or not ours to read
    for proc in found.values():
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(list(found.values()), timeout=grace)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    if found:
        log.info("stopped processes left by interrupted runs", processes=len(found))
    return len(found)


def _sessions(marks: list[dict]) -> dict[int, float]:
    """Session ID -> the leader's start time, for the sessions that can still be the runs'."""
    if os.name == "nt":
        return {}
    boot = psutil.boot_time()
    sessions = {}
    for mark in marks:
        sid, started = mark.get("sid"), mark.get("started")
        if not sid or started is None or started < boot - SAME_START:
            continue  # unknown start, or a run of before the last reboot: nothing can be left
        try:
            leader = psutil.Process(sid)
            if abs(leader.create_time() - started) > SAME_START:
                continue  # the number now belongs to another process
        except psutil.NoSuchProcess:
            pass  # the shell is gone; its children keep the session
        except psutil.Error:
            continue
        sessions[sid] = started
    return sessions


def _in_session(proc: psutil.Process, sessions: dict[int, float]) -> bool:
    if not sessions:
        return False
    started = sessions.get(os.getsid(proc.pid))
    # A member started before the leader cannot belong to the run's session.
    return started is not None and proc.create_time() >= started - SAME_START


def _windows_trees(marks: list[dict]) -> dict[int, psutil.Process]:
    """Windows has no sessions to search: the recorded leader, when it is still the same
    process, and its descendants still linked to it (what `tree.WindowsTree` can see too)."""
    if os.name != "nt":
        return {}
    found: dict[int, psutil.Process] = {}
    for mark in marks:
        try:
            leader = psutil.Process(mark["pid"])
            started = mark.get("started")
            if started is None or abs(leader.create_time() - started) > SAME_START:
                continue
            for proc in (leader, *leader.children(recursive=True)):
                found[proc.pid] = proc
        except psutil.Error:
            continue
    return found
