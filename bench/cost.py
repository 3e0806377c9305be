"""What the server spends per run: its own CPU, its actors' messages and its store's commits.

A `Cost` is read before and after a timed phase. CPU is the server process's own (user +
system, psutil), without the runs' processes, which are children whose cost is the same for any
server. Messages and commits come from the counters of `GET /metrics` (`actors.messages_total`,
`store.commits`); reading them costs the server a few messages and no commit. A server without
those counters (an older one, or the bare server of `bench/bare.py`) gives CPU only.
"""

from __future__ import annotations

from typing import Any

import psutil

from bench.common import Figure, expect


def own_cpu(pid: int) -> float:
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def counters(server: Any) -> tuple[int, int] | None:
    """(actor messages, store commits) since the server started, or None without them."""
    metrics = expect(*server.request("GET", "/metrics"), 200)
    if "actors" not in metrics or "store" not in metrics:
        return None
    return metrics["actors"]["messages_total"], metrics["store"]["commits"]


class Cost:
    """The server's CPU, messages and commits from now until `stop()`."""

    def __init__(self, pid: int, server: Any = None) -> None:
        self.pid, self.server = pid, server
        self.counted = counters(server) if server is not None else None
        self.cpu = own_cpu(pid)

    def stop(self) -> Cost:
        self.cpu = own_cpu(self.pid) - self.cpu
        if self.counted is not None:
            now = counters(self.server)
            self.counted = (
                None if now is None else (now[0] - self.counted[0], now[1] - self.counted[1])
            )
        return self

    def cpu_ms(self, count: int) -> float:
        return self.cpu / max(count, 1) * 1e3

    def describe(self, count: int, unit: str) -> str:
        """One printed line: per `unit`, over `count` of them."""
        text = f"server own CPU {self.cpu:.2f} s = {self.cpu_ms(count):.2f} ms per {unit}"
        if self.counted is not None:
            messages, commits = (value / max(count, 1) for value in self.counted)
            text += f"; per {unit}: {messages:.1f} actor messages, {commits:.2f} store commits"
        return text

    def figures(self, count: int, unit: str, cpu_bound: float | None = None) -> list[Figure]:
        """Summary rows: CPU per `unit` (bounded by `cpu_bound` ms if given), messages, commits."""
        rows = [Figure(f"  server CPU per {unit}", self.cpu_ms(count), "ms", cpu_bound)]
        if self.counted is not None:
            messages, commits = (value / max(count, 1) for value in self.counted)
            rows.append(Figure(f"  actor messages per {unit}", messages, ""))
            rows.append(Figure(f"  store commits per {unit}", commits, ""))
        return rows
