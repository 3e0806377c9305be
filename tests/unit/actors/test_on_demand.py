"""On-demand actors and the backlog gauge, each driven alone (no server, no sleeps)."""

from __future__ import annotations

import threading

import pykka
import pytest

from actors.on_demand import OnDemandActor
from orchestrator.runs.backlog import Backlog, TooManyRuns


class Recorder(OnDemandActor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[int] = []
        self.threads: set[str] = set()

    def on_receive(self, message):
        self.threads.add(threading.current_thread().name)
        if message == "boom":
            raise ValueError("boom")
        if message == "seen":
            return list(self.seen)
        self.seen.append(message)
        return None


class TestOnDemandActor:
    """An on-demand actor handles every message in order, and idle it holds no thread."""

    def test_many_idle_actors_hold_no_threads(self):
        """500 started actors with messages handled add at most the pool's threads."""
        before = threading.active_count()
        refs = [Recorder.start() for _ in range(500)]
        for ref in refs:
            ref.tell(1)
        assert all(ref.ask("seen", timeout=10) == [1] for ref in refs)
        assert threading.active_count() - before <= 4
        for ref in refs:
            ref.stop()

    def test_messages_keep_their_order_and_asks_get_answers(self):
        """Told values arrive in order; an ask sees all that was told before it."""
        ref = Recorder.start()
        for number in range(1000):
            ref.tell(number)
        assert ref.ask("seen", timeout=10) == list(range(1000))
        ref.stop()

    def test_an_error_in_an_ask_goes_back_and_the_actor_lives(self):
        """As with pykka's threads: the asker gets the error, the actor goes on."""
        ref = Recorder.start()
        with pytest.raises(ValueError):
            ref.ask("boom", timeout=10)
        ref.tell(7)
        assert ref.ask("seen", timeout=10) == [7]
        ref.stop()

    def test_a_stopped_actor_refuses_messages(self):
        """After stop, tell raises ActorDeadError like any pykka actor."""
        ref = Recorder.start()
        ref.stop(block=True, timeout=10)
        assert not ref.is_alive()
        with pytest.raises(pykka.ActorDeadError):
            ref.tell(1)


class TestBacklog:
    """The gauge refuses past its limit, counting places the gateway holds."""

    def test_reservations_count_until_settled(self):
        """Held places count against the limit; settling frees them."""
        backlog = Backlog(2)
        backlog.reserve()
        backlog.reserve()
        with pytest.raises(TooManyRuns) as refused:
            backlog.reserve()
        assert refused.value.status == 429 and refused.value.headers["Retry-After"]
        assert backlog.refused == 1
        backlog.settle()
        backlog.reserve()

    def test_waiting_runs_published_by_the_supervisor_count(self):
        """Runs the Supervisor says wait fill the backlog as reservations do."""
        backlog = Backlog(3)
        backlog.waiting = 3
        assert backlog.full()
        backlog.waiting = 2
        assert not backlog.full() and backlog.full(adding=2)
