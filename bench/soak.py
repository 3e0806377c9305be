"""Soak benchmark: many clients of mixed reads, writes and runs for minutes, then the server's
errors, latencies, resources and leftover runs, against the targets of the issue.

Run from the repository root: `.venv/bin/python bench/soak.py` (10 minutes, 50 clients;
`--quick` for 1 minute). The server runs on 127.0.0.1 with a temporary data directory.

Resources are compared at a steady history: retention keeps the runs of the last
`--history-minutes` (purged every minute), and the start figures are taken after a warm-up of
that length plus one purge interval (the history's high-water mark is reached once a whole purge
cycle has passed), so the store holds as many runs at the start as at the end and what grows is
what the load leaks, not the history it adds. `--history-minutes 0` keeps every run instead.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402 - the repository root must be on sys.path first
    Figure,
    ServerProcess,
    expect,
    machine,
    percentile,
    print_table,
    section,
    timed_start,
)
from bench.soak_load import READS, Fixture, Tally, load  # noqa: E402
from orchestrator.threadpool import IDLE_SECONDS  # noqa: E402

ACTIVE = ("queued", "running", "retrying")


def resources(pid: int) -> dict[str, float]:
    """RSS (MB), open files (descriptors, or handles on Windows) and threads of the server."""
    proc = psutil.Process(pid)
    files = proc.num_fds() if hasattr(proc, "num_fds") else proc.num_handles()
    return {"rss": proc.memory_info().rss / 2**20, "files": files, "threads": proc.num_threads()}


def set_up(server: ServerProcess, workdir: str) -> Fixture:
    """Shared jobs (`true`, `echo`), a 3-step pipeline, a schedule firing every 10 s; warm-up."""
    jobs = []
    for n in range(6):
        command = "true" if n % 2 else "echo soak"
        body = {"name": f"shared-{n}", "command": command, "workdir": workdir,
                "max_concurrent": 1000}  # fmt: skip
        jobs.append(expect(*server.request("POST", "/jobs", body), 201)["id"])
    steps = [{"id": "a", "job": jobs[0]}, {"id": "b", "job": jobs[1], "depends_on": ["a"]},
             {"id": "c", "job": jobs[2], "depends_on": ["a"]}]  # fmt: skip
    body = {"name": "soak-flow", "steps": steps, "max_concurrent": 1000}
    pipeline = expect(*server.request("POST", "/pipelines", body), 201)["id"]
    body = {"name": "soak-every-10s", "cron": "*/10 * * * * *", "targets": [jobs[3], pipeline]}
    schedule = expect(*server.request("POST", "/schedules", body), 201)["id"]
    for n in range(20):  # imports, thread pools and caches are made by the first runs
        expect(*server.request("POST", f"/jobs/{jobs[n % 6]}/run?wait=true"), 200)
    return Fixture(server.url, server.api_key, workdir, jobs, pipeline, schedule)


def drain(server: ServerProcess, seconds: float) -> float | None:
    """Seconds until no run is queued or running (as the Supervisor counts), None if never."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        runs = expect(*server.request("GET", "/metrics"), 200)["runs"]
        if runs["queued"] + runs["running"] + runs["pipelines_running"] == 0:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def unfinished(server: ServerProcess) -> int:
    """Runs the store still shows queued, running or retrying (planned runs do not count)."""
    count = 0
    for state in ACTIVE:
        cursor = ""
        while True:
            page = expect(*server.request("GET", f"/runs?state={state}&limit=1000{cursor}"), 200)
            count += len(page["items"])
            if not page["next_cursor"]:
                break
            cursor = f"&cursor={page['next_cursor']}"
    return count


def report_routes(tally: Tally, seconds: float) -> list[Figure]:
    """Per-route table; returns the p99 figures of the reads (target < 100 ms)."""
    print(f"{tally.requests()} requests in {seconds:.0f} s ({tally.requests() / seconds:.0f}/s)")
    print(f"{'route':32} {'count':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'5xx/drop':>8}")
    figures = []
    for route in sorted(tally.latencies):
        found = sorted(tally.latencies[route])
        p50, p99 = percentile(found, 0.5) * 1e3, percentile(found, 0.99) * 1e3
        print(
            f"{route:32} {len(found):7} {p50:8.1f} {p99:8.1f} {found[-1] * 1e3:8.1f} "
            f"{tally.errors[route]:8}"
        )
        if route in READS:
            figures.append(Figure(f"{route} p99", p99, "ms", 100.0))
    for route, count in sorted(tally.expected.items()):
        print(f"expected refusal {route}: {count}")
    for sample in tally.samples:
        print(f"problem: {sample}")
    return figures


