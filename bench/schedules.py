"""Benchmark of schedule fires: many schedules due in the same second, fanning out to job runs.

Run from the repository root: `.venv/bin/python bench/schedules.py` (`--quick` for a smoke run).
100 schedules with 10 job targets of `true` each, due at the same second (a 6-field cron naming
that second, in UTC, a few seconds ahead), launch 1000 runs. Printed: the fire lag of each run
(`queued_at` minus the due time), the fires missed (1000 minus the runs found), and `/health`
latency probed from a thread all along, and the server's own CPU, actor messages and store
commits per fired run. Targets: lag p99 <= 50 ms, none missed, `/health` p99 < 50 ms meanwhile.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402 - the repository root must be on sys.path first
    Client,
    Figure,
    ServerProcess,
    expect,
    in_threads,
    machine,
    percentile,
    print_table,
    section,
    split,
    timed_start,
)
from bench.cost import Cost  # noqa: E402
from bench.dispatch import JOB_COMMAND  # noqa: E402

ACTIVE = ("scheduled", "queued", "running", "retrying")
WAIT_LIMIT = 300.0  # seconds after the due time; 1000 runs of `true` take about 2


class HealthProbe(threading.Thread):
    """`GET /health` every 5 ms on a keep-alive connection, timed, until `stopping` is set."""

    def __init__(self, server: ServerProcess) -> None:
        super().__init__(daemon=True)
        self.client = Client(server, timeout=30)
        self.samples: list[tuple[float, float]] = []  # (wall-clock time sent, latency s)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            sent, began = time.time(), time.perf_counter()
            expect(*self.client.request("GET", "/health"), 200)
            self.samples.append((sent, time.perf_counter() - began))
            time.sleep(0.005)
        self.client.close()

    def latencies(self, start: float, end: float) -> list[float]:
        """Latencies in ms, ascending, of the probes sent between two wall-clock times."""
        return sorted(lat * 1e3 for sent, lat in self.samples if start <= sent <= end)


def create_jobs(server: ServerProcess, count: int, workdir: str, limit: int) -> list[str]:
    """`count` jobs of `true`, created by 8 clients, in a stable order."""
    shares, found = split(count, 8), {}

    def work(index: int) -> None:
        client = Client(server)
        for n in range(shares[index]):
            body = {"name": f"bench-{index}-{n}", "command": JOB_COMMAND, "workdir": workdir}
            found[body["name"]] = expect(
                *client.request("POST", "/jobs", {**body, "max_concurrent": limit}), 201
            )["id"]
        client.close()

    in_threads(8, work)
    return [found[name] for name in sorted(found)]


def warm_up(server: ServerProcess, jobs: list[str], count: int) -> None:
    """Runs at once before the fire: first spawns pay for imports and pool threads."""

    def work(index: int) -> None:
        client = Client(server)
        expect(*client.request("POST", f"/jobs/{jobs[index]}/run?wait=true"), 200)
        client.close()

    in_threads(count, work)


def create_schedules(
    server: ServerProcess, due: datetime, jobs: list[str], args: argparse.Namespace
) -> list[str]:
    """`--schedules` schedules due at `due`, each targeting `--targets` jobs taken in turn."""
    cron = f"{due.second} {due.minute} {due.hour} {due.day} {due.month} *"
    client, ids = Client(server), []
    for n in range(args.schedules):
        targets = [jobs[(n * args.targets + k) % len(jobs)] for k in range(args.targets)]
        body = {"name": f"bench-s{n}", "cron": cron, "timezone": "UTC", "targets": targets}
        schedule = expect(*client.request("POST", "/schedules", body), 201)
        if schedule["next_fire_at"] is None or _when(schedule["next_fire_at"]) != due:
            raise RuntimeError(f"schedule {schedule['id']} is armed for {schedule['next_fire_at']}")
        ids.append(schedule["id"])
    client.close()
    print(f"cron `{cron}` (UTC), due {due.isoformat(timespec='seconds')}")
    return ids


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def wait_until_done(client: Client, due: float) -> float:
    """Wall-clock time when no job run is left to start or end, two seconds after due at least
    (fires may still be landing just after the due time), or after `WAIT_LIMIT` seconds."""
    while time.time() < due + WAIT_LIMIT:
        time.sleep(0.25)
        if time.time() < due + 2:
            continue
        found = (client.request("GET", f"/runs?kind=job&state={s}&limit=1") for s in ACTIVE)
        if not sum(expect(*answer, 200)["total"] for answer in found):
            return time.time()
    print(f"gave up waiting {WAIT_LIMIT:g} s after the due time")
    return time.time()


def fired_runs(client: Client, schedule_ids: set[str]) -> list[dict]:
    """Every job run triggered by one of the benchmark's schedules (`trigger.by`), page by page."""
    runs, cursor = [], ""
    while True:
        page = expect(*client.request("GET", f"/runs?kind=job&limit=1000{cursor}"), 200)
        runs += [r for r in page["items"] if r["trigger"]["by"] in schedule_ids]
        if not page["next_cursor"]:
            return runs
        cursor = f"&cursor={page['next_cursor']}"


