"""One table of what create, update, copy, delete and show mean for each kind of definition,
so the Storage actor handles jobs, pipelines, schedules and webhooks the same way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from orchestrator.definitions import jobs, pipelines, schedules, webhooks
from orchestrator.models.job import JobDefaults


@dataclass(frozen=True)
class KindOps:
    """The rules of one kind of definition, each called with the store first."""

    create: Callable  # (store, body, user) -> shown record
    update: Callable  # (store, ref, body, partial) -> shown record
    copy: Callable  # (store, ref, name, user) -> shown record
    delete: Callable  # (store, ref, force) -> removed record
    show: Callable  # (store, record) -> shown record


def kind_ops(defaults: JobDefaults) -> dict[str, KindOps]:
    """The rules of every kind by its name; jobs are made with the configured `defaults`."""
    return {
        "job": KindOps(
            partial(jobs.create_job, defaults=defaults),
            partial(jobs.update_job, defaults=defaults),
            jobs.copy_job,
            jobs.delete_job,
            jobs.show_job,
        ),
        "pipeline": KindOps(
            pipelines.create_pipeline,
            pipelines.update_pipeline,
            pipelines.copy_pipeline,
            pipelines.delete_pipeline,
            pipelines.show_pipeline,
        ),
        "webhook": KindOps(
            webhooks.create_webhook,
            webhooks.update_webhook,
            webhooks.copy_webhook,
            lambda store, ref, force: webhooks.delete_webhook(store, ref),
            webhooks.show_webhook,
        ),
        "schedule": KindOps(
            schedules.create_schedule,
            schedules.update_schedule,
            schedules.copy_schedule,
            lambda store, ref, force: schedules.delete_schedule(store, ref),
            schedules.show_schedule,
        ),
    }
