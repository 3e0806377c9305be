"""Benchmark of a long run history: reads, retention purge, memory and start-up at 100,000 runs.

Run from the repository root: `.venv/bin/python bench/history.py` (`--quick` for a smoke run).
Filling 100,000 runs through the API would take minutes, so the store is built directly with
the store module (`Store`, `new_run`, `runs.save`), closed, and the real server started on it.
1000 jobs hold 100 finished runs each: the 10 latest are recent, the 90 older ones (90,000 in
all) finished just before the `retention.runs_days` cutoff that the purge will apply.

The server purges once at start, so the old runs are dated to cross the cutoff only `--lead`
seconds after the build began: the start-up purge keeps them all, and `POST /system/purge`,
sent once that moment is past, removes exactly those 90,000 (`keep_last_runs` = 10 keeps the
recent ones). Targets: `GET /runs?owner=…&limit=50` p99 under 20 ms, `GET /metrics` p99 under
10 ms (five pollers at 100,000 runs), purge under 10 s.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402 - the repository root must be on sys.path first
    Client,
    Figure,
    ServerProcess,
    expect,
    machine,
    print_table,
    python_gets,
    rss_mb,
    section,
    timed_start,
    wrk_get,
)
from bench.dispatch import JOB_COMMAND  # noqa: E402
from orchestrator import ids  # noqa: E402
from orchestrator.config import load_config  # noqa: E402
from orchestrator.definitions.jobs import create_job  # noqa: E402
from orchestrator.models.fields import iso  # noqa: E402
from orchestrator.models.job import JobDefaults  # noqa: E402
from orchestrator.models.run import new_run  # noqa: E402
from orchestrator.security.rotation import key_source  # noqa: E402
from orchestrator.store.store import Store  # noqa: E402

RUNS_DAYS = 30.0
SPAN = 10.0  # seconds over which the old runs' finish times are spread, ending at the cutoff


def finished_run(owner: dict, created: datetime) -> dict:
    """A run of `true` that succeeded in 2 ms, as the server would have recorded it."""
    run = new_run(ids.new_id("R"), "job", owner, {"type": "api", "by": "admin"}, iso(created))
    started, ended = created + timedelta(milliseconds=1), created + timedelta(milliseconds=3)
    attempt = {"number": 1, "started_at": iso(started), "finished_at": iso(ended)}
    attempt.update(duration=0.002, exit_code=0, outcome="exited", error=None)
    run.update(state="succeeded", started_at=iso(started), finished_at=iso(ended))
    run.update(duration=0.002, exit_code=0, attempts=[attempt])
    return run


def build(data: Path, workdir: str, args: argparse.Namespace, crossing: datetime) -> list[str]:
    """Write `--jobs` jobs with `--per-job` finished runs each (and their empty outputs).

    The old runs finish in the `SPAN` seconds before `crossing - runs_days`, so they become
    older than the cutoff at `crossing`; the recent ones are spread over the last hour.
    """
    config = load_config(overrides={"server.data_dir": str(data)})
    store = Store(config.store_path, key_source(config))
    old_count = args.per_job - args.keep
    total_old = args.jobs * old_count
    cutoff = crossing - timedelta(days=RUNS_DAYS)
    recent_from = datetime.now(UTC) - timedelta(hours=1)
    empty = {"stdout": "", "stderr": "", "truncated": False}
    job_ids = []
    for j in range(args.jobs):
        body = {"name": f"bench-{j:04d}", "command": JOB_COMMAND, "workdir": workdir}
        job = create_job(store, body, "admin", JobDefaults())
        job_ids.append(job["id"])
        for k in range(args.per_job):
            if k < old_count:  # interleaved across jobs so each job's old runs span the window
                created = cutoff - timedelta(seconds=SPAN * (1 - (k * args.jobs + j) / total_old))
            else:
                created = recent_from + timedelta(seconds=3000 * (k - old_count) / args.keep)
            run = finished_run(job, created)
            store.runs.save(run)
            store.runs.save_output(run["id"], empty)
    store.close()
    return job_ids


def reads(server: ServerProcess, job_ids: list[str], args: argparse.Namespace) -> tuple[float, str]:
    """p99 (ms) of `GET /runs?owner=…&limit=50` (wrk on one owner, else Python), and the tool."""
    path = f"/runs?owner={job_ids[len(job_ids) // 2]}&limit=50"
    section(f"reads: GET {path}, {args.readers} clients, {args.read_seconds:g} s")
    p99 = wrk_get(server, path, args.readers, args.read_seconds)
    paths = [f"/runs?owner={job_id}&limit=50" for job_id in job_ids]
    python = python_gets(server, paths, args.readers, args.read_seconds, "every owner in turn")
    return (p99, "wrk") if p99 is not None else (python, "Python")


def unfiltered(server: ServerProcess, args: argparse.Namespace) -> float:
    """p99 (ms) of `GET /runs?limit=50` with no owner: its `total` counts the whole history."""
    section("reads without a filter: GET /runs?limit=50 (for information)")
    p99 = wrk_get(server, "/runs?limit=50", 4, 2)
    return p99 if p99 is not None else python_gets(server, ["/runs?limit=50"], 4, 2, "no filter")


def metrics_reads(server: ServerProcess, args: argparse.Namespace) -> tuple[float, str]:
    """p99 (ms) of `GET /metrics` from 5 clients, as five dashboards polling it at once."""
    section(f"metrics: GET /metrics, 5 clients, {args.read_seconds:g} s, {total_runs(server)} runs")
    p99 = wrk_get(server, "/metrics", 5, args.read_seconds)
    if p99 is not None:
        return p99, "wrk"
    return python_gets(server, ["/metrics"], 5, args.read_seconds, "/metrics"), "Python"


def total_runs(server: ServerProcess) -> int:
    return expect(*server.request("GET", "/runs?limit=1"), 200)["total"]


def purge(server: ServerProcess, crossing: datetime, expected: int) -> float:
    """Wait until the old runs are past the cutoff, then time `POST /system/purge` (s)."""
    section(f"purge: POST /system/purge, {expected} runs older than {RUNS_DAYS:g} days")
    wait = crossing.timestamp() + 0.5 - time.time()
    print(f"waiting {max(wait, 0):.1f} s until every old run is past the cutoff")
    time.sleep(max(wait, 0))
    client = Client(server, timeout=600)
    started = time.perf_counter()
    counts = expect(*client.request("POST", "/system/purge"), 200)
    seconds = time.perf_counter() - started
    client.close()
    logged = logged_seconds(server, "retention purged")
    inside = f", {logged} s in retention.purge before the commit (info.log)" if logged else ""
    print(f"purged {counts} in {seconds:.2f} s (HTTP round trip){inside}")
    if counts["runs"] != expected:
        raise RuntimeError(f"expected {expected} runs purged, got {counts['runs']}")
    print(f"runs left: {total_runs(server)}")
    return seconds


def logged_seconds(server: ServerProcess, event: str) -> str | None:
    """The `seconds=` of the server's latest `event` line in info.log, if any."""
    path = server.data_dir / "logs" / "info.log"
    text = path.read_text(errors="replace") if path.exists() else ""
    found = re.findall(rf"{event}.*?seconds=([\d.]+)", text)
    return found[-1] if found else None


