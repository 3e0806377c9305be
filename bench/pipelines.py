"""Benchmark of pipeline orchestration: what the server adds around each step's process.

Run from the repository root: `.venv/bin/python bench/pipelines.py` (`--quick` for a smoke run).
It prints each figure as it goes, then a summary table with PASS or MISS per target:
- linear: one pipeline of 100 steps of `true`, each depending on the one before, run with
  `POST /pipelines/{id}/run?wait=true`, against 100 sequential `subprocess.run(["true"])` in
  this process, measured right before it (targets: at most 1.5x, and at most 0.5 ms of
  orchestration per step);
- fan-out: 100 pipelines of 10 steps started at once by 100 clients; all must succeed. The total
  wall time and the per-step orchestration overhead are printed.
Per-step overhead = (pipeline wall - raw time per spawn x steps) / steps. Both phases also
print the server's own CPU, actor messages and store commits per step (`bench/cost.py`).
"""

from __future__ import annotations

import argparse
import os
import statistics
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
    expect,
    in_threads,
    machine,
    print_table,
    section,
    split,
    timed_start,
)
from bench.cost import Cost  # noqa: E402
from bench.dispatch import JOB_COMMAND, RAW_COMMAND  # noqa: E402

WAIT = 600.0  # seconds a `wait=true` run request may take before the server answers 202


def sequential_raw(count: int) -> float:
    """Wall time of `count` bare spawns one after the other: a linear pipeline's floor."""
    started = time.perf_counter()
    for _ in range(count):
        subprocess.run(RAW_COMMAND)
    return time.perf_counter() - started


def create_pipeline(client: Client, name: str, job_id: str, steps: int) -> str:
    """A linear pipeline: without `depends_on`, each step depends on the one before."""
    body = {"name": name, "steps": [{"id": f"s{n:03d}", "job": job_id} for n in range(steps)]}
    return expect(*client.request("POST", "/pipelines", body), 201)["id"]


def run_pipeline(client: Client, pipeline_id: str) -> dict:
    path = f"/pipelines/{pipeline_id}/run?wait=true&timeout={WAIT:g}"
    return expect(*client.request("POST", path), 200)


def check_run(run: dict, steps: int) -> None:
    done = sum(step["state"] == "succeeded" for step in run["steps"])
    if run["state"] != "succeeded" or done != steps:
        raise RuntimeError(f"pipeline run {run['id']} ended {run['state']}: {run['error']}")


def linear(server: ServerProcess, job_id: str, args: argparse.Namespace) -> tuple:
    """Ratio of the linear pipeline's wall time to the raw floor, its per-step overhead (s), and
    the server's `Cost` over the rounds (per step: divide by steps x rounds).

    Raw floor and pipeline alternate `--repeat` times; the medians are compared, so a burst of
    other work on the machine does not decide the verdict alone.
    """
    steps = args.steps
    section(f"linear: 1 pipeline of {steps} steps of `{JOB_COMMAND}`, {args.repeat} rounds")
    client = Client(server, timeout=WAIT + 60)
    pipeline_id = create_pipeline(client, "bench-linear", job_id, steps)
    warm_id = create_pipeline(client, "bench-warm-up", job_id, 10)
    for _ in range(2):  # first spawns pay for imports and thread pools; not what we measure
        check_run(run_pipeline(client, warm_id), 10)
    raws, walls, inside = [], [], []
    srv, cost = Usage(server.process.pid), Cost(server.process.pid, server)
    for n in range(args.repeat):
        raws.append(sequential_raw(steps))
        started = time.perf_counter()
        run = run_pipeline(client, pipeline_id)
        walls.append(time.perf_counter() - started)
        check_run(run, steps)
        inside.append(run["duration"])
        print(
            f"round {n + 1}: raw {raws[-1]:6.3f} s  pipeline {walls[-1]:6.3f} s "
            f"(server-side duration {run['duration']:.3f} s)  ratio {walls[-1] / raws[-1]:5.2f}x"
        )
    cost.stop()
    client.close()
    raw, wall = statistics.median(raws), statistics.median(walls)
    overhead = (wall - raw) / steps
    print(
        f"median: raw {raw:.3f} s ({raw / steps * 1e3:.2f} ms per spawn), pipeline {wall:.3f} s "
        f"({wall / steps * 1e3:.2f} ms per step), server-side {statistics.median(inside):.3f} s"
    )
    print(f"per-step orchestration overhead {overhead * 1e3:.2f} ms  ratio {wall / raw:.2f}x")
    print(f"server CPU {srv.seconds():.2f} s (with its children) over {args.repeat} rounds")
    print(cost.describe(steps * args.repeat, "step"))
    return wall / raw, overhead, cost


