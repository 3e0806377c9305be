"""A `wait=true` run request alone: one wake-up of the loop per run, errors and timeouts."""

from __future__ import annotations

import asyncio
from typing import Any

from actors import messages as m
from orchestrator.errors import NotFound
from orchestrator.gateway.start_wait import start_and_wait
from orchestrator.gateway.waiting import RunWaiters


class CountingLoop(asyncio.SelectorEventLoop):
    """An event loop that counts the wake-ups asked from other code (`call_soon_threadsafe`)."""

    wakeups = 0

    def call_soon_threadsafe(self, *args: Any, **kwargs: Any) -> Any:
        self.wakeups += 1
        return super().call_soon_threadsafe(*args, **kwargs)


class Inbox:
    """An actor's inbox that hands each envelope to `answer` (the actor's thread, played here)."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer

    def put(self, envelope: Any) -> None:
        self.answer(envelope)


class Ref:
    """What `start_and_wait` uses of an actor reference."""

    def __init__(self, answer: Any) -> None:
        self.actor_inbox = Inbox(answer)

    def is_alive(self) -> bool:
        return True


def run_on_counting_loop(main: Any) -> tuple[Any, int]:
    with asyncio.Runner(loop_factory=CountingLoop) as runner:
        result = runner.run(main())
        return result, runner.get_loop().wakeups


RUNNING = {"id": "R1", "state": "running"}
ENDED = {"id": "R1", "state": "succeeded"}


class TestStartAndWait:
    """The run's creation registers the waiter without waking the loop; its end wakes it."""

    def test_one_wakeup_per_run(self) -> None:
        """Created, then ended in a later commit: the final run, after one wake-up."""
        waiters, failures = RunWaiters(), []

        def answer(envelope: Any) -> None:
            envelope.reply_to.set(RUNNING)  # Storage's commit created the run
            waiters.tell(m.Committed((RUNNING,)))
            waiters.tell(m.Committed((ENDED,)))  # ... and a later commit ends it

        async def main() -> Any:
            waiters.attach(asyncio.get_running_loop())
            return await start_and_wait(waiters, Ref(answer), "run", 30.0, failures.append)

        run, wakeups = run_on_counting_loop(main)
        assert run == ENDED and wakeups == 1 and failures == [] and waiters.pending == {}

    def test_error_answered_at_once(self) -> None:
        """A refused request (an unknown job) raises its error and counts as not created."""
        waiters, failures = RunWaiters(), []

        def answer(envelope: Any) -> None:
            error = NotFound("There is no job J9.")
            envelope.reply_to.set_exception((NotFound, error, None))

        async def main() -> Any:
            waiters.attach(asyncio.get_running_loop())
            try:
                await start_and_wait(waiters, Ref(answer), "run", 30.0, lambda: failures.append(1))
            except NotFound as err:
                return err.message

        message, _ = run_on_counting_loop(main)
        assert message == "There is no job J9." and failures == [1]

    def test_timeout_answers_the_run_as_it_stands(self) -> None:
        """Time runs out before the end: the run is read again from Storage and answered."""
        waiters, failures = RunWaiters(), []
        later = {"id": "R1", "state": "running", "pid": 42}

        async def main() -> Any:
            storage = Ref(lambda envelope: envelope.reply_to.set(later))
            waiters.attach(asyncio.get_running_loop(), storage)
            creating = Ref(lambda envelope: envelope.reply_to.set(RUNNING))
            return await start_and_wait(waiters, creating, "run", 0.0, failures.append)

        run, _ = run_on_counting_loop(main)
        assert run == later and failures == [] and waiters.pending == {}

    def test_timeout_before_creation_waits_for_it(self) -> None:
        """Time runs out before the run even exists: its creation is answered as it comes."""
        waiters, slots, failures = RunWaiters(), [], []

        def create_once_late() -> None:  # Storage answers only after the time ran out
            if slots[0].late:
                slots[0].set(RUNNING)
            else:
                asyncio.get_running_loop().call_soon(create_once_late)

        def answer(envelope: Any) -> None:
            slots.append(envelope.reply_to)
            asyncio.get_running_loop().call_soon(create_once_late)

        async def main() -> Any:
            waiters.attach(asyncio.get_running_loop())
            return await start_and_wait(waiters, Ref(answer), "run", 0.0, failures.append)

        run, _ = run_on_counting_loop(main)
        assert run == RUNNING and failures == [] and waiters.pending == {}
