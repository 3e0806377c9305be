"""When the Storage actor commits, and what it does when a commit fails.

Each message class declares how it is committed (`actors.messages.channel`): an ask that
changes something is committed before its reply, so an acknowledged write is on disk; a run's
progress is committed in groups (at the latest FLUSH_DELAY after the first of them: the actor's
own inbox wait ends then, so a group costs no timer thread and no message); everything else is
committed as soon as the inbox is empty, so under load many messages share one commit. After
each commit the subscribers given at construction are told what changed (`Committed`). A failed
commit never stops the actor:

- writes nobody waits on stay pending and are retried by a timer and before every later change;
- an ask is first preceded by a flush of what earlier notifications left pending; if that fails
  the ask is refused with the store error, unapplied;
- if the ask's own commit fails, its writes are discarded and the records they touched are read
  back from disk (`orchestrator.store.restore`), then the ask is answered with the store error.

Acknowledged asks that arrive together (a hundred schedules firing in one second, many clients
starting runs) share one commit: while more messages wait in the inbox, an ask's reply is held;
the held asks are committed together, and answered, before any other kind of message is handled
and as soon as the inbox is empty. A held batch holds only acknowledged asks, so a failed commit
undoes exactly their writes and answers each of them with the store error.

A `CONFIRMED` ask (pipeline steps) is written like a notification and answered after the next
commit that succeeds: it shares that commit with whatever is pending, and a failed commit keeps
its writes pending (retried) and its answer waiting, instead of refusing it.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Sequence
from typing import Any

import pykka

from actors import messages as m
from actors.base import DEFERRED, Actor
from orchestrator.log import get_logger
from orchestrator.store.health import StoreHealth
from orchestrator.store.restore import undo

log = get_logger("orchestrator.storage")
_MAX_PENDING = 500
FLUSH_DELAY = 0.02
RETRY_DELAY = 1.0  # seconds between attempts to commit writes kept after a failure
MAX_HELD = 64  # acknowledged asks committed together at most


class CommittingActor(Actor):
    """The commit policy of the Storage actor; subclasses implement `handle(message)`."""

    store: Any
    principals: Any

    def __init__(self, store: Any, clock: Any = None, subscribers: Sequence[Any] = ()) -> None:
        """`clock` (the Timekeeper) wakes retries, and its presence turns group commits on;
        without it every change commits at once and failed commits wait for the next message.
        `subscribers` are told `Committed` after every commit that wrote runs or webhooks, and
        `StoreFailed`."""
        super().__init__()
        self.store = store
        self.clock = clock
        self.subscribers = tuple(subscribers)
        self.health = StoreHealth(self.store.tables.path)
        self.pending_events: list[dict] = []
        self.pending_writes = 0
        self.group_due: float | None = None  # monotonic time the grouped writes are committed by
        self.retry_armed = False
        self.asked = False  # whether the message being handled waits for a reply
        self.reply_to: Any = None  # its reply slot
        self.held: list[tuple[Any, Any]] = []  # (reply slot, reply) of asks awaiting a commit
        self.confirmed: list[tuple[Any, Any]] = []  # the same, of CONFIRMED asks (see above)

    def _actor_loop_running(self) -> None:
        # pykka's loop, plus knowing whether the current message is an ask: a failure is then
        # answered to the asker, while a notification's failure must never stop the actor.
        while not self.actor_stopped.is_set():
            try:
                envelope = self.actor_inbox.get(timeout=self.group_wait())
            except queue.Empty:
                self.group_ended()
                continue
            self.asked = envelope.reply_to is not None
            self.reply_to = envelope.reply_to
            self._deliver(envelope)
            if self.held and self.actor_inbox.empty():
                self.release_held()

    def handle(self, message: Any) -> Any:
        raise NotImplementedError

    def group_wait(self) -> float | None:
        """How long the inbox may be waited on before the grouped writes are due (None: no
        group is open)."""
        if self.group_due is None:
            return None
        return max(0.0, self.group_due - time.monotonic())

    def group_ended(self) -> None:
        """The group's time is up and nothing else came: commit it."""
        self.try_flush()

    def on_receive(self, message: Any) -> Any:
        asked = self.asked
        if self.held and not (asked and m.commit_policy(message) == m.ACK):
            self.release_held()  # a held batch holds acknowledged asks only
        if isinstance(message, m.Flush):
            self.retry_armed = self.retry_armed and asked
            if not self.try_flush(probe=not asked) and asked:
                raise self.health.current()
            return None
        policy = m.commit_policy(message)
        acked = policy == m.ACK
        if acked and self.pending_writes and not self.held and not self.try_flush() and asked:
            raise self.health.current()  # refused unapplied; the earlier writes are kept
        try:
            reply = self.handle(message)
        except Exception:
            if asked:
                raise
            log.exception("a notification could not be handled", message=type(message).__name__)
            return None
        self.pending_writes += 1
        if policy == m.CONFIRMED and asked:
            self.confirmed.append((self.reply_to, reply))
            if self.actor_inbox.empty() or len(self.confirmed) >= MAX_HELD:
                self.try_flush()
            return DEFERRED
        if acked and asked:
            if len(self.held) < MAX_HELD and not self.actor_inbox.empty():
                self.held.append((self.reply_to, reply))  # answered by the batch's commit
                return DEFERRED
            self.commit_or_undo()
        elif acked or self.pending_writes >= _MAX_PENDING:
            self.try_flush()
        elif policy == m.GROUPED and self.clock is not None:
            # Progress nobody waits on: commit it with what comes next, at the latest after
            # FLUSH_DELAY, instead of paying a commit of its own.
            if self.group_due is None:
                self.group_due = time.monotonic() + FLUSH_DELAY
        elif self.actor_inbox.empty():
            self.try_flush()
        return reply

    def commit_or_undo(self) -> None:
        """Commit this ask's writes (and the held asks'), or take them back from memory and
        raise the store error (which each held ask is answered too)."""
        held, self.held = self.held, []
        try:
            self.flush()
        except Exception as err:  # noqa: BLE001 - any failure: undo, answer, live on
            dropped = self.store.tables.discard()
            self.pending_events.clear()
            self.pending_writes = 0
            self.note_failure(err)
            try:
                undo(self.store, self.principals, dropped)
            except Exception:  # noqa: BLE001 - the store cannot even be read: say so, go on
                log.exception("what a failed write changed could not be read back from disk")
            error = self.health.current()
            for reply_to, _ in held:
                reply_to.set_exception((type(error), error, None))
            raise error from err
        for reply_to, reply in held:
            reply_to.set(reply)

    def release_held(self) -> None:
        """Commit the held asks and answer each: their replies, or the store error."""
        try:
            self.commit_or_undo()
        except Exception:  # noqa: BLE001 - already answered to each held ask
            log.debug("a batch of asks was refused by the store", count=len(self.held))

    def try_flush(self, probe: bool = False) -> bool:
        """Commit what is pending; on failure keep it and retry later. True when written.

        `probe`: while the store is failing with nothing pending, write a mark so that the
        store's recovery is noticed (and reported) without waiting for the next request.
        """
        self.group_due = None
        if probe and self.health.failing_since is not None:
            self.store.tables["meta"].put("write_check", "ok")
        try:
            self.flush()
        except Exception as err:  # noqa: BLE001 - kept and retried, never raised to pykka
            self.note_failure(err)
            return False
        return True

    def note_failure(self, err: BaseException) -> None:
        if self.health.failing_since is None:
            details = {"error": f"{type(err).__name__}: {err}"}
            self.announce(m.StoreFailed("The store could not write to disk.", details))
        self.health.failed(err, self.store.tables.pending_count())
        if not self.retry_armed and self.clock is not None:
            self.retry_armed = True
            self.clock.wake_in(RETRY_DELAY, self.actor_ref, m.Flush())

    def flush(self) -> None:
        """Commit, then announce what was committed; raises when the commit fails."""
        self.group_due = None
        webhooks_written = bool(self.store.tables["webhooks"].pending)
        if self.store.flush():  # only a real commit shows that the store can be written
            self.health.succeeded()
        self.pending_writes = 0
        events, self.pending_events = self.pending_events, []
        confirmed, self.confirmed = self.confirmed, []
        for reply_to, reply in confirmed:
            reply_to.set(reply)
        if events or webhooks_written:
            self.announce(m.Committed(tuple(events), webhooks_written))

    def announce(self, message: Any) -> None:
        """Tell every subscriber; one that is gone or failing never stops the others."""
        for subscriber in self.subscribers:
            try:
                subscriber.tell(message)
            except pykka.ActorDeadError:
                pass
            except Exception:  # noqa: BLE001 - a subscriber's fault is not the store's
                log.exception("a subscriber failed", message=type(message).__name__)

    def on_stop(self) -> None:
        if self.held:
            self.release_held()
        if not self.try_flush():
            log.error("writes could not be saved at stop", lost=self.store.tables.pending_count())
            self.store.tables.discard()
            error = self.health.current()
            for reply_to, _ in self.confirmed:
                reply_to.set_exception((type(error), error, None))
        self.store.close()