def fan_out(server: ServerProcess, job_id: str, args: argparse.Namespace) -> tuple:
    """Start `--pipelines` pipelines of `--fan-steps` steps at once; returns (not succeeded,
    wall time in s, `Cost`). Each client creates its pipeline first, then all start together."""
    count, steps = args.pipelines, args.fan_steps
    total = count * steps
    section(f"fan-out: {count} pipelines of {steps} steps started at once ({total} step runs)")
    clients = [Client(server, timeout=WAIT + 60) for _ in range(count)]
    ids = [create_pipeline(c, f"bench-fan-{n}", job_id, steps) for n, c in enumerate(clients)]
    runs: list[dict] = []

    def work(index: int) -> None:
        runs.append(run_pipeline(clients[index], ids[index]))

    me, srv, cost = Usage(os.getpid()), Usage(server.process.pid), Cost(server.process.pid, server)
    wall = in_threads(count, work)
    cost.stop()
    for client in clients:
        client.close()
    ok = sum(r["state"] == "succeeded" and len(r["steps"]) == steps for r in runs)
    durations = sorted(r["duration"] or 0.0 for r in runs)
    print(f"{ok} of {count} pipeline runs succeeded in {wall:.3f} s ({total / wall:.0f} steps/s)")
    print(
        f"pipeline run durations (server-side): min {durations[0]:.2f} s  "
        f"median {statistics.median(durations):.2f} s  max {durations[-1]:.2f} s"
    )
    print(
        f"CPU: server {srv.seconds():.2f} s (with its children), benchmark client "
        f"{me.seconds():.2f} s, over {wall:.2f} s wall on {os.cpu_count()} cores"
    )
    print(cost.describe(total, "step"))
    return count - ok, wall, cost


def parallel_raw(count: int, threads: int) -> float:
    """Wall time of `count` spawns on `threads` threads: the floor for runs admitted together."""
    shares = split(count, threads)
    return in_threads(threads, lambda i: [subprocess.run(RAW_COMMAND) for _ in range(shares[i])])


def shell_floor(steps: int, workdir: str) -> float:
    """The linear pipeline's work with no server: its steps' shells one after the other."""
    raw = statistics.median(sequential_raw(steps) for _ in range(3))
    shell = statistics.median(bare.shell_sequential(steps, JOB_COMMAND, workdir) for _ in range(3))
    print(
        f"shell floor: {steps} spawns of the job's shell with pipes, no server, {shell:.3f} s "
        f"= {shell / raw:.2f}x the raw floor (bench/bare.py)"
    )
    return shell / raw


def main() -> int:
    args = parse_args()
    figures: list[Figure] = []
    print(
        f"server started with --set execution.max_concurrent_runs={args.max_runs}; one job "
        f"`{JOB_COMMAND}` with max_concurrent 1000 for every step; {machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="orch-bench-") as tmp:
        limit = f"execution.max_concurrent_runs={args.max_runs}"
        server = ServerProcess(Path(tmp) / "data", "--set", limit)
        try:
            print(f"cold start (empty store): {timed_start(server):.2f} s")
            body = {"name": "bench-true", "command": JOB_COMMAND, "workdir": tmp}
            body["max_concurrent"] = 1000
            job_id = expect(*server.request("POST", "/jobs", body), 201)["id"]
            ratio, overhead, line_cost = linear(server, job_id, args)
            shell_ratio = shell_floor(args.steps, tmp)
            missed, wall, fan_cost = fan_out(server, job_id, args)
        finally:
            server.stop()
    total = args.pipelines * args.fan_steps
    section("raw floors for the fan-out, in this process")
    raw_seq = sequential_raw(total)
    raw_par = parallel_raw(total, args.max_runs)
    print(f"{total} spawns: sequential {raw_seq:.3f} s, on {args.max_runs} threads {raw_par:.3f} s")
    fan_overhead = (wall - raw_seq) / total
    print(
        f"fan-out per-step overhead {fan_overhead * 1e3:.2f} ms "
        f"(wall {wall / total * 1e3:.2f} ms per step); fan-out wall / parallel floor "
        f"{wall / raw_par:.2f}x"
    )
    figures += [
        Figure(f"linear {args.steps}-step pipeline / raw", ratio, "x", 1.5),
        Figure("  per-step overhead, linear", overhead * 1e3, "ms", 0.5),
        *line_cost.figures(args.steps * args.repeat, "step, linear"),
        Figure("  shell floor (no server) / raw", shell_ratio, "x"),
        Figure(f"fan-out {args.pipelines}x{args.fan_steps}: runs not succeeded", missed, "", 0),
        Figure("  fan-out total wall", wall, "s"),
        Figure("  per-step overhead, fan-out", fan_overhead * 1e3, "ms"),
        Figure("  fan-out wall / parallel raw floor", wall / raw_par, "x"),
        *fan_cost.figures(total, "step, fan-out"),
    ]
    section("summary" + (" (--quick: sizes below the acceptance sizes)" if args.quick else ""))
    print(machine())
    print_table(figures)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100, help="steps of the linear one (100)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of the linear one (3)")
    parser.add_argument("--pipelines", type=int, default=100, help="fan-out pipelines (100)")
    parser.add_argument("--fan-steps", type=int, default=10, help="steps of each (10)")
    parser.add_argument("--max-runs", type=int, default=16, help="global run limit (16)")
    parser.add_argument("--quick", action="store_true", help="short smoke run with small sizes")
    args = parser.parse_args()
    if args.quick:
        args.steps, args.repeat, args.pipelines, args.fan_steps = 20, 1, 10, 5
    return args


if __name__ == "__main__":
    sys.exit(main())
