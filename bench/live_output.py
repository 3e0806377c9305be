"""Benchmark of live output, against the targets of issue 14.

Run from the repository root: `.venv/bin/python bench/live_output.py` (`--quick` for a smoke run).
- latency: a job prints its own timestamps; an SSE follower notes when each line arrives
  (p99 within 200 ms);
- flood: a job writes 200 MB as fast as it can while the server's RSS is sampled (< 150 MB), the
  run must end with head, tail and the gap marked, and dispatch runs at the same time (within
  10 % of the same dispatch without the flood; `bench/live_flood.py` also times it beside the same
  flood with no server reading it, the floor);
- followers: 100 SSE followers of one run each receive exactly the stored text.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
from collections.abc import Iterator
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
)
from bench.live_flood import flood  # noqa: E402

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
    parser.add_argument("--rounds", type=int, default=3, help="flood rounds of each kind (3)")
    parser.add_argument(
        "--only", choices=("latency", "flood", "followers"), help="measure one part alone"
    )
    args = parser.parse_args()
    if args.quick:
        args.megabytes, args.runs, args.followers = 20, 50, 10
    print(machine())
    wanted = {args.only} if args.only else {"latency", "flood", "followers"}
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp) / "data").start()
        try:
            if "latency" in wanted:
                p99 = latency(server, tmp, 3 if args.quick else 10)
                figures.append(Figure("line to SSE follower, p99", p99, "ms", 200))
            if "flood" in wanted:
                peak, slower, whole, cpu = flood(
                    server, tmp, args.megabytes, args.runs, args.rounds
                )
                figures += [
                    Figure(f"server RSS peak, {args.megabytes} MB job", peak, "MB", 150),
                    Figure("server CPU, one flood alone", cpu, "s", None),
                    Figure("dispatch slower beside the flood", slower["server"], "%", 10),
                    Figure("  same flood to /dev/null (floor)", slower["devnull"], "%", None),
                    Figure("  same flood read by cat", slower["cat"], "%", None),
                    Figure("flood run: head, tail, gap marked (1 = yes)", float(whole), "", None),
                ]
            if "followers" in wanted:
                same = followers(server, tmp, args.followers, 500 if args.quick else 3000)
                name = f"followers with the whole text, of {args.followers}"
                figures.append(Figure(name, float(same), "", None))
        finally:
            server.stop()
    print(machine())
    print_table(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
