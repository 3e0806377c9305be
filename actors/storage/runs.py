"""The Storage actor's handlers for runs and contexts: records, progress, results, recovery.

What a new run looks like and what a restart decides are domain rules (`orchestrator.runs`);
these handlers apply them to the store and note the runs written, announced after the commit.
"""

from __future__ import annotations

from typing import Any

from actors import messages as m
from orchestrator.definitions import contexts
from orchestrator.definitions.webhooks import close_pending_deliveries
from orchestrator.errors import Conflict, NotFound
from orchestrator.log import get_logger
from orchestrator.models.run import public_run
from orchestrator.runs.creation import new_run_request
from orchestrator.runs.recovery import cut_job_runs, recover
from orchestrator.store.paging import page

log = get_logger("orchestrator.storage")


def create_run(storage: Any, message: m.CreateRun) -> tuple[dict, dict]:
    owner, run = new_run_request(
        storage.store,
        message.kind,
        message.ref,
        message.trigger,
        message.at,
        message.env,
        message.retry_of,
        message.pipeline_run_id,
        message.secret_env,
    )
    storage.pending_events.append(run)
    return owner, run


def create_steps(storage: Any, message: m.CreateSteps) -> tuple[tuple, ...]:
    """The job runs of pipeline steps, and the pipeline run linked to them, written together
    (committed with the previous step's end). A step whose job is gone or disabled gets its
    reason instead of a run; the others are created all the same."""
    if message.ended is not None:  # first: written even if what follows fails
        save_run_result(storage, message.ended)
    store, record = storage.store, message.pipeline_run  # the message's own step list
    # Its step dicts are shared with the Supervisor's PipelineRun: replaced here, never changed.
    steps = {step["id"]: n for n, step in enumerate(record["steps"])}
    trigger = {"type": "pipeline", "by": record["id"]}
    created = []
    for step_id, job_id in message.steps:
        try:
            owner, run = new_run_request(
                store, "job", job_id, trigger, None, message.env,
                pipeline_run_id=record["id"], secret_env=message.secret_env,
            )  # fmt: skip
        except (NotFound, Conflict) as err:
            created.append((step_id, None, None, err.message))
            continue
        n = steps[step_id]
        record["steps"][n] = {**record["steps"][n], "run_id": run["id"]}
        storage.pending_events.append(run)
        created.append((step_id, owner, run, None))
    store.runs.save(record)
    storage.pending_events.append(record)
    return tuple(created)


def get_run(storage: Any, message: m.GetRun) -> dict:
    return dict(storage.store.runs.require(message.ref))


def list_runs(storage: Any, message: m.ListRuns) -> dict:
    store, q = storage.store, message
    owner = store.owner_id(q.owner)
    found = store.runs.select(owner, kind=q.kind, state=q.state, since=q.since, until=q.until)
    total = None
    if not (q.kind or q.state or q.since or q.until):
        total = store.runs.count(owner)
    return page(found, q.limit, q.cursor, public_run, total=total)


def get_output(storage: Any, message: m.GetOutput) -> dict:
    store = storage.store
    return store.runs.output(store.runs.require(message.ref)["id"])


def save_run(storage: Any, message: m.SaveRun) -> None:
    storage.store.runs.save(message.run)
    storage.pending_events.append(message.run)


def save_runs(storage: Any, message: m.SaveRuns) -> None:
    for run in message.runs:
        storage.store.runs.save(run)


def save_run_result(storage: Any, message: m.SaveRunResult) -> None:
    store, run = storage.store, message.run
    store.runs.save_output(run["id"], message.output)
    if message.context is not None:
        store.save_context(message.context)
    store.runs.save(run)
    storage.pending_events.append(run)


def find_cut(storage: Any, message: m.FindCut) -> list[dict]:
    return cut_job_runs(storage.store)


def recover_runs(storage: Any, message: m.Recover) -> dict[str, list]:
    close_pending_deliveries(storage.store)
    return recover(storage.store)


def resolve_contexts(storage: Any, message: m.ResolveContexts) -> dict[str, str]:
    return contexts.resolve_contexts(storage.store, message.names)


def get_context(storage: Any, message: m.GetContext) -> dict:
    return storage.store.context(message.ref)


def list_contexts(storage: Any, message: m.ListContexts) -> dict:
    return page(contexts.list_contexts(storage.store, message.kind), message.limit, message.cursor)


def reset_context(storage: Any, message: m.ResetContext) -> dict:
    ctx = storage.store.reset_context(message.ref)
    log.info("context reset", context_id=ctx["id"])
    return ctx


HANDLERS = {
    m.CreateRun: create_run,
    m.CreateSteps: create_steps,
    m.GetRun: get_run,
    m.ListRuns: list_runs,
    m.GetOutput: get_output,
    m.SaveRun: save_run,
    m.SaveRuns: save_runs,
    m.SaveRunResult: save_run_result,
    m.FindCut: find_cut,
    m.Recover: recover_runs,
    m.ResolveContexts: resolve_contexts,
    m.GetContext: get_context,
    m.ListContexts: list_contexts,
    m.ResetContext: reset_context,
}
