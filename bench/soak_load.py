"""The load of the soak benchmark: asyncio clients (aiohttp), each with one keep-alive
connection, sending a weighted mix of reads, definition writes and runs until a deadline.

Every answer is tallied by route template (`GET /jobs/{id}`): its latency, and whether it was
what the client expected, an expected refusal (429 under backpressure), another 4xx, or an error
(any 5xx, a dropped connection, a timeout). Loopback only: the base URL is the local server's.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import aiohttp

EXPECTED_4XX = frozenset({429})  # backpressure: the client is told to come back later
KEEP_RUN_IDS = 200


@dataclass
class Tally:
    """What the clients saw, by route template."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    expected: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    samples: list[str] = field(default_factory=list)  # the first few problems, to print
    dropped: int = 0  # requests without an answer (connection error, timeout)

    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values()) + self.dropped

    def note(self, counter: Counter[str], route: str, text: str) -> None:
        counter[route] += 1
        if len(self.samples) < 10:
            self.samples.append(f"{route}: {text[:300]}")


@dataclass
class Fixture:
    """What the set-up made for the clients to use."""

    base: str
    key: str
    workdir: str
    jobs: list[str]
    pipeline: str
    schedule: str
    run_ids: list[str] = field(default_factory=list)


class Client:
    """One simulated API user: its own session and connection, its own random stream."""

    def __init__(self, index: int, fixture: Fixture, tally: Tally) -> None:
        self.index, self.fixture, self.tally = index, fixture, tally
        self.rng = random.Random(index)
        self.own: list[str] = []  # jobs this client created and may change or delete
        self.made = 0

    async def call(self, method: str, route: str, path: str, ok: tuple[int, ...], body=None) -> Any:
        began = time.perf_counter()
        try:
            async with self.session.request(method, path, json=body) as resp:
                status, payload = resp.status, await resp.read()
        except (TimeoutError, aiohttp.ClientError) as err:
            self.tally.dropped += 1
            self.tally.note(self.tally.errors, route, f"{type(err).__name__}: {err}")
            return None
        self.tally.latencies[route].append(time.perf_counter() - began)
        if status in ok:
            return json.loads(payload) if payload else {}
        text = f"HTTP {status} {payload.decode(errors='replace')}"
        if status >= 500:
            self.tally.note(self.tally.errors, route, text)
        elif status in EXPECTED_4XX:
            self.tally.expected[f"{status} {route}"] += 1
        else:
            self.tally.note(self.tally.unexpected, route, text)
        return None

    def started(self, run: Any) -> None:
        if run and "id" in run:
            ids = self.fixture.run_ids
            ids.append(run["id"])
            del ids[:-KEEP_RUN_IDS]

    async def step(self) -> None:
        f, pick = self.fixture, self.rng.choice
        op = self.rng.choices(OPS, WEIGHTS)[0]
        if op == "list_jobs":
            await self.call("GET", "GET /jobs", "/jobs?limit=50", (200,))
        elif op == "get_job":
            await self.call("GET", "GET /jobs/{id}", f"/jobs/{pick(f.jobs)}", (200,))
        elif op == "list_runs":
            await self.call("GET", "GET /runs", "/runs?limit=50", (200,))
        elif op == "get_run" and f.run_ids:
            await self.call("GET", "GET /runs/{id}", f"/runs/{pick(f.run_ids)}", (200,))
        elif op == "metrics":
            await self.call("GET", "GET /metrics", "/metrics", (200,))
        elif op == "health":
            await self.call("GET", "GET /health", "/health", (200,))
        elif op == "create_job":
            if len(self.own) >= OWN_JOBS:  # a bounded working set: the oldest goes first
                await self.call("DELETE", "DELETE /jobs/{id}", f"/jobs/{self.own.pop(0)}", (204,))
            self.made += 1
            body = {"name": f"soak-{self.index}-{self.made}", "command": "true",
                    "workdir": f.workdir}  # fmt: skip
            job = await self.call("POST", "POST /jobs", "/jobs", (201,), body)
            if job:
                self.own.append(job["id"])
        elif op == "patch_job" and self.own:
            body = {"description": f"changed {self.made}"}
            await self.call("PATCH", "PATCH /jobs/{id}", f"/jobs/{self.own[-1]}", (200,), body)
        elif op == "delete_job" and self.own:
            await self.call("DELETE", "DELETE /jobs/{id}", f"/jobs/{self.own.pop(0)}", (204,))
        elif op == "run":
            path = f"/jobs/{pick(f.jobs)}/run"
            self.started(await self.call("POST", "POST /jobs/{id}/run", path, (202,)))
        elif op == "run_wait":
            path = f"/jobs/{pick(f.jobs)}/run?wait=true&timeout=30"
            route = "POST /jobs/{id}/run?wait=true"
            self.started(await self.call("POST", route, path, (200, 202)))
        elif op == "pipeline":
            path = f"/pipelines/{f.pipeline}/run"
            self.started(await self.call("POST", "POST /pipelines/{id}/run", path, (202,)))
        elif op == "trigger":
            path = f"/schedules/{f.schedule}/trigger"
            await self.call("POST", "POST /schedules/{id}/trigger", path, (202,))

    async def run(self, deadline: float, think: float) -> None:
        headers = {"Authorization": f"Bearer {self.fixture.key}"}
        timeout = aiohttp.ClientTimeout(total=60)
        connector = aiohttp.TCPConnector(limit=1)  # one keep-alive connection, as a real client
        async with aiohttp.ClientSession(
            self.fixture.base, headers=headers, timeout=timeout, connector=connector
        ) as self.session:
            while time.monotonic() < deadline:
                await self.step()
                await asyncio.sleep(self.rng.uniform(0, 2 * think))


OWN_JOBS = 10  # jobs a client keeps at most, so the store's definitions stay steady

MIX = {
    "list_jobs": 10, "get_job": 20, "list_runs": 10, "get_run": 10, "metrics": 3, "health": 7,
    "create_job": 5, "patch_job": 4, "delete_job": 3,
    "run": 8, "run_wait": 4, "pipeline": 2, "trigger": 1,
}  # fmt: skip
OPS, WEIGHTS = list(MIX), list(MIX.values())
READS = (
    "GET /jobs",
    "GET /jobs/{id}",
    "GET /runs",
    "GET /runs/{id}",
    "GET /metrics",
    "GET /health",
)


async def load(
    fixture: Fixture, clients: int, seconds: float, think: float, first: int = 0
) -> Tally:
    """`clients` clients for `seconds`, each pausing 0 to 2 × `think` s between requests;
    their numbers (names of what they create, random streams) start at `first`."""
    tally = Tally()
    deadline = time.monotonic() + seconds
    made = (Client(first + i, fixture, tally) for i in range(clients))
    await asyncio.gather(*(client.run(deadline, think) for client in made))
    return tally
