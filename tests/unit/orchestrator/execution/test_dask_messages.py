"""What an attempt on the Dask executor costs the cluster in messages: the worker's batching of
its reports (`Relay`, alone), their packing, and the server's batching of submissions (`Batcher`
on a recording stand-in for Dask's client, then a real LocalCluster)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import msgpack
import pytest

from orchestrator.execution.dask_submit import BUSY, WINDOW, Batcher
from orchestrator.execution.dask_task import FLUSH_BYTES, Relay, _send
from orchestrator.execution.model import AttemptSpec

WHERE = {"name": "w1", "host": "h", "address": "tcp://127.0.0.1:1"}
RESULT = {"outcome": "exited", "exit_code": 0}


def relay() -> tuple[Relay, list[dict]]:
    sent: list[dict] = []
    return Relay(sent.append, "a1"), sent


class TestRelay:
    """The worker says no more than it must: one message for a short attempt."""

    def test_a_short_attempt_sends_one_message(self) -> None:
        """Ended before its first flush: `done` carries where it ran, its pid and its output."""
        sink, sent = relay()
        sink.announce(WHERE, 42)
        sink.write("stdout", b"hi\n", 1.0)
        sink.end("stdout")
        sink.finish(RESULT)
        assert sent == [
            {"a": "a1", "t": "done", "result": RESULT, "chunks": [["stdout", b"hi\n", 1.0]],
             "where": WHERE, "pid": 42},
        ]  # fmt: skip

    def test_a_longer_attempt_says_where_before_its_output(self) -> None:
        """A flush (the monitor's, once due) sends `started`, then `out`; `done` only the rest."""
        sink, sent = relay()
        sink.announce(WHERE, 42)
        sink.write("stdout", b"first\n", 1.0)
        sink.flush()
        sink.write("stderr", b"second\n", 2.0)
        sink.finish(RESULT)
        assert [message["t"] for message in sent] == ["started", "out", "done"]
        assert sent[0]["where"] == WHERE and sent[0]["pid"] == 42
        assert sent[1]["chunks"] == [["stdout", b"first\n", 1.0]]
        assert sent[2]["chunks"] == [["stderr", b"second\n", 2.0]] and "where" not in sent[2]

    def test_a_full_batch_goes_at_once(self) -> None:
        """FLUSH_BYTES of output are sent without waiting for the monitor."""
        sink, sent = relay()
        sink.announce(WHERE, 42)
        sink.write("stdout", b"x" * FLUSH_BYTES, 1.0)
        assert [message["t"] for message in sent] == ["started", "out"]


class TestPacking:
    """A worker's message travels as one bytes value, which Dask sizes and packs at once."""

    def test_a_message_is_sent_packed(self) -> None:
        class Worker:
            def __init__(self) -> None:
                self.logged: list = []

            def log_event(self, topic: str, message: object) -> None:
                self.logged.append((topic, message))

        worker, message = Worker(), {"a": "a1", "t": "out", "chunks": [["stdout", b"hi\n", 1.0]]}
        _send(worker, message)
        [(topic, packed)] = worker.logged
        assert topic == "orchestrator-attempts" and isinstance(packed, bytes)
        assert msgpack.unpackb(packed) == message


class Loop:
    """Dask's client loop as the Batcher uses it: callbacks run when the test turns it."""

    def __init__(self) -> None:
        self.soon: list = []
        self.later: list[float] = []

    def add_callback(self, callback, *args) -> None:
        self.soon.append((callback, args))

    def call_later(self, delay: float, callback, *args) -> None:
        self.later.append(delay)
        self.soon.append((callback, args))

    def turn(self) -> None:
        soon, self.soon = self.soon, []
        for callback, args in soon:
            callback(*args)


class Client:
    """Records the graphs (`map` calls) the Batcher sends."""

    def __init__(self) -> None:
        self.loop = Loop()
        self.graphs: list[list[str]] = []

    def map(self, function, payloads, key, **options) -> list:
        self.graphs.append([payload["attempt"] for payload in payloads])
        return []


class TestBatching:
    """Attempts started alone go at the loop's next turn; under load they wait a little for
    others, so that they reach the scheduler as one graph."""

    def batcher(self, in_flight: int) -> tuple[Batcher, Client]:
        return Batcher(lambda *_: None, lambda *_: None, lambda: in_flight), Client()

    def test_an_attempt_started_alone_goes_at_once(self) -> None:
        batcher, client = self.batcher(in_flight=1)
        for attempt in ("a1", "a2"):
            batcher.add(client, attempt, {"attempt": attempt}, {})
            client.loop.turn()
        assert client.graphs == [["a1"], ["a2"]] and client.loop.later == []

    def test_under_load_attempts_started_within_the_window_go_together(self) -> None:
        batcher, client = self.batcher(in_flight=BUSY + 1)
        batcher.add(client, "a1", {"attempt": "a1"}, {})
        client.loop.turn()  # the first one waits for the window
        assert client.graphs == [] and client.loop.later == [WINDOW]
        batcher.add(client, "a2", {"attempt": "a2"}, {"gpu": 1})
        batcher.add(client, "a3", {"attempt": "a3"}, {})
        client.loop.turn()
        assert client.graphs == [["a1", "a3"], ["a2"]]  # one graph per set of resources


@pytest.fixture(scope="module")
def executor() -> Iterator:
    pytest.importorskip("distributed")
    from orchestrator.execution.dask import DaskExecutor
    from orchestrator.execution.dask_cluster import DaskSettings

    found = DaskExecutor(DaskSettings(workers=1), ("PATH",))
    found.start_cluster()
    yield found
    found.close()


class TestSubmission:
    """Attempts started while the client's loop is busy reach the scheduler as one graph."""

    def test_attempts_started_together_are_one_graph_update(self, executor, tmp_path: Path):
        client = executor.cluster.client

        def updates() -> int:
            events = client.get_events(client.id)
            return sum(1 for _, event in events if event.get("action") == "update-graph")

        before = updates()
        gate = threading.Event()
        client.loop.add_callback(gate.wait, 60)  # the loop sends nothing until the gate opens
        spec = AttemptSpec("echo $((1 + 1))", str(tmp_path))
        handles = [executor.start(spec, lambda result: None) for _ in range(10)]
        gate.set()
        results = [handle.wait(60) for handle in handles]
        assert [(r.outcome, r.exit_code, r.stdout) for r in results] == [("exited", 0, "2\n")] * 10
        assert updates() == before + 1


class TestDaskFutureState:
    """The server awaits a task's end on Dask's future state; without it, the callback."""

    def test_the_installed_dask_has_the_state_awaited(self) -> None:
        from distributed.client import FutureState

        assert callable(getattr(FutureState, "wait", None))  # else the slower path is taken
