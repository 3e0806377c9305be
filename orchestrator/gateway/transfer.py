"""REST resource: configuration export and import (`/config/export`, `/config/import`).

Documents travel as JSON or YAML, chosen by `format` on export and by the body's Content-Type
on import. Schedules an import creates, changes or deletes are re-armed before the answer.
"""

from __future__ import annotations

from typing import Any

import yaml
from aiohttp import web

from actors import messages as m
from orchestrator.errors import Forbidden, InvalidJson
from orchestrator.gateway.bridge import ask
from orchestrator.gateway.http import query_bool, query_choice, reply, services, user_of
from orchestrator.gateway.input_guard import check_data, parse_json
from orchestrator.gateway.routing import ADMIN, READER, Api

api = Api("config")
routes = api.routes
YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: times stay text, as in JSON, for the models to check."""

    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }


@api.get(
    "/config/export",
    role=READER,
    action="config.export",
    op="exportConfig",
    summary="Export the configuration",
    errors=(400, 403),
)
async def export_config(request: web.Request) -> web.Response:
    """The definitions as one document (JSON by default); secrets only for admins who ask."""
    form = query_choice(request, "format", {"json", "yaml"}) or "json"
    include_secrets = query_bool(request, "include_secrets")
    if include_secrets and request["principal"]["role"] != "admin":
        raise Forbidden("Exporting secrets needs the admin role; leave include_secrets out.")
    doc = await ask(services(request).storage, m.Export(include_secrets))
    if form == "json":
        return reply(doc)
    stamp = doc["exported_at"][:19].replace(":", "").replace("-", "")
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)
    return web.Response(
        text=text,
        content_type="application/yaml",
        headers={"Content-Disposition": f'attachment; filename="orchestrator-config-{stamp}.yaml"'},
    )


@api.post(
    "/config/import",
    role=ADMIN,
    action="config.import",
    op="importConfig",
    summary="Import a configuration",
    errors=(413,),
)
async def import_config(request: web.Request) -> web.Response:
    """Check the whole document, then apply it unless `dry_run`; answers what changed."""
    mode = query_choice(request, "mode", {"merge", "replace"}) or "merge"
    dry_run = query_bool(request, "dry_run")
    doc = await read_document(request)
    svc = services(request)
    answer = await ask(svc.storage, m.Import(doc, mode, dry_run, user_of(request)))
    if not dry_run:
        changed = (answer[outcome]["schedules"] for outcome in ("created", "updated", "deleted"))
        for schedule in (s for items in changed for s in items):
            await ask(svc.supervisor, m.ScheduleChanged(schedule["id"]))
    return reply(answer)


async def read_document(request: web.Request) -> Any:
    """The body as JSON, or as YAML when its Content-Type says so; 400 invalid_json naming
    the problem (with its line and column) when it cannot be read."""
    raw = await request.read()
    if not raw.strip():
        raise InvalidJson("The request needs a body: the configuration document.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InvalidJson(f"The body is not UTF-8 text: {err}.") from None
    if request.content_type in YAML_TYPES:
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as err:
            problem = " ".join(str(err).split())
            raise InvalidJson(f"The body is not valid YAML: {problem}.") from None
        except RecursionError:
            raise InvalidJson("The body is nested too deeply.") from None
        check_data(data)
        return data
    try:
        return parse_json(raw)
    except InvalidJson as err:
        if request.content_type != "application/json" and "not valid JSON" in err.message:
            err.message = f"{err.message[:-1]} (send YAML as application/yaml)."
        raise
