"""The flood part of `live_output.py`: a job writing 200 MB while dispatch runs beside it.

On 2 cores the flood job itself (`head | tr`) takes most of a core wherever its output goes, so
the dispatch is also timed beside the same command run by the benchmark with its output thrown
away (`> /dev/null`, the floor: what the job costs with no reader at all) and read by `cat` (the
cheapest reader there is). What the server's reading adds is the gap between those and the
flood run through the server.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Callable

import psutil

from bench.common import Client, ServerProcess, expect, rss_mb, section
from bench.dispatch import submit_all


def flood_command(megabytes: int) -> str:
    size = megabytes * 1000 * 1000
    return f"head -c {size} /dev/zero | tr '\\0' x; echo; echo FATAL end"


def wait_for(client: Client, run_id: str, each: Callable[[], None] = lambda: None) -> dict:
    while (run := expect(*client.request("GET", f"/runs/{run_id}"), 200))["state"] in (
        "queued",
        "running",
    ):
        each()
        time.sleep(0.05)
    return run


class Flooder:
    """Floods back to back on a thread until stopped: through the server, or by itself."""

    def __init__(self, start_one: Callable[[], None]) -> None:
        self.start_one = start_one
        self.done = threading.Event()
        self.count = 0
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self.done.is_set():
            self.start_one()
            self.count += 1

    def __enter__(self) -> Flooder:
        self.thread.start()
        time.sleep(0.3)  # the flood is under way
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def flood(server: ServerProcess, workdir: str, megabytes: int, runs: int, rounds: int) -> tuple:
    """Dispatch alone, beside floods through the server, and beside the same floods with no
    server reading them, in alternating rounds (the machine's load drifts)."""
    section(f"flood: jobs writing {megabytes} MB each; dispatch of {runs} runs alongside")
    client = Client(server)

    def job(command: str) -> str:
        body = {"name": f"flood-{time.time_ns()}", "command": command, "workdir": workdir}
        return expect(*client.request("POST", "/jobs", body), 201)["id"]

    true_id, flood_id = job("true"), job(flood_command(megabytes))
    submit_all(server, [true_id], 16, 4)  # warm up
    server_proc = psutil.Process(server.process.pid)
    own = sum(server_proc.cpu_times()[:2])  # the server's own CPU, not its children's
    began = time.perf_counter()
    wait_for(client, expect(*client.request("POST", f"/jobs/{flood_id}/run"), 202)["id"])
    own = sum(server_proc.cpu_times()[:2]) - own
    alone_s = time.perf_counter() - began
    print(f"one flood through the server alone: {alone_s:.2f} s, server CPU {own:.2f} s")
    began = time.perf_counter()
    subprocess.run(["/bin/sh", "-c", flood_command(megabytes)], stdout=subprocess.DEVNULL)
    print(f"one flood to /dev/null alone: {time.perf_counter() - began:.2f} s")
    peak, floods = [rss_mb(server.process.pid)], []
    times: dict[str, list[float]] = {"alone": [], "server": [], "devnull": [], "cat": []}

    def through_server() -> None:
        own = Client(server)
        run_id = expect(*own.request("POST", f"/jobs/{flood_id}/run"), 202)["id"]
        floods.append(run_id)
        wait_for(own, run_id, lambda: peak.append(rss_mb(server.process.pid)))
        own.close()

    def by_itself(sink: str) -> Callable[[], None]:
        return lambda: subprocess.run(["/bin/sh", "-c", f"({flood_command(megabytes)}){sink}"])

    beside = {
        "server": through_server,
        "devnull": by_itself(" > /dev/null"),
        "cat": by_itself(" | cat > /dev/null"),
    }
    for _ in range(rounds):
        for name in ("alone", "server", "devnull", "cat"):
            began = time.perf_counter()
            if name == "alone":
                submit_all(server, [true_id], runs, 8)
            else:
                with Flooder(beside[name]):
                    began = time.perf_counter()
                    submit_all(server, [true_id], runs, 8)
            times[name].append(time.perf_counter() - began)
    slower = {k: (sum(v) / sum(times["alone"]) - 1) * 100 for k, v in times.items()}
    run = wait_for(client, floods[-1])
    out = expect(*client.request("GET", f"/runs/{floods[-1]}/output"), 200)
    kept = out["stdout"].startswith("x" * 65536) and out["stdout"].endswith("FATAL end\n")
    marked = f"[... {out['dropped']['stdout']} bytes dropped ...]" in out["stdout"]
    for name, label in (
        ("alone", "dispatch alone"),
        ("server", "beside floods through the server"),
        ("devnull", "beside floods to /dev/null (floor)"),
        ("cat", "beside floods read by cat"),
    ):
        walls = " ".join(f"{w:.3f}" for w in times[name])
        print(f"{label:<36} {walls} s  ({slower[name]:+.1f} %)")
    print(
        f"{len(floods)} floods through the server; last: {run['state']} in "
        f"{run['duration']:.1f} s, truncated {run['truncated']}, head and tail kept {kept}, "
        f"gap marked {marked}"
    )
    print(f"server RSS peak {max(peak):.1f} MB")
    return max(peak), slower, kept and marked, own
