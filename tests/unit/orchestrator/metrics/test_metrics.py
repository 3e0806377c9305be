"""Metrics without a server: the system sample, counts over a real store, the Storage actor's
`Counts`, and the Sampler actor on a real Timekeeper."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pykka
import pytest

from actors import messages as m
from actors.sampler import SamplerActor
from actors.storage import StorageActor
from orchestrator.definitions.pipelines import create_pipeline
from orchestrator.definitions.schedules import create_schedule
from orchestrator.metrics.counts import counts, percentile, recent, summary
from orchestrator.metrics.system import sample
from orchestrator.models.fields import iso
from orchestrator.models.job import JobDefaults
from orchestrator.store.store import Store
from orchestrator.timekeeper import Timekeeper
from tests.metrics_helpers import NOW, add_job, add_run, open_store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(tmp_path)
    yield opened
    opened.close()


class TestSystemSample:
    def test_every_key_is_present_with_sane_values(self, tmp_path: Path):
        """CPU, memory, disk, I/O and this process's figures are all there and plausible."""
        sample(tmp_path)
        got = sample(tmp_path)
        assert datetime.fromisoformat(got["time"]).tzinfo is not None
        assert 0 <= got["cpu_percent"] <= 100 and got["cpu_count"] >= 1
        memory, disk = got["memory"], got["disk"]
        assert 0 < memory["available"] <= memory["total"] and 0 <= memory["percent"] <= 100
        assert disk["used"] + disk["free"] <= disk["total"] and 0 <= disk["percent"] <= 100
        assert set(got["io"]) == {
            "disk_read_bytes",
            "disk_write_bytes",
            "net_sent_bytes",
            "net_recv_bytes",
        }
        assert all(v is None or v >= 0 for v in got["io"].values())
        process = got["process"]
        assert process["pid"] == os.getpid() and process["rss"] > 1_000_000
        assert process["threads"] >= 1 and process["open_files"] >= 1
        assert process["cpu_percent"] >= 0

    def test_a_data_directory_not_created_yet_uses_its_parent_disk(self, tmp_path: Path):
        """Before the server creates the data directory, the disk is measured where it will be."""
        assert (
            sample(tmp_path / "not" / "yet")["disk"]["total"] == sample(tmp_path)["disk"]["total"]
        )


class TestPercentiles:
    def test_quantiles_interpolate_between_ranks(self):
        """p50 of 1..4 is 2.5; p90 and p99 fall between the last two values."""
        assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
        assert percentile([1.0, 2.0, 3.0, 4.0], 0.9) == pytest.approx(3.7)
        assert percentile([5.0], 0.99) == 5.0

    def test_no_values_give_nulls(self):
        """Without finished runs every figure is None, not zero."""
        assert summary([]) == {"p50": None, "p90": None, "p99": None, "max": None}

    def test_summary_of_unsorted_values(self):
        """Values come in any order; max is the largest."""
        got = summary([float(v) for v in range(100, 0, -1)])
        assert got["p50"] == 50.5 and got["p99"] == pytest.approx(99.01) and got["max"] == 100.0


