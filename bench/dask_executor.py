"""Benchmark of the Dask executor against the Dask floor, in one run, on a 2-worker cluster.

Run from the repository root: `.venv/bin/python bench/dask_executor.py` (`--runs 200` for a
smoke run). It starts a `dask scheduler` and two `dask worker` processes on 127.0.0.1, then:
- floor: N `client.submit(subprocess.run, ["true"])` through that cluster, all at once;
- server: N runs of `true` through `POST /jobs/{id}/run?wait=true` from C clients to a server
  with `execution.executor: dask` on the same cluster (target: at most 1.5x the floor);
- latency: sequential runs through a local-executor server and through the Dask one: the p50
  the Dask path adds (target: 15 ms or less);
- load: the server's RSS and CPU while 200 remote runs (`sleep`) are in flight.
For the floor and the server phase it prints the CPU time per run of each process (scheduler,
the two worker processes with the commands they ran, the server, this benchmark): the phases
are CPU-bound on 2 cores, so these say where the wall time goes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from bench.common import (  # noqa: E402 - the repository root must be on sys.path first
    Client,
    ServerProcess,
    Usage,
    expect,
    in_threads,
    machine,
    percentile,
    rss_mb,
    split,
)
from tests.support import ROOT, free_port  # noqa: E402

THREADS = 128  # per worker: enough slots for the 200 runs in flight


def start_cluster(base: Path) -> tuple[str, list[subprocess.Popen]]:
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = open(base / "cluster.log", "ab")  # noqa: SIM115
    common = {"stdout": log, "stderr": log, "env": env, "cwd": ROOT}
    scheduler = [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
    procs = [subprocess.Popen([*scheduler, "--port", str(port), "--no-dashboard"], **common)]
    for name in ("w1", "w2"):
        worker = [sys.executable, "-m", "distributed.cli.dask_worker", address, "--name", name]
        worker += ["--nthreads", str(THREADS), "--host", "127.0.0.1", "--no-dashboard"]
        procs.append(subprocess.Popen(worker, **common))
    from distributed import Client as DaskClient

    with DaskClient(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=60)
    return address, procs


def cpu_meters(procs: list[subprocess.Popen], server: ServerProcess) -> dict[str, Usage]:
    """Usage of each process; a `dask worker` runs its worker in a child of its nanny."""
    pids = {"scheduler": procs[0].pid, "server": server.process.pid, "bench": os.getpid()}
    for n, nanny in enumerate(procs[1:], 1):
        children = psutil.Process(nanny.pid).children()
        pids[f"w{n}"] = max(children, key=lambda c: c.memory_info().rss).pid
    return {name: Usage(pid) for name, pid in pids.items()}


def print_cpu(label: str, meters: dict[str, Usage], runs: int) -> None:
    used = {name: meter.seconds() / runs * 1000 for name, meter in meters.items()}
    parts = ", ".join(f"{name} {ms:.2f}" for name, ms in used.items())
    print(f"  CPU ms per run, {label}: {parts}; total {sum(used.values()):.2f}")


def dask_floor(address: str, runs: int) -> float:
    from distributed import Client as DaskClient

    with DaskClient(address, set_as_default=False) as client:
        client.gather([client.submit(subprocess.run, ["true"], pure=False) for _ in range(16)])
        began = time.perf_counter()
        futures = [client.submit(subprocess.run, ["true"], pure=False) for _ in range(runs)]
        client.gather(futures)
        return time.perf_counter() - began


def make_jobs(server: ServerProcess, count: int, command: str, workdir: str, **more) -> list[str]:
    client = Client(server)
    ids = []
    for n in range(count):
        body = {"name": f"bench-{command[:5]}-{n}", "command": command, "workdir": workdir, **more}
        ids.append(expect(*client.request("POST", "/jobs", body), 201)["id"])
    client.close()
    return ids


def through_server(server: ServerProcess, jobs: list[str], runs: int, clients: int) -> list[float]:
    shares, latencies = split(runs, clients), []

    def work(index: int) -> None:
        client = Client(server)
        job = jobs[index % len(jobs)]
        for _ in range(shares[index]):
            began = time.perf_counter()
            run = expect(*client.request("POST", f"/jobs/{job}/run?wait=true"), 200)
            latencies.append(time.perf_counter() - began)
            if run["state"] != "succeeded":
                raise RuntimeError(f"run {run['id']} ended {run['state']}: {run['error']}")
        client.close()

    in_threads(clients, work)
    return latencies


def server_with(base: Path, name: str, *options: str) -> ServerProcess:
    (base / name).mkdir()
    args = [item for option in options for item in ("--set", option)]
    return ServerProcess(base / name / "data", *args).start(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--sequential", type=int, default=100)
    parser.add_argument("--in-flight", type=int, default=200)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        address, procs = start_cluster(base)
        servers = []
        try:
            limits = ("execution.max_concurrent_runs=1000", "logging.level=warning")
            remote = server_with(base, "dask", *limits, "execution.executor=dask",
                                 f"execution.dask_address={address}")  # fmt: skip
            local = server_with(base, "local", *limits)
            servers = [remote, local]
            jobs = make_jobs(remote, args.clients, "true", tmp)
            through_server(remote, jobs, 64, args.clients)  # warm the workers' imports
            meters = cpu_meters(procs, remote)
            floor = dask_floor(address, args.runs)
            print(f"dask floor: {args.runs} submits of subprocess.run(['true']): {floor:.2f} s")
            print_cpu("floor", meters, args.runs)
            meters, began = cpu_meters(procs, remote), time.perf_counter()
            through_server(remote, jobs, args.runs, args.clients)
            wall = time.perf_counter() - began
            print_cpu("server", meters, args.runs)
            ratio = wall / floor
            verdict = "PASS" if ratio <= 1.5 else "MISS"
            print(f"server: {args.runs} runs from {args.clients} clients: {wall:.2f} s")
            print(f"ratio to the dask floor: {ratio:.2f}x (target <= 1.5x) {verdict}")

            seq = {}
            for name, server in (("local", local), ("dask", remote)):
                one = make_jobs(server, 1, "true", tmp) if name == "local" else jobs[:1]
                through_server(server, one, 10, 1)
                seq[name] = sorted(through_server(server, one, args.sequential, 1))
            p50 = {name: percentile(values, 0.5) * 1000 for name, values in seq.items()}
            added = p50["dask"] - p50["local"]
            verdict = "PASS" if added <= 15 else "MISS"
            print(f"sequential p50: local {p50['local']:.1f} ms, dask {p50['dask']:.1f} ms")
            print(f"latency added by the dask path: {added:.1f} ms p50 (target <= 15) {verdict}")

            sleeper = make_jobs(remote, 1, "sleep 8", tmp, max_concurrent=1000)[0]
            client = Client(remote)
            usage, began = Usage(remote.process.pid), time.perf_counter()
            for _ in range(args.in_flight):
                expect(*client.request("POST", f"/jobs/{sleeper}/run"), 202)
            time.sleep(5)
            cpu = usage.seconds() / (time.perf_counter() - began) * 100
            print(
                f"server with {args.in_flight} remote runs in flight: RSS "
                f"{rss_mb(remote.process.pid):.0f} MiB, CPU {cpu:.0f}% of one core "
                "(over the submits and 5 s of waiting)"
            )
            client.close()
        finally:
            for server in servers:
                server.stop()
            for proc in procs:
                proc.kill()
                proc.wait()


if __name__ == "__main__":
    main()
