"""The server's internal counters alone: messages per actor kind, inbox depths, store commits,
and their Prometheus text (on a real server: tests/integration/gateway/system/)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pykka
import pytest

from actors.base import Actor
from orchestrator.metrics.census import census
from orchestrator.metrics.prometheus import render
from tests.metrics_helpers import families, open_store, value


class GatedActor(Actor):
    """Holds its first message until the gate opens, so that later ones wait in its inbox."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate

    def on_receive(self, message: Any) -> Any:
        self.gate.wait(30)
        return message


class Echo(Actor):
    def on_receive(self, message: Any) -> Any:
        return message


@pytest.fixture(autouse=True)
def _no_actors_left() -> Iterator[None]:
    yield
    pykka.ActorRegistry.stop_all()


def kind(name: str) -> dict[str, int]:
    return census()["by_kind"].get(name, {"messages_total": 0})


class TestCensus:
    """Messages are counted per actor kind, and inboxes are measured as they are now."""

    def test_messages_of_every_actor_of_a_kind_are_counted(self):
        before = kind("Echo")["messages_total"]
        refs = [Echo.start() for _ in range(3)]
        for ref in refs:
            assert ref.ask("ping", timeout=10) == "ping"
            assert ref.ask("pong", timeout=10) == "pong"
        after = kind("Echo")
        assert after["messages_total"] == before + 6 and after["alive"] == 3

    def test_waiting_messages_show_as_inbox_depth(self):
        gate = threading.Event()
        first, second = GatedActor.start(gate), GatedActor.start(gate)
        answers = [first.ask("held", block=False)] + [first.ask(n, block=False) for n in range(3)]
        answers.append(second.ask("alone", block=False))
        try:
            entry = kind("GatedActor")
            # `held` may still sit in the inbox or already be handled: 3 or 4 wait in `first`.
            assert entry["alive"] == 2 and entry["inbox_max"] in (3, 4)
            assert entry["inbox"] >= entry["inbox_max"]
        finally:
            gate.set()
        assert [a.get(timeout=10) for a in answers] == ["held", 0, 1, 2, "alone"]
        assert kind("GatedActor")["inbox"] == 0
        assert census()["messages_total"] >= kind("GatedActor")["messages_total"] >= 5


class TestStoreCommits:
    """`Tables.commits` counts real commits only, and `rows_written` their rows."""

    def test_only_a_flush_with_writes_commits(self, tmp_path: Path):
        store = open_store(tmp_path)
        try:
            commits, rows = store.tables.commits, store.tables.rows_written
            store.tables["meta"].put("a", 1)
            store.tables["meta"].put("b", 2)
            store.tables["jobs"].delete("gone")
            assert store.flush() == 3
            assert store.flush() == 0  # nothing pending: no commit
            assert store.tables.commits == commits + 1
            assert store.tables.rows_written == rows + 3
        finally:
            store.close()


class TestPrometheusInternals:
    """Actor and store counters are written as `_total` counters and gauges by kind."""

    def test_the_counters_parse_with_their_labels(self):
        doc = {
            "version": "1",
            "actors": {"by_kind": {"StorageActor": {"messages_total": 7, "alive": 1, "inbox": 2,
                                                    "inbox_max": 2}}},
            "store": {"commits": 5, "rows_written": 9},
        }  # fmt: skip
        text = render(doc)
        found = families(text)
        assert found["orchestrator_actor_messages"].type == "counter"
        assert 'orchestrator_actor_messages_total{kind="StorageActor"} 7' in text
        assert value(found["orchestrator_actor_messages"], kind="StorageActor") == 7
        assert value(found["orchestrator_actor_inbox_depth"], kind="StorageActor") == 2
        assert value(found["orchestrator_actors_alive"], kind="StorageActor") == 1
        assert value(found["orchestrator_store_commits"]) == 5
        assert found["orchestrator_store_rows_written"].type == "counter"