class TestCounts:
    def test_definitions_by_latest_run_state(self, store: Store, tmp_path: Path):
        """Each job counts once, under its latest run's state or `never_run`."""
        done, broken, idle = (add_job(store, tmp_path, n) for n in ("done", "broken", "idle"))
        add_run(store, broken, "succeeded", NOW - timedelta(hours=2), 1.0)
        add_run(store, broken, "failed", NOW - timedelta(hours=1), 1.0)
        add_run(store, done, "succeeded", NOW - timedelta(minutes=5), 1.0)
        steps = [{"id": "a", "job": done["id"]}]
        create_pipeline(store, {"name": "pipe", "steps": steps}, "test")
        body = {"name": "nightly", "cron": "0 3 * * *", "targets": [idle["id"]], "enabled": False}
        create_schedule(store, body, "test")
        got = counts(store, NOW)
        assert got["jobs"] == {
            "total": 3,
            "by_state": {"succeeded": 1, "failed": 1, "never_run": 1},
        }
        assert got["pipelines"] == {"total": 1, "by_state": {"never_run": 1}}
        assert got["schedules"] == {"total": 1, "enabled": 0, "paused": 1}

    def test_runs_of_the_last_24_hours_by_state_and_duration(self, store: Store, tmp_path: Path):
        """Old runs count in the total only; recent ones by state, finished ones in durations."""
        job = add_job(store, tmp_path, "job")
        add_run(store, job, "failed", NOW - timedelta(days=3), 500.0)
        for seconds in (4.0, 3.0, 2.0, 1.0):
            add_run(store, job, "succeeded", NOW - timedelta(hours=seconds), seconds)
        add_run(store, job, "cancelled", NOW - timedelta(minutes=30))  # never started
        add_run(store, job, "running", NOW - timedelta(minutes=1))
        add_run(store, job, "scheduled", NOW)
        runs = counts(store, NOW)["runs"]
        assert runs["total"] == 8 and runs["active"] == 2
        assert runs["by_state_24h"] == {
            "succeeded": 4,
            "cancelled": 1,
            "running": 1,
            "scheduled": 1,
        }
        assert runs["finished_24h"] == 5
        assert runs["duration_24h"] == {"p50": 2.5, "p90": 3.7, "p99": 3.97, "max": 4.0}

    def test_the_window_starts_exactly_24_hours_before_now(self, store: Store, tmp_path: Path):
        """A run created at now - 24 h counts; one a millisecond earlier does not."""
        job = add_job(store, tmp_path, "job")
        add_run(store, job, "failed", NOW - timedelta(hours=24, milliseconds=1), 1.0)
        add_run(store, job, "succeeded", NOW - timedelta(hours=24), 1.0)
        assert counts(store, NOW)["runs"]["by_state_24h"] == {"succeeded": 1}
        later = counts(store, NOW + timedelta(hours=1))["runs"]
        assert later["by_state_24h"] == {} and later["duration_24h"]["max"] is None

    def test_the_walk_stops_at_the_first_run_older_than_the_window(self):
        """Records are in creation order, so nothing before an old run is looked at."""
        records = {
            "R1": {"created_at": iso(NOW - timedelta(hours=1))},
            "R2": {"created_at": iso(NOW - timedelta(days=2))},
            "R3": {"created_at": "not a time"},
            "R4": {"created_at": (NOW - timedelta(minutes=1)).isoformat()},
            "R5": {"created_at": iso(NOW)},
        }
        found = [r["created_at"] for r in recent(records, NOW - timedelta(hours=24))]
        assert found == [records["R5"]["created_at"], records["R4"]["created_at"]]

    def test_a_large_history_is_counted_quickly(self, store: Store, tmp_path: Path):
        """With 100,000 old runs stored, counting the last day takes milliseconds."""
        job = add_job(store, tmp_path, "job")
        old = add_run(store, job, "succeeded", NOW - timedelta(days=30), 1.0)
        for index in range(100_000):
            store.runs.save({**old, "id": f"R{index:012d}"})
        add_run(store, job, "failed", NOW - timedelta(minutes=1), 2.0)
        began = time.perf_counter()
        runs = counts(store, NOW)["runs"]
        assert time.perf_counter() - began < 0.05
        assert runs["total"] == 100_002 and runs["by_state_24h"] == {"failed": 1}


class TestStorageCounts:
    def test_the_storage_actor_answers_counts(self, store: Store, tmp_path: Path):
        """`Counts(now)` asked of the real Storage actor replies the counted document."""
        add_job(store, tmp_path, "job")
        actor = StorageActor.start(store, JobDefaults())
        try:
            got = actor.ask(m.Counts(NOW), timeout=5)
        finally:
            actor.stop()
        assert got["jobs"]["total"] == 1 and got["runs"]["total"] == 0


class TestSampler:
    def test_samples_are_collected_and_trimmed_to_keep(self, tmp_path: Path):
        """With a 0.05 s period and 0.3 s kept, samples keep coming and old ones are dropped."""
        timekeeper, seen = Timekeeper(), []
        sampler = SamplerActor.start(tmp_path, timekeeper, 0.05, 0.3, on_sample=seen.append)
        try:
            deadline = time.monotonic() + 5
            while len(seen) < 15 and time.monotonic() < deadline:
                time.sleep(0.02)
            history = sampler.ask(m.SampleHistory(), timeout=5)
            latest = sampler.ask(m.LatestSample(), timeout=5)
        finally:
            sampler.stop()
            timekeeper.stop()
        assert len(seen) >= 15 and history["period"] == 0.05
        assert 3 <= len(history["items"]) <= 0.3 / 0.05 + 2
        assert latest == history["items"][-1] and latest in seen
        times = [datetime.fromisoformat(s["time"]) for s in history["items"]]
        assert times == sorted(times) and times[-1] - times[0] <= timedelta(seconds=0.35)

    def test_a_failing_listener_does_not_stop_sampling(self, tmp_path: Path):
        """The sampler goes on sampling when `on_sample` raises."""
        timekeeper, calls = Timekeeper(), []

        def listener(sample: dict) -> None:
            calls.append(sample)
            raise RuntimeError("listener broke")

        sampler = SamplerActor.start(tmp_path, timekeeper, 0.05, 60.0, on_sample=listener)
        try:
            deadline = time.monotonic() + 5
            while len(calls) < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
            alive = sampler.is_alive()
        finally:
            sampler.stop()
            timekeeper.stop()
        assert alive and len(calls) >= 3


@pytest.fixture(autouse=True)
def _no_actors_left() -> Iterator[None]:
    yield
    pykka.ActorRegistry.stop_all()
