"""The actor base keeps pykka's contract with its lighter inbox and reply slot.

Real actors on real threads: a small echo actor derived from `actors.base.Actor`.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

import pykka
import pytest

from actors.base import Actor, Reply


class Echo(Actor):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[Any] = []

    def on_receive(self, message: Any) -> Any:
        if message == "boom":
            raise ValueError("boom asked")
        if isinstance(message, float):
            time.sleep(message)
        self.seen.append(message)
        return message


@pytest.fixture
def echo():
    ref = Echo.start()
    yield ref
    if ref.is_alive():
        ref.stop()


class TestActor:
    def test_messages_arrive_in_order_and_asks_answer(self, echo) -> None:
        for n in range(100):
            echo.tell(n)
        assert echo.ask("last") == "last"
        assert echo.proxy().seen.get() == [*range(100), "last"]

    def test_an_exception_reaches_the_asking_thread(self, echo) -> None:
        with pytest.raises(ValueError, match="boom asked"):
            echo.ask("boom")
        assert echo.ask("still alive") == "still alive"

    def test_ask_times_out(self, echo) -> None:
        with pytest.raises(pykka.Timeout):
            echo.ask(0.5, timeout=0.05)

    def test_asks_from_many_threads_each_get_their_answer(self, echo) -> None:
        answers: dict[int, Any] = {}

        def ask(n: int) -> None:
            answers[n] = echo.ask(n)

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert answers == {n: n for n in range(16)}

    def test_stop_answers_and_later_asks_fail(self, echo) -> None:
        echo.stop()
        with pytest.raises(pykka.ActorDeadError):
            echo.ask("too late")


class TestReply:
    def test_get_waits_for_set_and_can_be_repeated(self) -> None:
        reply = Reply()
        threading.Timer(0.05, reply.set, args=("done",)).start()
        assert reply.get(timeout=5) == "done"
        assert reply.get(timeout=0) == "done"

    def test_set_twice_is_refused(self) -> None:
        reply = Reply()
        reply.set(1)
        with pytest.raises(queue.Full):
            reply.set(2)
        assert reply.get() == 1

    def test_exception_is_raised_by_every_get(self) -> None:
        reply = Reply()
        try:
            raise KeyError("missing")
        except KeyError:
            reply.set_exception()
        for _ in range(2):
            with pytest.raises(KeyError):
                reply.get(timeout=1)

    def test_get_without_answer_times_out(self) -> None:
        with pytest.raises(pykka.Timeout):
            Reply().get(timeout=0.01)