def main() -> int:
    args = parse_args()
    stored, doomed = args.jobs * args.per_job, args.jobs * (args.per_job - args.keep)
    keep = (f"retention.runs_days={RUNS_DAYS:g}", f"retention.keep_last_runs={args.keep}")
    print(
        f"server started with --set {keep[0]} --set {keep[1]}; {args.jobs} jobs x "
        f"{args.per_job} finished runs; {machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="orch-bench-") as tmp:
        data = Path(tmp) / "data"
        section(f"build: {stored} finished runs written with the store module")
        began = time.perf_counter()
        crossing = datetime.now(UTC) + timedelta(seconds=args.lead)
        job_ids = build(data, tmp, args, crossing)
        print(f"built in {time.perf_counter() - began:.1f} s")
        server = ServerProcess(data, "--set", keep[0], "--set", keep[1])
        try:
            start = timed_start(server)
            after_start = rss_mb(server.process.pid)
            print(f"start-up {start:.2f} s (spawn to /health 200), RSS {after_start:.1f} MB")
            print(f"of which the store took {logged_seconds(server, 'store opened')} s to open")
            if total_runs(server) != stored or time.time() > crossing.timestamp() - SPAN:
                raise RuntimeError("the start-up purge may have removed runs; raise --lead")
            p99, tool = reads(server, job_ids, args)
            metrics_p99, metrics_tool = metrics_reads(server, args)
            p99_all = unfiltered(server, args)
            after_reads = rss_mb(server.process.pid)
            print(f"RSS after the reads {after_reads:.1f} MB")
            seconds = purge(server, crossing, doomed)
            after_purge = rss_mb(server.process.pid)
            print(f"RSS after the purge {after_purge:.1f} MB")
        finally:
            server.stop()
    section("summary" + (" (--quick: sizes below the acceptance sizes)" if args.quick else ""))
    print(machine())
    print_table(
        [
            Figure(f"GET /runs?owner=…&limit=50 p99 ({tool})", p99, "ms", 20.0),
            Figure(f"GET /metrics p99 ({metrics_tool}, 5 clients)", metrics_p99, "ms", 10.0),
            Figure(f"retention purge of {doomed} runs", seconds, "s", 10.0),
            Figure("  start-up with the full store", start, "s"),
            Figure("  RSS after start", after_start, "MB"),
            Figure("  RSS after reads", after_reads, "MB"),
            Figure("  RSS after purge", after_purge, "MB"),
            Figure("  GET /runs?limit=50 p99 (no owner)", p99_all, "ms"),
        ]
    )
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1000, help="jobs (1000)")
    parser.add_argument("--per-job", type=int, default=100, help="finished runs per job (100)")
    parser.add_argument("--keep", type=int, default=10, help="keep_last_runs, recent runs (10)")
    parser.add_argument("--lead", type=float, default=60.0, help="s until old runs expire (60)")
    parser.add_argument("--readers", type=int, default=32, help="concurrent readers (32)")
    parser.add_argument("--read-seconds", type=float, default=5.0, help="read phase length (5)")
    parser.add_argument("--quick", action="store_true", help="short smoke run with small sizes")
    args = parser.parse_args()
    if args.quick:
        args.jobs, args.lead, args.read_seconds = 100, 20.0, 1.0
    return args


if __name__ == "__main__":
    sys.exit(main())
