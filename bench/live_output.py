"""Benchmark of live output, against the targets of issue 14.

Run from the repository root: `.venv/bin/python bench/live_output.py` (`--quick` for a smoke run).
- latency: a job prints its own timestamps; an SSE follower notes when each line arrives
  (p99 within 200 ms);
- flood: a job writes 200 MB as fast as it can while the server's RSS is sampled (< 150 MB), the
  run must end with head, tail and the gap marked, and dispatch runs at the same time (within
  10 % of the same dispatch without the flood);
- followers: 100 SSE followers of one run each receive exactly the stored text.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402

from bench.common import (  # noqa: E402 - the repository root must be on sys.path first
    Client,
    Figure,
    ServerProcess,
    expect,
    in_threads,
    machine,
    percentile,
    print_table,
    rss_mb,
    section,
)
from bench.dispatch import submit_all  # noqa: E402

PY = f'"{sys.executable}"'


def events(server: ServerProcess, run_id: str) -> Iterator[tuple[float, str, dict]]:
    """(arrival time, event name, data) of the run's output stream, until it closes."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=300)
    conn.request(
        "GET",
        f"/runs/{run_id}/output/stream",
        headers={"Authorization": f"Bearer {server.api_key}"},
    )
    resp = conn.getresponse()
    name, data = "message", None
    for raw in resp:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
        elif not line and data is not None:
            yield time.time(), name, data
            name, data = "message", None
    conn.close()


def make_job(client: Client, command: str, workdir: str, **fields) -> str:
    body = {"name": f"live-{time.time_ns()}", "command": command, "workdir": workdir, **fields}
    return expect(*client.request("POST", "/jobs", body), 201)["id"]


def start(client: Client, job_id: str) -> str:
    return expect(*client.request("POST", f"/jobs/{job_id}/run"), 202)["id"]


def latency(server: ServerProcess, workdir: str, seconds: float) -> float:
    section(f"latency: a job prints its timestamp every 20 ms for {seconds:g} s, one follower")
    client = Client(server)
    script = (
        f"import time,sys\nend=time.time()+{seconds}\nwhile time.time()<end:\n"
        " print(repr(time.time()),flush=True); time.sleep(0.02)"
    )
    job_id = make_job(client, f"{PY} -c '{script}'", workdir)
    run_id = start(client, job_id)
    delays, pending = [], ""
    for arrived, name, data in events(server, run_id):
        if name != "output":
            continue
        pending += data["text"]
        *lines, pending = pending.split("\n")
        delays += [arrived - float(line) for line in lines if line]
    delays.sort()
    p50, p99 = percentile(delays, 0.5) * 1e3, percentile(delays, 0.99) * 1e3
    print(f"{len(delays)} lines  p50 {p50:.1f} ms  p99 {p99:.1f} ms  max {delays[-1] * 1e3:.1f} ms")
    return p99


