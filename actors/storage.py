"""The Storage actor: the only writer of the store, and the owner of its in-memory indexes.

When it commits, and how it survives a failed commit, is `actors.storage_commit`.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from actors import storage_metrics as metrics
from actors import storage_principals as principals
from actors import storage_transfer as transfer
from actors import storage_webhooks as webhooks
from actors.storage_commit import CommittingActor
from orchestrator.events import EventHub
from orchestrator.log import get_logger
from orchestrator.models.job import JobDefaults
from orchestrator.models.run import public_run
from orchestrator.security.principals import Principals
from orchestrator.store import operations as ops
from orchestrator.store import schedule_ops as sops
from orchestrator.store import webhook_ops
from orchestrator.store.firing import fire_targets
from orchestrator.store.kinds import kind_ops
from orchestrator.store.paging import page
from orchestrator.store.store import Store

log = get_logger("orchestrator.storage")


class StorageActor(CommittingActor):
    def __init__(self, store: Store, defaults: JobDefaults, hub: EventHub) -> None:
        super().__init__(store)
        self.defaults = defaults
        self.principals = Principals(store.tables)
        self.kinds = kind_ops(defaults)
        self.hub = hub
        self.timekeeper: Any = None  # given by the runtime; without it every change commits
        self.notifier: Any = None  # set by the Runtime once the Notifier runs
        self.retention = transfer.Retention()  # set by the Runtime with the config and clock

    def acks(self, message: Any) -> bool:
        return _acks(message)

    def show(self, kind: str, record: dict) -> dict:
        return self.kinds[kind].show(self.store, record)

    def handle(self, message: Any) -> Any:
        store = self.store
        match message:
            case m.Create() | m.Update() | m.Copy() | m.Delete():
                return self.change(message)
            case m.Get(kind, ref):
                return self.show(kind, self.defs(kind).require(ref))
            case m.ListDefinitions(kind, tag, state, q, limit, cursor):
                found = _select(store, self.defs(kind).values(), tag, state, q)
                return page(found, limit, cursor, lambda record: self.show(kind, record))
            case m.GetDefinition(ref, kind):
                return self.defs(kind).require(ref)
            case m.CreateRun(kind, ref, trigger, at, env, retry_of, pipeline_run_id, secrets):
                owner, run = ops.new_run_request(
                    store, kind, ref, trigger, at, env, retry_of, pipeline_run_id, secrets
                )
                self.pending_events.append(run)
                return owner, run
            case m.GetRun(ref):
                return dict(store.runs.require(ref))
            case m.ListRuns(owner, kind, state, since, until, limit, cursor):
                found = ops.list_runs(
                    store, owner, kind=kind, state=state, since=since, until=until
                )
                total = None
                if not (kind or state or since or until):
                    total = store.runs.count(store.owner_id(owner))
                return page(found, limit, cursor, public_run, total=total)
            case m.GetOutput(ref):
                return store.runs.output(store.runs.require(ref)["id"])
            case m.SaveRun(run):
                store.runs.save(run)
                self.pending_events.append(run)
            case m.SaveRuns(runs):
                for run in runs:
                    store.runs.save(run)
            case m.SaveRunResult(run, output, context):
                store.runs.save_output(run["id"], output)
                if context is not None:
                    store.save_context(context)
                store.runs.save(run)
                self.pending_events.append(run)
            case m.ResolveContexts(names):
                return ops.resolve_contexts(store, names)
            case m.GetContext(ref):
                return store.context(ref)
            case m.ListContexts(kind, limit, cursor):
                return page(ops.list_contexts(store, kind), limit, cursor)
            case m.ResetContext(ref):
                ctx = store.reset_context(ref)
                log.info("context reset", context_id=ctx["id"])
                return ctx
            case m.ScheduleTarget(ref, target, add):
                change = sops.add_target if add else sops.remove_target
                schedule = change(store, ref, target)
                log.info("schedule targets changed", id=schedule["id"], target=target, added=add)
                return schedule
            case m.SetEnabled(ref, enabled):
                schedule = sops.set_enabled(store, ref, enabled)
                log.info("schedule resumed" if enabled else "schedule paused", id=schedule["id"])
                return schedule
            case m.SaveMarks(schedule_id, marks, _commit):
                if schedule_id in store.schedules:
                    store.save_marks(schedule_id, marks)
            case m.SchedulesToStart(schedule_id):
                chosen = (
                    [store.schedules.get(schedule_id)] if schedule_id else store.schedules.values()
                )
                return [(s, store.marks.get(s["id"], {})) for s in chosen if s and s["enabled"]]
            case m.CreateScheduledRuns(schedule_id, due, marks):
                # Marks and runs in this one message, flushed once before the reply (_ACKED).
                started, skipped = fire_targets(store, schedule_id, due, marks)
                self.pending_events.extend(run for _, run in started)
                return started, skipped
            case m.FindCut():
                return ops.cut_job_runs(store)
            case m.Recover():
                webhook_ops.close_pending_deliveries(store)
                return ops.recover(store)
            case _:
                return self.extension_request(message)

    def defs(self, kind: str):
        return self.store.definitions(kind)

    def change(self, message: Any) -> Any:
        """Create, update, copy or delete a job, pipeline or schedule, and log it."""
        store, kind = self.store, self.kinds[message.kind]
        match message:
            case m.Create(_, body, user):
                record = kind.create(store, body, user)
            case m.Update(_, ref, body, partial, user):
                record = kind.update(store, ref, body, partial)
            case m.Copy(_, ref, name, user):
                record = kind.copy(store, ref, name, user)
            case m.Delete(_, ref, force):
                record, user = kind.delete(store, ref, force), None
        done = _PAST[type(message).__name__]
        log.info(f"{message.kind} {done}", id=record["id"], name=record["name"], by=user)
        return None if isinstance(message, m.Delete) else record

    def extension_request(self, message: Any) -> Any:
        for extension in EXTENSIONS:
            if isinstance(message, extension.HANDLED):
                return extension.handle(self, message)
        raise TypeError(f"Storage cannot handle {type(message).__name__}")


def _select(store: Store, records, tag: str | None, state: str | None, q: str | None):
    needle = q.lower() if q else None
    for record in records:
        if tag and tag not in record.get("tags", ()):
            continue
        if needle and needle not in record["name"].lower():
            continue
        if state and store.owner_extra(record)["state"] != state:
            continue
        yield record


# Modules that handle further messages on the Storage actor's thread, each by responsibility:
# every one exports HANDLED (the message types), ACKED (those committed before the reply) and
# handle(storage_actor, message).
EXTENSIONS = (principals, metrics, webhooks, transfer)
StorageActor.LATER = (m.SaveRun, m.SaveRuns, m.SaveMarks, m.SaveDelivery)
_PAST = {"Create": "created", "Update": "updated", "Copy": "copied", "Delete": "deleted"}
_ACKED = (
    m.Create,
    m.Update,
    m.Copy,
    m.Delete,
    m.CreateRun,
    m.ResetContext,
    m.Recover,
    m.Flush,
    m.ScheduleTarget,
    m.SetEnabled,
    m.CreateScheduledRuns,
)


def _acks(message: Any) -> bool:
    if isinstance(message, m.SaveMarks):
        return message.commit
    return isinstance(message, _ACKED) or any(isinstance(message, e.ACKED) for e in EXTENSIONS)
