"""Checking an import document as a whole, before anything changes: every problem at once.

Each item is checked by its model's own validator, against the definitions as they would be
after the import (so a pipeline may use a job the same document creates, and a replace may not
leave a reference to something it deletes). Every problem is collected with its path in the
document (`jobs[2].workdir`), and all of them are raised together as one ValidationError.

Items are matched by ID; an item without an ID updates the record of the same name, or creates
a new one. In replace mode every section must be present: a section left out by mistake would
otherwise delete every definition of its kind, so emptying a kind takes an explicit `[]`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orchestrator import ids
from orchestrator.errors import InvalidReference, OrchestratorError, ValidationError
from orchestrator.models import pipeline, schedule, webhook
from orchestrator.models.fields import parse_time
from orchestrator.models.job import JOB_FIELD_ORDER, SECRET_MASK, JobDefaults, validate_job
from orchestrator.store.store import Store

FORMAT, VERSION = "orchestrator-config", 1
# (section, ID prefix, label, definition fields in the order people read them)
SECTIONS = (
    ("jobs", "J", "job", JOB_FIELD_ORDER),
    ("pipelines", "P", "pipeline", pipeline.FIELD_ORDER),
    ("schedules", "S", "schedule", schedule.FIELD_ORDER),
    ("webhooks", "W", "webhook", webhook.FIELD_ORDER),
)
STAMPS = ("created_at", "updated_at", "created_by")
TOP_LEVEL = {"format", "version", "exported_at", *(s[0] for s in SECTIONS)}
MASKED = "masked secret; export with include_secrets=true"
SHOWN = 5  # problems named in the error's message; `details.errors` has them all


@dataclass
class Checked:
    """One item of the document, checked: its ID and its definition fields (`record`)."""

    section: str
    path: str
    raw: dict
    id: str = ""
    record: dict | None = None


class _Names:
    """IDs and names of each kind as they will be after the import."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, str]] = {prefix: {} for _, prefix, _, _ in SECTIONS}
        self.by_name: dict[str, dict[str, str]] = {prefix: {} for _, prefix, _, _ in SECTIONS}

    def find(self, prefix: str, ref: str) -> dict | None:
        found = ids.as_id(ref, prefix)
        if found not in self.by_id[prefix]:
            found = self.by_name[prefix].get(ref)
        return {"id": found, "name": self.by_id[prefix][found]} if found else None

    def target(self, ref: str) -> dict | None:
        job, pipe = self.find("J", ref), self.find("P", ref)
        return None if job and pipe else job or pipe


def check_document(store: Store, doc: Any, mode: str, defaults: JobDefaults) -> list[Checked]:
    """Check the whole document; raise one ValidationError naming every problem, or return
    its items checked. Nothing in the store changes here."""
    if mode not in ("merge", "replace"):
        raise ValidationError({"mode": "must be merge or replace"})
    problems: list[dict[str, str]] = []

    def fail(path: str, message: str) -> None:
        problems.append({"path": path, "message": message})

    items = _items(doc, mode, fail)
    _identify(store, items, fail)
    names = _names(store, items, mode, fail)
    checks = _validators(defaults, names)
    for item in items:
        _check_item(store, item, checks[item.section], names, fail)
    if problems:
        raise _error(problems)
    return items


def _items(doc: Any, mode: str, fail: Callable[[str, str], None]) -> list[Checked]:
    if not isinstance(doc, dict):
        fail("document", "must be an object with jobs, pipelines, schedules and webhooks")
        return []
    for key in sorted(set(doc) - TOP_LEVEL, key=str):
        fail(str(key), "unknown field")
    if doc.get("format", FORMAT) != FORMAT:
        fail("format", f"must be '{FORMAT}'")
    if doc.get("version", VERSION) != VERSION:
        fail("version", f"must be {VERSION}, the version this server reads")
    items = []
    for section, _, label, _ in SECTIONS:
        if section not in doc:
            if mode == "replace":
                fail(section, f"is required with mode=replace ([] deletes every {label})")
            continue
        if not isinstance(doc[section], list):
            fail(section, "must be a list")
            continue
        for index, raw in enumerate(doc[section]):
            path = f"{section}[{index}]"
            if isinstance(raw, dict):
                items.append(Checked(section, path, raw))
            else:
                fail(path, f"must be an object (a {label})")
    return items


def _identify(store: Store, items: list[Checked], fail: Callable[[str, str], None]) -> None:
    """Give every item its ID: its own, the one of the stored record of its name, or a new one."""
    claimed: dict[str, str] = {}
    for item in items:
        if "id" not in item.raw:
            continue
        prefix, label = _kind(item.section)
        raw_id = item.raw["id"]
        item.id = (isinstance(raw_id, str) and ids.as_id(raw_id, prefix)) or ""
        if not item.id:
            fail(f"{item.path}.id", f"must be a {label} ID: {prefix} and 8 characters")
        elif item.id in claimed:
            fail(f"{item.path}.id", f"{item.id} is also the ID of {claimed[item.id]}")
        else:
            claimed[item.id] = item.path
    for item in items:
        if "id" in item.raw:
            continue
        prefix, _ = _kind(item.section)
        name = item.raw.get("name")
        stored = store.definitions(prefix).names.get(name) if isinstance(name, str) else None
        item.id = stored if stored and stored not in claimed else _fresh(store, prefix, claimed)
        claimed[item.id] = item.path


