"""Stop a whole process tree: the shell, what it started, and what those started.

POSIX: the shell leads a new session, so its process group holds the tree; signalling the group
reaches grandchildren that the shell forgot. Windows has no groups to signal, so psutil walks the
tree from the leader (only processes still linked to a live parent can be found).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import time
from typing import Protocol

import psutil


class ProcessTree(Protocol):
    """The processes of one attempt."""

    def terminate(self) -> None:
        """Ask every process to stop (SIGTERM on POSIX; Windows has no polite equivalent)."""
        ...

    def kill(self) -> None:
        """Stop every process now."""
        ...

    def leftovers(self) -> bool:
        """Once the leader is reaped: whether any live process of the tree remains."""
        ...


class ProcessGroup:
    """POSIX: the process group (= session) led by the attempt's shell."""

    def __init__(self, pgid: int) -> None:
        self.pgid = pgid

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def leftovers(self) -> bool:
        try:
            os.killpg(self.pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        # The group answers while it holds zombies too, and in a container whose PID 1 does not
        # reap they stay forever: only a member that still runs is a leftover.
        return any(self._live_member(pid) for pid in psutil.pids())

    def _live_member(self, pid: int) -> bool:
        try:
            if os.getpgid(pid) != self.pgid:
                return False
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except (OSError, psutil.Error):
            return False

    def _signal(self, signum: int) -> None:
        # Already gone; macOS answers EPERM for a group left with zombies only.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pgid, signum)


class WindowsTree:
    """Windows: the leader and its descendants, found through psutil while they are linked."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._known: dict[int, psutil.Process] = {}

    def terminate(self) -> None:
        self.kill()

    def kill(self) -> None:
        self._discover()
        for proc in self._known.values():
            with contextlib.suppress(psutil.Error):  # it may have ended on its own meanwhile
                proc.kill()

    def leftovers(self) -> bool:
        return any(proc.is_running() for proc in self._known.values())

    def _discover(self) -> None:
        roots = list(self._known.values())
        with contextlib.suppress(psutil.Error):  # the leader may be gone already
            roots.append(psutil.Process(self.pid))
        for root in roots:
            try:
                found = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            self._known.update((proc.pid, proc) for proc in found)


def tree_of(pid: int) -> ProcessTree:
    """The tree led by `pid`, which must have been started in a new session/process group."""
    return WindowsTree(pid) if os.name == "nt" else ProcessGroup(pid)


def process_mark(pid: int, just_started: bool = False) -> dict:
    """What identifies the tree led by `pid` after a crash of the server: its session on POSIX
    (the leader's PID), and the leader's start time, so that a reused PID is not mistaken.

    `just_started`: the caller started `pid` a moment ago, so on Linux its start time is now,
    on the clock psutil's `create_time` uses (boot time + time since boot, to a tick); reading
    it from /proc instead would wait until the new process has finished its `exec`."""
    if just_started and _BOOT_CLOCK:
        return {"pid": pid, "sid": pid, "started": _boot_and_ticks()[0] + _since_boot()}
    started = _linux_start_time(pid) if _PROC_STAT else None
    if started is None:
        try:
            started = psutil.Process(pid).create_time()
        except psutil.Error:  # it ended already: only the ORCH_RUN_ID search can find leftovers
            started = None
    return {"pid": pid, "sid": None if os.name == "nt" else pid, "started": started}


_PROC_STAT = sys.platform.startswith("linux") and os.path.exists("/proc/self/stat")
# The clock a Linux process's start time is counted on (it includes time suspended).
_BOOT_CLOCK = _PROC_STAT and hasattr(time, "CLOCK_BOOTTIME")


def _since_boot() -> float:
    return time.clock_gettime(time.CLOCK_BOOTTIME)


@functools.cache
def _boot_and_ticks() -> tuple[float, int]:
    return psutil.boot_time(), os.sysconf("SC_CLK_TCK")


def _linux_start_time(pid: int) -> float | None:
    """The start time psutil gives (boot time + the `starttime` field of /proc/PID/stat), read
    in one system call instead of psutil's several: it is taken for every attempt."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            data = stat.read()
        ticks = int(data[data.rindex(b")") + 2 :].split()[19])
    except (OSError, ValueError, IndexError):
        return None
    boot, per_second = _boot_and_ticks()
    return boot + ticks / per_second


def clear_leftovers(tree: ProcessTree, grace: float) -> None:
    """Stop what outlived the leader: terminate, allow `grace` seconds, then kill."""
    if not tree.leftovers():
        return
    tree.terminate()
    deadline = time.monotonic() + grace
    pause = 0.005
    # These processes are not our children, so nothing can block until they end: poll, rarely.
    while tree.leftovers():
        if time.monotonic() >= deadline:
            tree.kill()
            return
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