def growth(before: dict, after: dict, key: str) -> float:
    """Percent grown since `before`; below it is negative (pooled threads of the warm-up end)."""
    return (after[key] - before[key]) / before[key] * 100 if before[key] else 0.0


def main() -> int:
    args = parse_args()
    print(f"{args.clients} clients for {args.minutes:g} min; {machine()}")
    with tempfile.TemporaryDirectory(prefix="orch-soak-") as tmp:
        server = ServerProcess(Path(tmp) / "data", *history(args.history_minutes))
        try:
            print(f"start-up {timed_start(server):.2f} s")
            fixture = set_up(server, tmp)
            pid = server.process.pid
            if args.warmup:
                section(f"warm-up: {args.warmup:g} min of the same load (not measured)")
                pause = args.think_ms / 1000
                asyncio.run(load(fixture, args.clients, args.warmup * 60, pause, args.clients))
            seen = {"start": resources(pid)}
            stored = {"start": runs_stored(server)}
            section(f"load: {args.clients} clients, mean pause {args.think_ms:g} ms")
            began = time.monotonic()
            seconds = args.minutes * 60
            tally = asyncio.run(load(fixture, args.clients, seconds, args.think_ms / 1000))
            loaded = time.monotonic() - began
            seen["load end"] = resources(pid)
            expect(*server.request("POST", f"/schedules/{fixture.schedule}/pause"), 200)
            drained = drain(server, args.stuck_after)
            seen["drained"] = resources(pid)
            stuck = unfinished(server)
            stored["drained"] = runs_stored(server)
            # Pooled threads end after IDLE_SECONDS without work: compare once they could have,
            # and once retention has brought the history back to its steady length.
            time.sleep(args.settle)
            expect(*server.request("POST", "/system/purge"), 200)
            seen["idle"] = resources(pid)
            stored["idle"] = runs_stored(server)
        finally:
            server.stop()
    section("per route")
    figures = report_routes(tally, loaded)
    section("server resources")
    for name, found in seen.items():
        print(f"{name:9} RSS {found['rss']:7.1f} MB  open files {found['files']:4}  "
              f"threads {found['threads']:3}")  # fmt: skip
    when = f"{drained:.1f} s" if drained is not None else f"not within {args.stuck_after:g} s"
    print(f"queue drained after the load: {when}")
    print("runs in the store: " + ", ".join(f"{k} {v}" for k, v in stored.items()))
    before, after = seen["start"], seen["idle"]
    bad = sum(tally.errors.values())
    figures = [
        Figure("errors (5xx, dropped) / requests", bad / max(tally.requests(), 1) * 100, "%", 0),
        Figure("unexpected 4xx", sum(tally.unexpected.values()), "", 0),
        Figure("expected 4xx (429)", sum(tally.expected.values()), ""),
        *figures,
        Figure("RSS growth, idle vs start", growth(before, after, "rss"), "%", 10),
        Figure("threads growth, idle vs start", growth(before, after, "threads"), "%", 10),
        Figure("open files growth, idle vs start", growth(before, after, "files"), "%", 10),
        Figure(f"stuck runs ({args.stuck_after:g} s after the load)", stuck, "", 0),
    ]
    section("summary" + (" (--quick: 1 minute, verdicts indicative)" if args.quick else ""))
    print(f"load average at the end: {'/'.join(f'{x:.1f}' for x in psutil.getloadavg())}")
    print_table(figures)
    return 0


def runs_stored(server: ServerProcess) -> int:
    return expect(*server.request("GET", "/runs?limit=1"), 200)["total"]


def history(minutes: float) -> list[str]:
    """Server options keeping the runs of the last `minutes` (none: every run is kept)."""
    if not minutes:
        return []
    keep = {"runs_days": minutes / 1440, "keep_last_runs": 5, "purge_interval": 60}
    return [arg for key, value in keep.items() for arg in ("--set", f"retention.{key}={value}")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="length of the load (10)")
    parser.add_argument("--quick", action="store_true", help="1 minute instead")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (50)")
    parser.add_argument("--think-ms", type=float, default=100.0, help="mean pause (100 ms)")
    parser.add_argument("--stuck-after", type=float, default=30.0, help="drain wait (30 s)")
    parser.add_argument("--history-minutes", type=float, default=2.0, help="runs kept (2 min)")
    parser.add_argument("--warmup", type=float, default=None, help="minutes (history + 1)")
    settle = IDLE_SECONDS + 5
    parser.add_argument(
        "--settle", type=float, default=settle, help=f"idle after the drain ({settle:g} s)"
    )
    args = parser.parse_args()
    if args.quick:
        args.minutes = 1.0
    if args.warmup is None:  # a whole purge cycle: the history grows one interval, then goes
        args.warmup = min(args.history_minutes + 1, args.minutes) if args.history_minutes else 0
    return args


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
