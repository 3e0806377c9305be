"""The data the browser tests and the screenshots show, and the list of the UI's views.

One seed serves the layout checks, the accessibility scan and the user guide's screenshots, so
every view is looked at with real content in it (tables that could overflow, badges of several
states, a pipeline with a failed step) rather than empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.support import ServerProcess

READER = ("rita", "rita-reads-only-1")
WRITER = ("wes", "wes-writes-jobs-1")


@dataclass(frozen=True)
class View:
    """One page of the UI: where it is, its main heading, and a text that shows it has loaded."""

    name: str
    path: str
    heading: str
    ready: str
    admin: bool = False
    public: bool = False

    def url(self, seeded: dict[str, str]) -> str:
        return "/ui" + self.path.format(**seeded)


VIEWS = [
    View("signin", "/signin", "Sign in to Orchestrator", "Keep me signed in", public=True),
    View("dashboard", "/", "Dashboard", "transform"),
    View("jobs", "/jobs", "Jobs", "report"),
    View("job", "/jobs/{report}", "report", "report ready"),
    View("job-new", "/jobs/new", "New job", "Working directory"),
    View("job-edit", "/jobs/{report}/edit", "Edit job report", "Secret environment"),
    View("pipelines", "/pipelines", "Pipelines", "etl"),
    View("pipeline", "/pipelines/{etl}", "etl", "transform"),
    View("pipeline-new", "/pipelines/new", "New pipeline", "When a step fails"),
    View("pipeline-edit", "/pipelines/{etl}/edit", "Edit pipeline etl", "transform"),
    View("schedules", "/schedules", "Schedules", "nightly"),
    View("schedule", "/schedules/{nightly}", "nightly", "30 4 * * *"),
    View("schedule-new", "/schedules/new", "New schedule", "Cron expression"),
    View("schedule-edit", "/schedules/{nightly}/edit", "Edit schedule nightly", "Cron expression"),
    View("runs", "/runs", "Runs", "transform"),
    View("run", "/runs/{report_run}", "{report_run}", "report ready"),
    View("pipeline-run", "/runs/{etl_run}", "{etl_run}", "transform"),
    View("contexts", "/contexts", "Contexts", "report"),
    View("context", "/contexts/{report}", "Context of report", "report ready"),
    View("logs", "/logs", "Logs", "server started"),
    View("keys", "/keys", "API keys", "deploy-bot"),
    View("users", "/users", "Users", "rita", admin=True),
    View("webhooks", "/webhooks", "Webhooks", "ops-alerts", admin=True),
    View("webhook", "/webhooks/{ops}", "Webhook ops-alerts", "Deliveries", admin=True),
    View("webhook-new", "/webhooks/new", "New webhook", "Signing secret", admin=True),
    View("audit", "/audit", "Audit", "webhook.create", admin=True),
    View("settings", "/settings", "Settings", "Log level", admin=True),
]


def view(name: str) -> View:
    return next(item for item in VIEWS if item.name == name)


def _ok(answer: tuple[int, object], *expected: int) -> dict:
    status, body = answer
    if status not in (expected or (200, 201)):
        raise AssertionError(f"seeding failed with {status}: {body}")
    return body  # type: ignore[return-value]


def seed(server: ServerProcess, workdir: Path) -> dict[str, str]:
    """Create the jobs, runs, pipeline, schedule, users, key and webhook; answer their IDs."""
    send = server.request
    folder = str(workdir)
    jobs = {
        "report": ("echo report ready", ["nightly", "finance"], "Build the daily sales report."),
        "extract": ("echo 42 rows", ["etl"], "Pull yesterday's orders."),
        "transform": ("exit 3", ["etl"], "Clean the rows (fails on purpose)."),
        "load": ("echo loaded", ["etl"], ""),
        "audit-trail": ("echo audited", ["etl"], ""),
    }
    ids = {}
    for name, (command, tags, description) in jobs.items():
        body = {"name": name, "command": command, "workdir": folder, "tags": tags}
        body["description"] = description
        if name == "report":
            body["env"] = {"REGION": "emea"}
            body["secret_env"] = {"DB_PASSWORD": "s3cret"}
        ids[name] = _ok(send("POST", "/jobs", body))["id"]
    report_run = _ok(send("POST", "/jobs/report/run?wait=true", {}))["id"]
    steps = [
        {"id": "extract", "job": "extract"},
        {"id": "transform", "job": "transform"},
        {"id": "load", "job": "load"},
        {"id": "audit", "job": "audit-trail", "depends_on": ["extract"]},
    ]
    etl = _ok(send("POST", "/pipelines", {"name": "etl", "steps": steps, "tags": ["etl"]}))["id"]
    etl_run = _ok(send("POST", "/pipelines/etl/run?wait=true", {}))["id"]
    schedule = {"name": "nightly", "cron": "30 4 * * *", "timezone": "UTC", "targets": ["report"]}
    schedule_id = _ok(send("POST", "/schedules", schedule))["id"]
    for username, password in (READER, WRITER):
        role = "reader" if username == READER[0] else "writer"
        body = {"username": username, "password": password, "role": role}
        _ok(send("POST", "/users", body))
    _ok(send("POST", "/keys", {"name": "deploy-bot"}))
    hook = {"name": "ops-alerts", "url": "http://127.0.0.1:9/hook"}
    hook["events"] = ["pipeline.succeeded"]  # never sent: no pipeline here succeeds
    hook_id = _ok(send("POST", "/webhooks", hook))["id"]
    return {
        **ids,
        "report_run": report_run,
        "etl": etl,
        "etl_run": etl_run,
        "nightly": schedule_id,
        "ops": hook_id,
    }
