"""Benchmark of dispatch, reads, memory and start-up, against the targets of the issue.

Run from the repository root: `.venv/bin/python bench/dispatch.py` (`--quick` for a smoke run).
It prints each figure as it goes, then a summary table with PASS or MISS per target:
- dispatch: N runs of `true` through `POST /jobs/{id}/run?wait=true` from C keep-alive clients,
  against N `subprocess.run(["true"])` on C threads in this same process (the raw floor);
- reads: `GET /jobs/{id}` latency with 32 concurrent clients while 1000 jobs are defined;
- store: RSS and start-up time of a server whose store holds 1000 jobs and 10,000 finished runs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import bare  # noqa: E402 - the repository root must be on sys.path first
from bench.common import (  # noqa: E402 - the repository root must be on sys.path first
    Client,
    Figure,
    ServerProcess,
    Usage,
    all_jobs,
    expect,
    in_threads,
    percentile,
    print_table,
    python_reads,
    rss_mb,
    section,
    split,
    timed_start,
    wrk_reads,
)
from bench.cost import Cost  # noqa: E402

WINDOWS = os.name == "nt"
RAW_COMMAND = ["cmd", "/c", "exit 0"] if WINDOWS else ["true"]
JOB_COMMAND = "exit 0" if WINDOWS else "true"
WARM_UP = 16


def raw_floor(runs: int, clients: int) -> float:
    """Wall time of `runs` bare process spawns on `clients` threads: what no server can beat."""
    shares = split(runs, clients)
    return in_threads(clients, lambda i: [subprocess.run(RAW_COMMAND) for _ in range(shares[i])])


def submit_all(server: ServerProcess, job_ids: list[str], runs: int, clients: int) -> list[float]:
    """Run jobs `runs` times from `clients` keep-alive clients, each waiting for the end.

    Client i takes the jobs i, i+clients, ... in turn, so no two clients queue on one job.
    Returns every request's latency in seconds.
    """
    shares = split(runs, clients)
    latencies: list[float] = []

    def work(index: int) -> None:
        client = Client(server)
        mine = job_ids[index % len(job_ids) :: clients] or job_ids
        for job_id in itertools.islice(itertools.cycle(mine), shares[index]):
            began = time.perf_counter()
            run = expect(*client.request("POST", f"/jobs/{job_id}/run?wait=true"), 200)
            latencies.append(time.perf_counter() - began)
            if run["state"] != "succeeded":
                raise RuntimeError(f"run {run['id']} ended {run['state']}: {run['error']}")
        client.close()

    in_threads(clients, work)
    return latencies


def create_jobs(server: ServerProcess, count: int, workdir: str, clients: int) -> list[str]:
    shares = split(count, clients)
    created: list[str] = []

    def work(index: int) -> None:
        client = Client(server)
        for n in range(shares[index]):
            body = {"name": f"bench-{index}-{n}", "command": JOB_COMMAND, "workdir": workdir}
            created.append(expect(*client.request("POST", "/jobs", body), 201)["id"])
        client.close()

    in_threads(clients, work)
    return created


def dispatch(server: ServerProcess, job_id: str, args: argparse.Namespace) -> tuple:
    """The acceptance figure: orchestrator wall time over the raw floor, same runs and threads.

    Returns that ratio, the raw floor and the wall in seconds, and the server's `Cost`."""
    section(f"dispatch: {args.runs} runs of `{JOB_COMMAND}`, {args.clients} clients")
    client = Client(server)
    for _ in range(WARM_UP):  # first spawns pay for imports and thread pools; not what we measure
        expect(*client.request("POST", f"/jobs/{job_id}/run?wait=true"), 200)
    client.close()
    raw = raw_floor(args.runs, args.clients)
    print(f"raw floor     {raw:7.3f} s  ({args.runs / raw:6.0f} spawns/s)")
    shares = split(args.runs, args.clients)

    def gets(index: int) -> None:
        c = Client(server)
        for _ in range(shares[index]):
            expect(*c.request("GET", f"/jobs/{job_id}"), 200)
        c.close()

    http_wall = in_threads(args.clients, gets)
    print(f"HTTP floor    {http_wall:7.3f} s  (same count of GET /jobs/{{id}}: client + gateway)")
    cost = Cost(server.process.pid, server)
    me, srv = Usage(os.getpid()), Usage(server.process.pid)
    started = time.perf_counter()
    latencies = sorted(submit_all(server, [job_id], args.runs, args.clients))
    wall = time.perf_counter() - started
    cost.stop()
    ratio = wall / raw
    print(f"orchestrator  {wall:7.3f} s  ({args.runs / wall:6.0f} runs/s)  ratio {ratio:.2f}x")
    p50, p99 = percentile(latencies, 0.5) * 1e3, percentile(latencies, 0.99) * 1e3
    print(f"per run       p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {latencies[-1] * 1e3:.1f} ms")
    print(
        f"CPU           server {srv.seconds():.2f} s (with its children), "
        f"benchmark client {me.seconds():.2f} s, over {wall:.2f} s wall on {os.cpu_count()} cores"
    )
    print(cost.describe(args.runs, "run"))
    return ratio, raw, wall, cost


