"""Shared pieces of the benchmarks: a real server, a keep-alive client, timing and reporting.

Benchmarks are not tests: they start the real server as a child process (the same way the
integration tests do, through `tests.support.ServerProcess`), drive it over HTTP and print what
they measured next to the targets of the issue. Nothing here mocks a part of the server.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support import ServerProcess  # noqa: E402 - needs the repository root on sys.path


class Client:
    """One keep-alive HTTP/1.1 connection, as a real API client would hold it.

    urllib opens a connection per request; that cost belongs to the client, not the server, so
    the benchmark keeps one connection per thread and reconnects only when the server closes it.
    """

    def __init__(self, server: ServerProcess, timeout: float = 120.0) -> None:
        self.host, self.port = "127.0.0.1", server.port
        self.timeout = timeout
        self.headers = {
            "Authorization": f"Bearer {server.api_key}",
            "Content-Type": "application/json",
        }
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = b"" if body is None else json.dumps(body).encode()
        # Only a GET is sent again after a dropped connection: a POST might have been done.
        for retry in (method == "GET", False):
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                resp = self.conn.getresponse()
                payload = resp.read()
                break
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                if not retry:
                    raise
        return resp.status, json.loads(payload) if payload else None

    def close(self) -> None:
        self.conn.close()


def expect(status: int, body: Any, wanted: int) -> Any:
    """Stop the benchmark with the server's answer when a call did not do what it should."""
    if status != wanted:
        raise RuntimeError(f"expected HTTP {wanted}, got {status}: {body}")
    return body


def in_threads(count: int, work: Callable[[int], None]) -> float:
    """Run `work(index)` on `count` threads released together; return the wall time in seconds.

    A failure on any thread is raised here once every thread has stopped.
    """
    gate = threading.Barrier(count + 1)
    errors: list[BaseException] = []

    def body(index: int) -> None:
        gate.wait()
        try:
            work(index)
        except BaseException as exc:  # noqa: BLE001 - carried to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=body, args=(i,), daemon=True) for i in range(count)]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    return wall


def split(total: int, parts: int) -> list[int]:
    """`total` items shared as evenly as possible between `parts` workers."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(fraction * len(sorted_values)) - 1))
    return sorted_values[rank]


class Usage:
    """CPU seconds of a process (with its reaped children) between two points in time."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.start = self._total()

    def _total(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system + t.children_user + t.children_system

    def seconds(self) -> float:
        return self._total() - self.start


def machine() -> str:
    """Cores, Python and load average: work from other processes moves every figure."""
    load = "/".join(f"{x:.1f}" for x in psutil.getloadavg())
    return f"{os.cpu_count()} cores, python {sys.version.split()[0]}, load average {load}"


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def all_jobs(server: ServerProcess) -> list[dict]:
    """Every job the server holds, page by page, in its listing order (oldest first)."""
    jobs, cursor = [], ""
    while True:
        page = expect(*server.request("GET", f"/jobs?limit=1000{cursor}"), 200)
        jobs += page["items"]
        if not page["next_cursor"]:
            return jobs
        cursor = f"&cursor={page['next_cursor']}"


def timed_start(server: ServerProcess) -> float:
    """Start the server; seconds from spawning the process to the first `/health` 200."""
    started = time.perf_counter()
    server.start(timeout=60.0)
    return time.perf_counter() - started


@dataclass
class Figure:
    """One measured figure against its target; `bound` is the largest value that passes.

    A figure without a bound is printed for information, with no verdict.
    """

    name: str
    value: float
    unit: str
    bound: float | None = None

    def row(self) -> tuple[str, str, str, str, str]:
        value = f"{self.value:.2f} {self.unit}".strip()
        if self.bound is None:
            return self.name, value, "-", "-", "info"
        verdict = "PASS" if self.value <= self.bound else "MISS"
        # A bound of 0 ("none missed") has no meaningful ratio unless the value is 0 too.
        ratio = self.value / self.bound if self.bound else (0.0 if self.value <= 0 else math.inf)
        return self.name, value, f"<= {self.bound:g} {self.unit}".strip(), f"{ratio:.2f}", verdict


def print_table(figures: list[Figure]) -> None:
    """The final summary: each figure, its target, value/target and the verdict."""
    rows = [("figure", "measured", "target", "of target", "verdict")]
    rows += [f.row() for f in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def wrk_reads(server: ServerProcess, job_id: str, clients: int, seconds: float) -> float | None:
    """p99 in ms of `GET /jobs/{job_id}` measured by wrk (C, keep-alive); None without wrk."""
    return wrk_get(server, f"/jobs/{job_id}", clients, seconds)


def wrk_get(server: ServerProcess, path: str, clients: int, seconds: float) -> float | None:
    """p99 in ms of `GET path` measured by wrk (C, keep-alive); None without wrk.

    wrk takes one plain URL (no Lua script), so each call measures one path.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk: not installed (apt-get install wrk); Python clients only")
        return None
    auth = f"Authorization: Bearer {server.api_key}"
    url = f"{server.url}{path}"
    cmd = [wrk, "-t2", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--latency", "-H", auth, url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    found = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    top = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", out, re.M)
    rate = re.search(r"Requests/sec:\s+(\S+)", out)
    if len(found) < 2 or top is None or rate is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    p50, p99, top_ms = _ms(found["50"]), _ms(found["99"]), _ms(top.group(1))
    print(
        f"wrk     p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  max {top_ms:7.2f} ms  "
        f"{float(rate.group(1)):7.0f} req/s  ({clients} connections, 2 threads)"
    )
    return p99


def _ms(text: str) -> float:
    """wrk's durations (`850.00us`, `3.21ms`, `1.02s`) in milliseconds."""
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 6e4}[unit]


def python_reads(server: ServerProcess, ids: list[str], clients: int, seconds: float) -> float:
    """p99 in ms of `GET /jobs/{id}` from `clients` Python threads cycling through every job."""
    return python_gets(server, [f"/jobs/{i}" for i in ids], clients, seconds, "all jobs")


def python_gets(
    server: ServerProcess, paths: list[str], clients: int, seconds: float, what: str
) -> float:
    """p99 in ms of `GET` from `clients` Python threads cycling through `paths`.

    The threads share this process's GIL and the machine's cores with the server, so their
    latency includes the client's own queueing: an upper bound of what the server costs.
    """
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    def work(index: int) -> None:
        client, mine = Client(server), []
        n = index
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            expect(*client.request("GET", paths[n % len(paths)]), 200)
            mine.append(time.perf_counter() - began)
            n += clients
        latencies.extend(mine)
        client.close()

    wall = in_threads(clients, work)
    latencies.sort()
    p50, p99 = percentile(latencies, 0.5) * 1e3, percentile(latencies, 0.99) * 1e3
    print(
        f"Python  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  max {latencies[-1] * 1e3:7.2f} ms  "
        f"{len(latencies) / wall:7.0f} req/s  ({clients} threads, keep-alive, {what})"
    )
    return p99


def section(title: str) -> None:
    print(f"\n== {title}", flush=True)


__all__ = ["ROOT", "ServerProcess", "Client"]
