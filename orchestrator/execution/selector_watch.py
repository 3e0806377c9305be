"""Watch an attempt from one thread with a selector: both pipes, the leader's exit and wakes.

POSIX only (Windows cannot select on pipes). On Linux a pidfd reports the leader's exit inside
the same selector, so nothing polls; elsewhere a small thread blocks in `wait()` and wakes us.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import subprocess
import threading
import time

from orchestrator.execution.output import PAUSE, Pipe

_WAKE = object()
_EXIT = object()


def _new_selector() -> selectors.BaseSelector:
    # poll() needs no descriptor of its own, unlike epoll or kqueue, for just four descriptors.
    if hasattr(selectors, "PollSelector"):
        return selectors.PollSelector()
    return selectors.SelectSelector()


def _open_pidfd(pid: int) -> int | None:
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is None:
        return None
    try:
        return pidfd_open(pid)
    except OSError:
        # Old kernels answer ENOSYS and some sandboxes EPERM: fall back to a waiting thread.
        return None


class SelectorWatcher:
    """The POSIX watcher: one selector over stdout, stderr, a wake pipe and a pidfd."""

    def __init__(self, proc: subprocess.Popen[bytes], out: Pipe, err: Pipe) -> None:
        self._proc = proc
        self._lock = threading.Lock()
        self._closed = False
        self._exited = False
        self._selector = _new_selector()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, _WAKE)
        self._open = 0
        self._out, self._err = out, err
        for stream, buffer in ((proc.stdout, out), (proc.stderr, err)):
            if stream is not None:
                self._selector.register(stream.fileno(), selectors.EVENT_READ, buffer)
                self._open += 1
        self._pidfd = _open_pidfd(proc.pid)
        if self._pidfd is not None:
            self._selector.register(self._pidfd, selectors.EVENT_READ, _EXIT)
        else:
            waiter = threading.Thread(target=self._await_exit, name="attempt-wait", daemon=True)
            try:
                waiter.start()
            except RuntimeError:
                self.close()
                raise

    @property
    def exited(self) -> bool:
        return self._exited or self._proc.returncode is not None

    @property
    def streams_open(self) -> bool:
        return self._open > 0

    @property
    def exit_fd(self) -> int | None:
        """The pidfd that turns readable when the leader exits, or None (a thread waits)."""
        return self._pidfd

    def poll(self, timeout: float | None) -> None:
        for key, _ in self._selector.select(timeout):
            if key.data is _WAKE:
                os.read(self._wake_r, 512)
            elif key.data is _EXIT:
                self._selector.unregister(key.fd)
                self._exited = True
            elif not key.data.read(key.fd):
                self._selector.unregister(key.fd)
                self._open -= 1
                key.data.end()
        if self._open and (self._out.pause or self._err.pause):
            time.sleep(PAUSE)  # a flood: let its pipe fill so that the next read is large

    def wake(self) -> None:
        # The lock keeps a late cancel from writing into a descriptor number already reused.
        with self._lock:
            if self._closed:
                return
            # A full pipe means a wake is already pending.
            with contextlib.suppress(BlockingIOError):
                os.write(self._wake_w, b"\0")

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._selector.close()
            for fd in (self._wake_r, self._wake_w, self._pidfd):
                if fd is not None:
                    os.close(fd)
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()

    def _await_exit(self) -> None:
        self._proc.wait()
        self.wake()