def fire(server: ServerProcess, jobs: list[str], args: argparse.Namespace) -> list[Figure]:
    expected = args.schedules * args.targets
    section(f"fire: {args.schedules} schedules x {args.targets} targets due in the same second")
    due = datetime.fromtimestamp(math.ceil(time.time()) + args.lead, UTC)
    ids = create_schedules(server, due, jobs, args)
    ahead = due.timestamp() - time.time()
    print(f"{len(ids)} schedules created; {ahead:.2f} s before the due time")
    if ahead < 0.5:
        raise RuntimeError("the schedules were created too late; raise --lead")
    client, probe, cost = Client(server), HealthProbe(server), Cost(server.process.pid, server)
    probe.start()
    done_at = wait_until_done(client, due.timestamp())
    cost.stop()
    probe.stopping.set()
    probe.join()
    runs = fired_runs(client, set(ids))
    page = expect(*client.request("GET", "/schedules?limit=1000"), 200)
    client.close()
    # When each Schedule actor began its fire, before the store and the Supervisor saw it.
    woke = sorted(
        (_when(s["last_fired_at"]) - due).total_seconds() * 1e3
        for s in page["items"]
        if s["id"] in ids and s["last_fired_at"]
    ) or [math.inf]
    # With no run at all, an infinite lag says so in the table instead of a crash.
    lags = sorted((_when(r["queued_at"]) - due).total_seconds() * 1e3 for r in runs) or [math.inf]
    fires = {(r["trigger"]["by"], r["owner_id"]) for r in runs}
    twice, missed = len(runs) - len(fires), expected - len(fires)
    states = Counter(r["state"] for r in runs)
    p50, p99 = percentile(lags, 0.5), percentile(lags, 0.99)
    print(f"{len(runs)} runs found of {expected} expected ({twice} duplicates); {dict(states)}")
    print(f"fire lag (queued_at - due): p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {lags[-1]:.1f} ms")
    print(
        f"schedule actors began firing (last_fired_at - due): p50 {percentile(woke, 0.5):.1f} ms"
        f"  max {woke[-1]:.1f} ms ({len(woke)} schedules)"
    )
    ends = [_when(r["finished_at"]).timestamp() for r in runs if r["finished_at"]]
    ended = (max(ends) if ends else done_at) - due.timestamp()
    print(f"the last run ended {ended:.2f} s after due")
    print(cost.describe(len(runs), "fired run") + " (polls and probes included)")
    lat = probe.latencies(due.timestamp() - 1, done_at)
    print(
        f"/health from 1 s before due until all runs ended: {len(lat)} probes  p50 "
        f"{percentile(lat, 0.5):.2f} ms  p99 {percentile(lat, 0.99):.2f} ms  max {max(lat):.2f} ms"
    )
    return [
        Figure("fire lag p99 (queued_at - due)", p99, "ms", 50.0),
        Figure("  fire lag p50", p50, "ms"),
        Figure(f"missed fires (of {expected})", missed, "", 0),
        Figure("/health p99, due-1s to all runs ended", percentile(lat, 0.99), "ms", 50.0),
        Figure("  last run ended after due", ended, "s"),
        *cost.figures(len(runs), "fired run"),
    ]


def main() -> int:
    args = parse_args()
    share = math.ceil(args.schedules * args.targets / args.jobs)
    print(
        f"server started with --set execution.max_concurrent_runs={args.max_runs}; {args.jobs} "
        f"jobs of `{JOB_COMMAND}` with max_concurrent {share} (the fires that share one job); "
        f"{machine()}"
    )
    with tempfile.TemporaryDirectory(prefix="orch-bench-") as tmp:
        limit = f"execution.max_concurrent_runs={args.max_runs}"
        server = ServerProcess(Path(tmp) / "data", "--set", limit)
        try:
            print(f"cold start (empty store): {timed_start(server):.2f} s")
            started = time.perf_counter()
            jobs = create_jobs(server, args.jobs, tmp, share)
            print(f"{len(jobs)} jobs created in {time.perf_counter() - started:.2f} s")
            warm_up(server, jobs, min(args.max_runs, len(jobs)))
            figures = fire(server, jobs, args)
        finally:
            server.stop()
    section("summary" + (" (--quick: sizes below the acceptance sizes)" if args.quick else ""))
    print(machine())
    print_table(figures)
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=100, help="schedules (100)")
    parser.add_argument("--targets", type=int, default=10, help="job targets of each (10)")
    parser.add_argument("--jobs", type=int, default=1000, help="distinct jobs, shared in turn")
    parser.add_argument("--lead", type=int, default=5, help="s from creation to due (5)")
    parser.add_argument("--max-runs", type=int, default=16, help="global run limit (16)")
    parser.add_argument("--quick", action="store_true", help="short smoke run with small sizes")
    args = parser.parse_args()
    if args.quick:
        args.schedules, args.jobs = 10, 100
    return args


if __name__ == "__main__":
    sys.exit(main())
