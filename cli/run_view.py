"""How a run reads in a table, the same in every command that shows one (`runs get`, `runs
wait`, `jobs run`, `pipelines run`, `runs cancel`, `runs retry`): its trigger names the schedule
that fired it, and a pipeline run's steps are one small table with their jobs' names.

Names are looked up only for the table; json and yaml print the API's document untouched. A name
that cannot be found (deleted since, or not readable) falls back to the ID.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cli.client import ApiClient, ApiError, path
from cli.state import State
from cli.table import aligned, cell

LOOKUP_LIMIT = 1000


def _names(client: ApiClient, route: str, wanted: set[str]) -> dict[str, str]:
    """ID -> name for the `wanted` IDs of one kind, in one list request."""
    if not wanted:
        return {}
    try:
        page = client.get("/" + route, {"limit": LOOKUP_LIMIT})
    except ApiError:
        return {}
    items = page.get("items") if isinstance(page, Mapping) else None
    return {i["id"]: i["name"] for i in items or [] if i.get("id") in wanted and i.get("name")}


def schedule_names(client: ApiClient, runs: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Schedule ID -> name for the schedules that triggered these runs."""
    wanted = {
        str(trigger.get("by"))
        for trigger in (run.get("trigger") for run in runs)
        if isinstance(trigger, Mapping) and trigger.get("type") == "schedule"
    }
    return _names(client, "schedules", wanted)


def trigger_text(trigger: Any, names: Mapping[str, str], *, with_id: bool = True) -> str:
    """`schedule nightly (S…)`, `manual by admin`, `retry by R…`: what started the run."""
    if not isinstance(trigger, Mapping):
        return cell(trigger)
    kind, by = trigger.get("type") or "-", trigger.get("by")
    if kind == "schedule" and by in names:
        return f"schedule {names[by]} ({by})" if with_id else f"schedule {names[by]}"
    return f"{kind} by {by}" if by else str(kind)


def steps_table(steps: Any, job_names: Mapping[str, str]) -> str:
    """A pipeline run's steps: id, state, the step's job run, the job by name."""
    rows = [["STEP", "STATE", "RUN", "JOB"]]
    for step in steps if isinstance(steps, list) else []:
        job_id = step.get("job_id")
        rows.append(
            [step.get("id"), step.get("state"), step.get("run_id"), job_names.get(job_id) or job_id]
        )
    return aligned(rows)


def _job_names(client: ApiClient, run: Mapping[str, Any]) -> dict[str, str]:
    """Job ID -> name for a pipeline run's steps, from the pipeline (one request), else jobs."""
    names: dict[str, str] = {}
    try:
        pipeline = client.get(path("pipelines", run["owner_id"]))
        for step in pipeline.get("steps") or []:
            if step.get("job_name"):
                names[step["job"]] = step["job_name"]
    except (ApiError, KeyError):
        pass
    missing = {s.get("job_id") for s in run.get("steps") or []} - set(names)
    return names | _names(client, "jobs", {m for m in missing if m})


def run_view(client: ApiClient, run: Mapping[str, Any]) -> Mapping[str, Any]:
    """The run with its trigger and steps as people read them."""
    view = dict(run)
    if isinstance(run.get("trigger"), Mapping):
        view["trigger"] = trigger_text(run["trigger"], schedule_names(client, [run]))
    if isinstance(run.get("steps"), list):
        view["steps"] = steps_table(run["steps"], _job_names(client, run))
    return view


def show_run(state: State, run: Any) -> None:
    """Print one run: the document in json/yaml, the readable view in a table."""
    from cli.waiting import RUN_FORMATS, RUN_ORDER  # waiting prints runs through here

    if state.out.is_table and isinstance(run, Mapping):
        run = run_view(state.client, run)
    state.out.item(run, RUN_ORDER, {**RUN_FORMATS, "steps": str})
