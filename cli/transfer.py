"""`export` and `import`: the whole configuration (jobs, pipelines, schedules, webhooks) as one
YAML or JSON document, for backup and for moving it to another server.

The document is sent to the server as the file holds it, labelled by its extension, so that the
server reads YAML itself and names the line of a syntax error. An import is checked as a whole
first: when the server refuses it, every problem is printed with its path in the document.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from cli.client import DEFAULT_TIMEOUT, ApiClient, ApiError, _error_from
from cli.errors import Failure
from cli.output import dump
from cli.state import State, pass_state

SECTIONS = ("jobs", "pipelines", "schedules", "webhooks")
NOUNS = {"jobs": "job", "pipelines": "pipeline", "schedules": "schedule", "webhooks": "webhook"}
TYPES = {".json": "application/json", ".yaml": "application/yaml", ".yml": "application/yaml"}


@click.command("export")
@click.option("-o", "--output-file", "file", metavar="FILE", help="Write here. [default: stdout]")
@click.option(
    "--format",
    "form",
    type=click.Choice(("yaml", "json"), case_sensitive=False),
    help="Document format. [default: json for a .json FILE or --output json, else yaml]",
)
@click.option(
    "--include-secrets", is_flag=True, help="Include secret values (admin); the file is 0600."
)
@pass_state
def export(state: State, file: str | None, form: str | None, include_secrets: bool) -> None:
    """Export the definitions, to re-create them with `import`."""
    if form is None:
        as_json = (file or "").lower().endswith(".json") or state.output_format == "json"
        form = "json" if as_json else "yaml"
    params = {"format": form.lower(), "include_secrets": include_secrets or None}
    doc = state.client.get("/config/export", params)
    # YAML arrives as the server wrote it; JSON arrives decoded and is laid out again.
    text = doc if isinstance(doc, str) else dump(doc, form.lower())
    text = text.rstrip("\n") + "\n"
    if file is None or file == "-":
        click.echo(text, nl=False)
        return
    try:
        # Owner-only from the first byte when it holds secrets.
        mode = 0o600 if include_secrets else 0o666
        # O_BINARY (Windows only) keeps the C runtime from turning "\n" into "\r\n".
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
        fd = os.open(file, flags, mode)
        if include_secrets:
            # The mode above only applies to a new file; an older one may be world-readable.
            os.chmod(file, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as err:
        raise Failure(f"cannot write {file}: {err.strerror or err}") from None
    # On stderr, so that it never mixes with a document a script reads; said in every format.
    click.echo(f"Exported {exported_counts(doc, text)} to {file}.", err=True)


def exported_counts(doc: Any, text: str) -> str:
    """'3 jobs, 1 pipeline, 0 schedules, 2 webhooks': what an exported document holds."""
    if isinstance(doc, str):
        import yaml

        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError:
            doc = None
    counts = []
    for section in SECTIONS:
        items = doc.get(section) if isinstance(doc, Mapping) else None
        counts.append(_count(len(items) if isinstance(items, list) else 0, NOUNS[section]))
    return ", ".join(counts)


def send_document(
    client: ApiClient, route: str, data: bytes, content_type: str, params: dict[str, Any]
) -> Any:
    """POST raw bytes with their own Content-Type. `ApiClient.request` only sends JSON, so this
    builds the request itself but reports errors exactly as the client does."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    headers = {
        "Content-Type": content_type,
        "Accept": "application/json",
        "User-Agent": "orchestrator-cli",
    }
    if client.api_key:
        headers["Authorization"] = f"Bearer {client.api_key}"
    url = f"{client.base_url}{route}?{query}" if query else client.base_url + route
    req = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=DEFAULT_TIMEOUT) as resp:
            return json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as err:
        raise _error_from(err) from None
    except (urllib.error.URLError, OSError) as err:
        raise client._unreachable(getattr(err, "reason", err)) from None
    except ValueError:
        raise ApiError(200, "bad_answer", "the server sent invalid JSON") from None


def _read(file: str) -> tuple[bytes, str]:
    """The file's bytes and their Content-Type: by extension, else JSON if it looks like it."""
    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as err:
        message = f"cannot read {file}: {err.strerror or err}"
        raise click.BadParameter(message, param_hint="'FILE'") from None
    kind = TYPES.get(Path(file).suffix.lower())
    if kind is None:
        kind = TYPES[".json"] if data.lstrip()[:1] in (b"{", b"[") else TYPES[".yaml"]
    return data, kind


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def summary(answer: Mapping[str, Any]) -> list[str]:
    """One line per created, updated or deleted item (kind, name, ID), then a count of the
    unchanged, then the verdict. A dry run's new items have no ID yet."""
    lines = []
    for outcome in ("created", "updated", "deleted"):
        for section in SECTIONS:
            for item in (answer.get(outcome) or {}).get(section) or []:
                shown = item.get("id") or "(new ID)"
                lines.append(f"{outcome:<8} {NOUNS[section]:<9} {item.get('name', '')}  {shown}")
    if not lines:
        lines.append("Nothing to change.")
    kept = answer.get("unchanged") or {}
    counts = [_count(len(kept[s]), NOUNS[s]) for s in SECTIONS if kept.get(s)]
    if counts:
        lines.append("unchanged " + ", ".join(counts))
    mode = answer.get("mode", "merge")
    if answer.get("dry_run"):
        lines.append(f"Dry run ({mode} mode): nothing was changed.")
    else:
        lines.append(f"Imported ({mode} mode).")
    return lines


@click.command("import")
@click.argument("file", metavar="FILE")
@click.option(
    "--mode",
    type=click.Choice(("merge", "replace"), case_sensitive=False),
    default="merge",
    show_default=True,
    help="merge: add and change; replace: also delete what the document leaves out.",
)
@click.option("--dry-run", is_flag=True, help="Check and report what would change; change nothing.")
@pass_state
def import_command(state: State, file: str, mode: str, dry_run: bool) -> None:
    """Import a document made by `export` (YAML or JSON, by FILE's extension; - reads stdin)."""
    data, kind = _read(file)
    params = {"mode": mode.lower(), "dry_run": "true" if dry_run else None}
    try:
        answer = send_document(state.client, "/config/import", data, kind, params)
    except ApiError as err:
        problems = err.details.get("errors") if err.status == 400 else None
        if not isinstance(problems, list) or not problems:
            raise
        state.logger.error("import refused: %s", err.message)
        count = len(problems)
        click.echo(
            f"error: the document has {count} problem{'s' if count > 1 else ''}; "
            "nothing was changed:",
            err=True,
        )
        for problem in problems:
            if isinstance(problem, Mapping):
                click.echo(f"  {problem.get('path')}: {problem.get('message')}", err=True)
        raise click.exceptions.Exit(1) from None
    if not state.out.is_table:
        state.out.document(answer)
        return
    click.echo("\n".join(summary(answer)))
