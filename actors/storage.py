"""The Storage actor: the only writer of the store, and the owner of its in-memory indexes.

It commits in groups: notifications (run progress) are flushed when the inbox runs dry or many
are pending, while every ask that changes something is flushed before its reply, so an
acknowledged write is on disk.
"""

from __future__ import annotations

from typing import Any

import pykka

from actors import messages as m
from orchestrator.events import EventHub
from orchestrator.log import get_logger
from orchestrator.models.job import JobDefaults
from orchestrator.security.principals import Principals
from orchestrator.store import operations as ops
from orchestrator.store.store import Store

log = get_logger("orchestrator.storage")
_MAX_PENDING = 500


class StorageActor(pykka.ThreadingActor):
    def __init__(self, store: Store, defaults: JobDefaults, hub: EventHub) -> None:
        super().__init__()
        self.store = store
        self.principals = Principals(store.tables)
        self.defaults = defaults
        self.hub = hub
        self.pending_events: list[dict] = []
        self.pending_writes = 0

    def on_receive(self, message: Any) -> Any:
        reply = self.handle(message)
        self.pending_writes += 1
        if self.actor_inbox.empty() or self.pending_writes >= _MAX_PENDING or _acks(message):
            self.flush()
        return reply

    def flush(self) -> None:
        self.store.flush()
        self.pending_writes = 0
        events, self.pending_events = self.pending_events, []
        for run in events:
            self.hub.publish(run)

    def on_stop(self) -> None:
        self.flush()
        self.store.close()

    def handle(self, message: Any) -> Any:  # noqa: C901 - one arm per message is the point
        store = self.store
        match message:
            case m.CreateJob(body, user):
                job = ops.create_job(store, body, user, self.defaults)
                log.info("job created", job_id=job["id"], name=job["name"], by=user)
                return job
            case m.UpdateJob(ref, body, partial, user):
                job = ops.update_job(store, ref, body, partial, self.defaults)
                log.info("job updated", job_id=job["id"], name=job["name"], by=user)
                return job
            case m.CopyJob(ref, name, user):
                job = ops.copy_job(store, ref, name, user)
                log.info("job copied", job_id=job["id"], name=job["name"], source=ref, by=user)
                return job
            case m.DeleteJob(ref, force):
                job = store.job(ref)
                ops.delete_job(store, ref, force, self._active())
                log.info("job deleted", job_id=job["id"], name=job["name"])
                return None
            case m.GetJob(ref):
                return ops.show_job(store, store.job(ref))
            case m.ListJobs(tag, state, q, limit, cursor):
                found = store.list_jobs(tag, state, q)
                return ops.page(found, limit, cursor, lambda job: ops.show_job(store, job))
            case m.CreateRun(ref, trigger, at, env):
                job, run = ops.create_run(store, ref, trigger, at, env)
                self.pending_events.append(run)
                return job, run
            case m.GetJobForRun(job_id):
                return store.jobs.get(job_id)
            case m.GetRun(ref):
                return dict(store.run(ref))
            case m.ListRuns(owner, kind, state, since, until, limit, cursor):
                owner_id = self._owner_id(owner)
                found = store.list_runs(owner_id, kind, state, since, until)
                return ops.page(found, limit, cursor, ops.show_run)
            case m.GetOutput(ref):
                return store.output(store.run(ref)["id"])
            case m.SaveRun(run):
                store.save_run(run)
                self.pending_events.append(run)
            case m.SaveRunResult(run, output, context):
                store.save_output(run["id"], output)
                if context is not None and run["owner_id"] in store.jobs:
                    store.save_context(context)
                store.save_run(run)
                self.pending_events.append(run)
            case m.ResolveContexts(names):
                return ops.resolve_contexts(store, names)
            case m.GetContext(ref):
                return store.context(ref)
            case m.ListContexts(kind, limit, cursor):
                return ops.page(ops.list_contexts(store, kind), limit, cursor)
            case m.ResetContext(ref):
                ctx = store.reset_context(ref)
                log.info("context reset", context_id=ctx["id"])
                return ctx
            case m.Recover():
                return ops.recover(store)
            case m.Authenticate(token):
                return self.principals.authenticate(token)
            case m.Login(username, password, ttl):
                return self.principals.login(username, password, ttl)
            case m.Logout(token):
                return self.principals.logout(token)
            case m.BootstrapAdmin(password, api_key):
                return self.principals.bootstrap_admin(password, api_key)
            case m.Flush():
                return None
            case _:
                raise TypeError(f"Storage cannot handle {type(message).__name__}")

    def _owner_id(self, owner: str | None) -> str | None:
        if owner is None:
            return None
        job = self.store.find_job(owner)
        return job["id"] if job else owner.upper()

    def _active(self) -> set[str]:
        return {
            run["owner_id"]
            for run in self.store.runs.values()
            if run["state"] in ("queued", "running", "retrying", "scheduled")
        }


_ACKED = (
    m.CreateJob,
    m.UpdateJob,
    m.CopyJob,
    m.DeleteJob,
    m.CreateRun,
    m.ResetContext,
    m.Recover,
    m.Login,
    m.Logout,
    m.BootstrapAdmin,
    m.Flush,
)


def _acks(message: Any) -> bool:
    return isinstance(message, _ACKED)