def flood(server: ServerProcess, workdir: str, megabytes: int, runs: int) -> tuple:
    """Dispatch alone and beside floods, in alternating rounds (the machine's load drifts);
    floods run back to back for the whole of each `beside` round."""
    section(f"flood: jobs writing {megabytes} MB each; dispatch of {runs} runs alongside")
    client = Client(server)
    true_id = make_job(client, "true", workdir)
    size = megabytes * 1000 * 1000
    flood_id = make_job(
        client, f"head -c {size} /dev/zero | tr '\\0' x; echo; echo FATAL end", workdir
    )
    submit_all(server, [true_id], 16, 4)  # warm up
    server_proc = psutil.Process(server.process.pid)
    own = sum(server_proc.cpu_times()[:2])  # the server's own CPU, not its children's
    began = time.perf_counter()
    run_id = start(client, flood_id)
    while expect(*client.request("GET", f"/runs/{run_id}"), 200)["state"] != "succeeded":
        time.sleep(0.05)
    own = sum(server_proc.cpu_times()[:2]) - own
    print(f"one flood alone: {time.perf_counter() - began:.2f} s, server CPU {own:.2f} s")
    peak, alone, beside, floods = [rss_mb(server.process.pid)], [], [], []
    for _ in range(2):
        began = time.perf_counter()
        submit_all(server, [true_id], runs, 8)
        alone.append(time.perf_counter() - began)
        done = threading.Event()

        def keep_flooding(done: threading.Event = done) -> None:
            own = Client(server)
            while not done.is_set():
                run_id = start(own, flood_id)
                floods.append(run_id)
                while expect(*own.request("GET", f"/runs/{run_id}"), 200)["state"] != "succeeded":
                    peak.append(rss_mb(server.process.pid))
                    time.sleep(0.05)

        flooder = threading.Thread(target=keep_flooding, daemon=True)
        flooder.start()
        time.sleep(0.3)  # the flood is under way
        began = time.perf_counter()
        submit_all(server, [true_id], runs, 8)
        beside.append(time.perf_counter() - began)
        done.set()
        flooder.join()
    slower = (sum(beside) / sum(alone) - 1) * 100
    run = expect(*client.request("GET", f"/runs/{floods[-1]}"), 200)
    out = expect(*client.request("GET", f"/runs/{floods[-1]}/output"), 200)
    kept = out["stdout"].startswith("x" * 65536) and out["stdout"].endswith("FATAL end\n")
    marked = f"[... {out['dropped']['stdout']} bytes dropped ...]" in out["stdout"]
    print(f"dispatch alone  {' '.join(f'{w:.3f}' for w in alone)} s")
    print(f"beside floods   {' '.join(f'{w:.3f}' for w in beside)} s  ({slower:+.1f} %)")
    print(
        f"{len(floods)} floods; last: {run['state']} in {run['duration']:.1f} s, truncated "
        f"{run['truncated']}, head and tail kept {kept}, gap marked {marked}"
    )
    print(f"server RSS peak {max(peak):.1f} MB")
    return max(peak), slower, kept and marked


def followers(server: ServerProcess, workdir: str, count: int, lines: int) -> int:
    section(f"followers: {count} SSE followers of one run printing {lines} lines")
    client = Client(server)
    script = (
        f"import time\nfor i in range({lines}):\n print('line', i, 'x' * 40, flush=True)\n"
        " if i % 100 == 0: time.sleep(0.05)"
    )
    job_id = make_job(client, f'{PY} -c "{script}"', workdir)
    run_id = start(client, job_id)
    texts: list[str] = [""] * count

    def follow(index: int) -> None:
        parts = [d["text"] for _, name, d in events(server, run_id) if name == "output"]
        texts[index] = "".join(parts)

    wall = in_threads(count, follow)
    stored = expect(*client.request("GET", f"/runs/{run_id}/output"), 200)["stdout"]
    same = sum(text == stored for text in texts)
    print(
        f"{same} of {count} followers got the whole stored text ({len(stored)} bytes), {wall:.1f} s"
    )
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--megabytes", type=int, default=200, help="flood size (200)")
    parser.add_argument("--runs", type=int, default=300, help="dispatch runs beside it (300)")
    parser.add_argument("--followers", type=int, default=100, help="SSE followers (100)")
    args = parser.parse_args()
    if args.quick:
        args.megabytes, args.runs, args.followers = 20, 50, 10
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "data").start()
        try:
            p99 = latency(server, tmp, 3 if args.quick else 10)
            peak, slower, whole = flood(server, tmp, args.megabytes, args.runs)
            same = followers(server, tmp, args.followers, 500 if args.quick else 3000)
        finally:
            server.stop()
    print_table(
        [
            Figure("line to SSE follower, p99", p99, "ms", 200),
            Figure(f"server RSS peak, {args.megabytes} MB job", peak, "MB", 150),
            Figure("dispatch slower beside the flood", slower, "%", 10),
            Figure("flood run: head, tail, gap marked (1 = yes)", float(whole), "", None),
            Figure(f"followers with the whole text, of {args.followers}", float(same), "", None),
        ]
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