def _fresh(store: Store, prefix: str, claimed: dict[str, str]) -> str:
    while (new := store.fresh_id(prefix)) in claimed:
        continue
    return new


def _names(
    store: Store, items: list[Checked], mode: str, fail: Callable[[str, str], None]
) -> _Names:
    """Index what remains and what the document brings; names must stay unique per kind."""
    names = _Names()
    given = {item.id for item in items}
    owners: dict[tuple[str, str], str] = {}
    for section, prefix, label, _ in SECTIONS:
        if mode == "merge":
            for record in store.definitions(prefix).values():
                if record["id"] not in given:
                    names.by_id[prefix][record["id"]] = record["name"]
                    names.by_name[prefix][record["name"]] = record["id"]
                    owners[prefix, record["name"]] = f"{label} {record['id']}, which stays"
        for item in (i for i in items if i.section == section and i.id):
            name = item.raw.get("name")
            if not isinstance(name, str):
                continue  # the model's validator names this problem
            if (prefix, name) in owners:
                fail(f"{item.path}.name", f"'{name}' is also the name of {owners[prefix, name]}")
                continue
            owners[prefix, name] = item.path
            names.by_id[prefix][item.id] = name
            names.by_name[prefix][name] = item.id
    return names


def _validators(defaults: JobDefaults, names: _Names) -> dict[str, Callable[[dict], dict]]:
    return {
        "jobs": lambda body: validate_job(body, defaults),
        "pipelines": lambda body: pipeline.validate_pipeline(body, lambda r: names.find("J", r)),
        "schedules": lambda body: schedule.validate_schedule(body, names.target),
        "webhooks": webhook.validate_webhook,
    }


def _check_item(
    store: Store,
    item: Checked,
    validate: Callable[[dict], dict],
    names: _Names,
    fail: Callable[[str, str], None],
) -> None:
    body = {k: v for k, v in item.raw.items() if k != "id" and k not in STAMPS}
    _unmask(store, item, body, fail)
    for name in ("created_at", "updated_at"):
        value = item.raw.get(name)
        if name in item.raw and not (isinstance(value, str) and parse_time(value)):
            fail(f"{item.path}.{name}", "must be an ISO 8601 date and time")
    created_by = item.raw.get("created_by")
    if created_by is not None and not isinstance(created_by, str):
        fail(f"{item.path}.created_by", "must be a string or null")
    try:
        item.record = validate(body)
    except InvalidReference as err:
        if item.section != "schedules":
            _fail_fields(item.path, err, fail)
            return
        for index, ref in enumerate(body.get("targets") or []):
            if names.target(ref) is None:
                both = names.find("J", ref) and names.find("P", ref)
                why = "names both a job and a pipeline; use an ID" if both else "is unknown"
                fail(f"{item.path}.targets[{index}]", f"job or pipeline '{ref}' {why}")
    except OrchestratorError as err:
        _fail_fields(item.path, err, fail)


def _unmask(store: Store, item: Checked, body: dict, fail: Callable[[str, str], None]) -> None:
    """Masked secrets keep the stored value of the same record, which must exist."""
    old = store.definitions(_kind(item.section)[0]).get(item.id) or {}
    if item.section == "jobs" and isinstance(body.get("secret_env"), dict):
        secrets = dict(body["secret_env"])
        for key, value in secrets.items():
            if value == SECRET_MASK:
                if key in old.get("secret_env", {}):
                    secrets[key] = old["secret_env"][key]
                else:
                    fail(f"{item.path}.secret_env.{key}", MASKED)
        body["secret_env"] = secrets
    elif item.section == "webhooks" and body.get("secret") == webhook.SECRET_MASK:
        if old.get("secret"):
            body["secret"] = old["secret"]
        else:
            fail(f"{item.path}.secret", MASKED)


def _fail_fields(path: str, err: OrchestratorError, fail: Callable[[str, str], None]) -> None:
    fields = err.details.get("fields") or {}
    for name, problem in fields.items():
        fail(path if name == "body" else f"{path}.{name}", problem)
    if not fields:
        fail(path, err.message)


def _error(problems: list[dict[str, str]]) -> ValidationError:
    shown = "; ".join(f"{p['path']}: {p['message']}" for p in problems[:SHOWN])
    more = f"; and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
    count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
    fields: dict[str, str] = {}
    for problem in problems:
        fields.setdefault(problem["path"], problem["message"])
    error = ValidationError(
        fields, f"The document has {count}, nothing was changed: {shown}{more}."
    )
    error.details["errors"] = problems
    return error


def _kind(section: str) -> tuple[str, str]:
    for name, prefix, label, _ in SECTIONS:
        if name == section:
            return prefix, label
    raise KeyError(section)