def fill_store(server: ServerProcess, job_id: str, workdir: str, args: argparse.Namespace) -> None:
    """Bring the store to `--jobs` jobs and `--stored-runs` finished runs, through the API."""
    done = args.runs + WARM_UP
    section(f"store: filling to {args.jobs} jobs and {args.stored_runs} finished runs")
    started = time.perf_counter()
    job_ids = [job_id, *create_jobs(server, args.jobs - 1, workdir, args.clients)]
    print(f"{args.jobs - 1} jobs created in {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    extra = max(0, args.stored_runs - done)
    submit_all(server, job_ids[1:] or job_ids, extra, args.fill_clients)
    wall = time.perf_counter() - started
    print(
        f"{extra} more runs in {wall:.1f} s ({extra / max(wall, 1e-9):.0f} runs/s, "
        f"{args.fill_clients} clients)"
    )


def main() -> int:
    args = parse_args()
    limit = max(16, args.clients)
    figures: list[Figure] = []
    print(
        f"server started with --set execution.max_concurrent_runs={limit}; "
        f"job max_concurrent={args.clients}; {os.cpu_count()} cores; python {sys.version[:7]}"
    )
    with tempfile.TemporaryDirectory(prefix="orch-bench-") as tmp:
        data = Path(tmp) / "data"
        server = ServerProcess(data, "--set", f"execution.max_concurrent_runs={limit}")
        try:
            print(f"cold start (empty store): {timed_start(server):.2f} s")
            body = {
                "name": "bench-dispatch",
                "command": JOB_COMMAND,
                "workdir": tmp,
                "max_concurrent": args.clients,
            }
            job_id = expect(*server.request("POST", "/jobs", body), 201)["id"]
            ratio, raw, wall, cost = dispatch(server, job_id, args)
            figures.append(Figure("dispatch wall / raw floor", ratio, "x", 2.0))
            figures += bare.dispatch_floors(raw, tmp, args.runs, args.clients, JOB_COMMAND)
            figures += cost.figures(args.runs, "run")
            figures += bare.against_bare(wall, cost.cpu_ms(args.runs))
            fill_store(server, job_id, tmp, args)
            loaded = rss_mb(server.process.pid)
            print(f"RSS of the server that did the work: {loaded:.1f} MB")
        finally:
            server.stop()
        section("restart with that store")
        server = ServerProcess(data, "--set", f"execution.max_concurrent_runs={limit}")
        try:
            start = timed_start(server)
            after_start = rss_mb(server.process.pid)
            print(f"start-up {start:.2f} s (spawn to /health 200), RSS {after_start:.1f} MB")
            ids = [job["id"] for job in all_jobs(server)]
            section(f"reads: GET /jobs/{{id}}, {args.readers} clients, {len(ids)} jobs defined")
            (p99, p99_long), tool = read_figures(server, ids, job_id, args)
            after_reads = rss_mb(server.process.pid)
            print(f"RSS after the reads {after_reads:.1f} MB")
        finally:
            server.stop()
    figures.append(Figure(f"GET /jobs/{{id}} p99 ({tool}), typical job", p99, "ms", 10.0))
    figures.append(Figure(f"  same, job with {args.runs + WARM_UP} runs", p99_long, "ms", 10.0))
    figures.append(
        Figure("server RSS, full store (max)", max(loaded, after_start, after_reads), "MB", 150.0)
    )
    figures.append(Figure("start-up with full store", start, "s", 2.0))
    section("summary" + (" (--quick: sizes below the acceptance sizes)" if args.quick else ""))
    print_table(figures)
    return 0


def read_figures(
    server: ServerProcess, ids: list[str], deep_id: str, args: argparse.Namespace
) -> tuple[list[float], str]:
    """p99 of `GET /jobs/{id}` for a typical job and for the one that holds the dispatch runs.

    A job's view is derived from its run history, so the dispatch job (`deep_id`) shows what a
    long history costs. wrk measures when installed; Python threads cycling
    through every job always run too, and stand in for wrk when it is missing.
    """
    typical_id = next(job_id for job_id in reversed(ids) if job_id != deep_id)
    print(f"wrk, job {typical_id} (typical history):")
    typical = wrk_reads(server, typical_id, args.readers, args.read_seconds)
    deep = None
    if typical is not None:
        print(f"wrk, job {deep_id} (the dispatch job, longest history):")
        deep = wrk_reads(server, deep_id, args.readers, args.read_seconds)
    print("Python threads, every job in turn:")
    python = python_reads(server, ids, args.readers, args.read_seconds)
    tool = "wrk" if typical is not None else "Python"
    return [typical if typical is not None else python, deep if deep is not None else python], tool


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="runs to dispatch (1000)")
    parser.add_argument("--clients", type=int, default=8, help="dispatch clients and threads (8)")
    parser.add_argument("--quick", action="store_true", help="short smoke run with small sizes")
    parser.add_argument("--jobs", type=int, default=1000, help="jobs in the store (1000)")
    parser.add_argument("--stored-runs", type=int, default=10_000, help="finished runs (10000)")
    parser.add_argument("--fill-clients", type=int, default=16, help="clients filling (16)")
    parser.add_argument("--readers", type=int, default=32, help="concurrent readers (32)")
    parser.add_argument("--read-seconds", type=float, default=5.0, help="read phase length (5)")
    args = parser.parse_args()
    if args.quick:
        args.runs, args.jobs, args.stored_runs, args.read_seconds = 100, 100, 500, 1.0
    return args


if __name__ == "__main__":
    sys.exit(main())
