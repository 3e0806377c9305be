"""The Storage actor alone: group commit, the commit policy of each message, the channel."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pykka
import pytest

from actors import messages as m
from actors.storage import HANDLERS, StorageActor
from actors.storage.commit import FLUSH_DELAY
from orchestrator.models.job import JobDefaults
from orchestrator.security.crypto import KeySource
from orchestrator.store.store import Store
from tests.unit.actors.conftest import FakeClock, Recorder

OUTPUT = {"stdout": "", "stderr": "", "truncated": False}


def run_record(number: int, state: str = "running") -> dict:
    return {
        "id": f"R{number:012d}",
        "kind": "job",
        "owner_id": "JC8T0PVJK",
        "state": state,
        "created_at": "2024-01-01T00:00:00Z",
    }


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    store = Store(tmp_path / "store.db", KeySource(None, tmp_path / "secret.key"))
    yield store
    store.close()


class TestGroupCommit:
    """Writes nobody waits on, and runs ending together, share one commit."""

    def test_progress_within_the_window_is_one_commit(self, store: Store, clock: FakeClock):
        """N run updates open one group, due FLUSH_DELAY after the first, with no timer armed;
        it is committed once when the inbox wait ends."""
        subscriber = Recorder()
        actor = StorageActor(store, JobDefaults(), clock=clock, subscribers=(subscriber,))
        before = store.tables.commits
        assert actor.group_wait() is None  # nothing grouped: the inbox is waited on forever
        for number in range(20):
            actor.on_receive(m.SaveRun(run_record(number)))
        assert store.tables.commits == before
        assert 0 < actor.group_wait() <= FLUSH_DELAY
        assert clock.armed == []  # no Timekeeper wake-up, no Flush message
        actor.group_ended()
        assert store.tables.commits == before + 1
        assert actor.group_wait() is None
        assert store.tables["runs"].db.get(run_record(19)["id"])["state"] == "running"
        [committed] = subscriber.told
        assert isinstance(committed, m.Committed) and len(committed.runs) == 20

    def test_the_actor_loop_commits_a_group_when_its_time_is_up(self, store: Store, clock):
        """Run updates and nothing after them: the running actor commits them by itself."""
        committed = threading.Event()
        subscriber = Recorder()
        subscriber.tell = lambda message: committed.set()  # type: ignore[method-assign]
        ref = StorageActor.start(store, JobDefaults(), clock=clock, subscribers=(subscriber,))
        for number in range(5):
            ref.tell(m.SaveRun(run_record(number)))
        assert committed.wait(timeout=30)
        assert store.tables["runs"].db.get(run_record(4)["id"])["state"] == "running"
        assert clock.armed == []

    def test_without_a_clock_progress_commits_at_once(self, store: Store):
        """No clock, no timer: a run update is committed when the inbox is empty."""
        actor = StorageActor(store, JobDefaults())
        before = store.tables.commits
        actor.on_receive(m.SaveRun(run_record(1)))
        assert store.tables.commits == before + 1

    def test_runs_ending_together_share_one_commit(self, store: Store):
        """N results waiting in the inbox are committed once, before the next reply."""
        subscriber = Recorder()
        actor = StorageActor(store, JobDefaults(), subscribers=(subscriber,))
        ref = actor.actor_ref
        before = store.tables.commits
        for number in range(30):
            ref.tell(m.SaveRunResult(run_record(number, "succeeded"), OUTPUT, None))
        answer = ref.ask(m.GetRun(run_record(29)["id"]), block=False)
        pykka.ActorRegistry.register(ref)
        actor._start_actor_loop()  # the 31 messages were all waiting: one drain, one commit
        assert answer.get(timeout=30)["state"] == "succeeded"
        assert store.tables.commits == before + 1
        [committed] = subscriber.told
        assert [run["id"] for run in committed.runs] == [run_record(n)["id"] for n in range(30)]


class TestCommitPolicy:
    """Whether a message is committed before its reply is declared on its class."""

    def test_changes_that_are_asked_are_acknowledged_after_the_commit(self) -> None:
        """Every definition change and run creation says ACK; progress says GROUPED."""
        for message in (m.Create("job", {}, "u"), m.CreateRun("job", "x", {}), m.Flush()):
            assert m.commit_policy(message) == m.ACK
        for message in (m.SaveRun({}), m.SaveRuns(()), m.SaveDelivery("W", {})):
            assert m.commit_policy(message) == m.GROUPED
        assert m.commit_policy(m.SaveMarks("S", {}, commit=True)) == m.ACK
        assert m.commit_policy(m.SaveMarks("S", {})) == m.GROUPED
        assert m.commit_policy(m.GetRun("R")) == m.SOON

    def test_every_message_to_storage_has_one_handler(self) -> None:
        """The table knows each message type sent to Storage, and nothing else."""
        for kind in (m.Create, m.CreateRun, m.SaveRunResult, m.CreateScheduledRuns, m.Purge):
            assert kind in HANDLERS
        assert m.Admit not in HANDLERS

    def test_an_unknown_message_is_refused(self, store: Store) -> None:
        """A message no handler takes fails its ask with a TypeError."""
        actor = StorageActor.start(store, JobDefaults())
        with pytest.raises(TypeError, match="cannot handle"):
            actor.ask(m.Stats())


class TestChannel:
    """After a commit, every subscriber given at construction is told what was written."""

    def test_a_dead_subscriber_does_not_stop_the_others(self, store: Store) -> None:
        """A subscriber that raises is skipped; the next one still hears of the commit."""

        class Broken:
            def tell(self, message: object) -> None:
                raise pykka.ActorDeadError("gone")

        subscriber = Recorder()
        actor = StorageActor(store, JobDefaults(), subscribers=(Broken(), subscriber))
        actor.on_receive(m.SaveRunResult(run_record(1, "failed"), OUTPUT, None))
        assert [type(message) for message in subscriber.told] == [m.Committed]

    def test_the_notifier_is_woken_for_ended_runs_only_while_webhooks_exist(self) -> None:
        """With no webhook defined, a finished run does not wake the Notifier; a change of the
        webhooks, a store failure, or a finished run once one exists does."""
        ended = m.Committed((run_record(1, "succeeded"),))
        assert not m.notifier_wants(ended, webhooks={})
        assert m.notifier_wants(ended, webhooks={"W1": {}})
        assert m.notifier_wants(m.Committed((), webhooks_changed=True), webhooks={})
        assert m.notifier_wants(m.StoreFailed("disk full"), webhooks={})
        assert not m.notifier_wants(m.Committed((run_record(2),)), webhooks={"W1": {}})
