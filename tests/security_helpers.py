"""Helpers the security acceptance tests share: accounts of each role, raw HTTP calls that keep
the headers (and can pick their source address), the audit trail, and one-shot server commands.

Everything goes through the real server, over HTTP or as a child process, like a user would.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tests.support import ADMIN_KEY, ADMIN_PASSWORD, ROOT, ServerProcess, free_port


@dataclass(frozen=True)
class Reply:
    """One answer: its status, its decoded body (JSON, text or None) and its headers."""

    status: int
    body: Any
    headers: dict[str, str]


@dataclass(frozen=True)
class Account:
    """A user the test created, with its password and one API key of its own."""

    id: str
    username: str
    password: str
    role: str
    key: str
    key_id: str


def send(
    server: ServerProcess,
    method: str,
    path: str,
    body: Any = None,
    *,
    key: str | None = None,
    source: str | None = None,
    timeout: float = 15.0,
    headers: dict[str, str] | None = None,
) -> Reply:
    """One request on a fresh connection. A live stream (`text/event-stream`) is not read: its
    status and headers are all a test needs, and its body never ends."""
    source_address = (source, 0) if source else None
    conn = http.client.HTTPConnection(
        "127.0.0.1", server.port, timeout=timeout, source_address=source_address
    )
    headers = {"Content-Type": "application/json", **(headers or {})}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    try:
        data = None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data, headers=headers)
        resp = conn.getresponse()
        found = {name.lower(): value for name, value in resp.getheaders()}
        ctype = found.get("content-type", "")
        payload = b"" if method == "HEAD" or "event-stream" in ctype else resp.read()
    finally:
        conn.close()
    if not payload:
        return Reply(resp.status, None, found)
    if ctype.startswith("application/json"):
        return Reply(resp.status, json.loads(payload), found)
    return Reply(resp.status, payload.decode(errors="replace"), found)


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def add_account(server: ServerProcess, role: str, *, password: str | None = None) -> Account:
    """Create a user of `role` (as the admin) and an API key for it; both must succeed."""
    username = unique_name(role)
    password = password or "pw-" + uuid.uuid4().hex
    body = {"username": username, "password": password, "role": role}
    status, user = server.request("POST", "/users", body)
    assert status == 201, user
    status, key = server.request("POST", "/keys", {"name": "test", "user": username})
    assert status == 201, key
    return Account(user["id"], username, password, role, key["secret"], key["id"])


def login(
    server: ServerProcess,
    username: str,
    password: str,
    source: str | None = None,
    forwarded_for: str | None = None,
) -> Reply:
    body = {"username": username, "password": password}
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else None
    return send(server, "POST", "/auth/login", body, source=source, headers=headers)


def new_key(server: ServerProcess, key: str = "default", **fields: Any) -> dict[str, Any]:
    """Create an API key as the caller of `key` (the server's admin key by default)."""
    status, created = server.request("POST", "/keys", {"name": "k", **fields}, key=key)
    assert status == 201, created
    return created


def in_seconds(seconds: float) -> tuple[str, datetime]:
    """A time `seconds` ahead, as the API writes it and as a datetime."""
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    return moment.isoformat(timespec="milliseconds"), moment


def sleep_until(moment: datetime) -> None:
    left = (moment - datetime.now(UTC)).total_seconds()
    if left > 0:
        time.sleep(left)


def wait_until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Poll `check` until it returns something true; fail the test when time runs out."""
    deadline = time.monotonic() + timeout
    while not (result := check()):
        assert time.monotonic() < deadline, "the condition never became true"
        time.sleep(0.05)
    return result


def audit_records(server: ServerProcess, limit: int = 1000, **filters: str) -> list[dict]:
    """Every audit record matching `filters`, newest first, following the cursors."""
    records: list[dict] = []
    cursor = None
    while True:
        query = {**filters, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        path = "/audit?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
        status, page = server.request("GET", path)
        assert status == 200, page
        records += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            assert page["total"] == len(records), page
            return records


def secret_job(server: ServerProcess, workdir: Path, value: str) -> dict:
    """A job that prints `ok` only when its secret `TOKEN` equals `value`. The command writes the
    value in two halves (`"ab""cd"`), so the command itself never holds the secret's bytes."""
    half = len(value) // 2
    command = f'test "$TOKEN" = "{value[:half]}""{value[half:]}" && echo ok'
    body = {"name": unique_name("secret"), "command": command, "workdir": str(workdir),
            "secret_env": {"TOKEN": value}}  # fmt: skip
    status, job = server.request("POST", "/jobs", body)
    assert status == 201, job
    return job


def secret_reaches_job(server: ServerProcess, job_id: str) -> bool:
    """Run the job, wait for it, and tell whether its context is exactly `ok`."""
    status, run = server.request("POST", f"/jobs/{job_id}/run?wait=true&timeout=20")
    assert status == 200, run
    status, context = server.request("GET", f"/contexts/{job_id}")
    assert status == 200, context
    return run["state"] == "succeeded" and context["content"] == "ok\n"


def command(
    data_dir: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 30.0
) -> subprocess.CompletedProcess:
    """Run `python -m orchestrator --data-dir D ARGS` once (a server start that must fail, or a
    command such as `rotate-key`) on a free port, with the test admin's credentials."""
    full_env = {**os.environ, "ORCH_ADMIN_API_KEY": ADMIN_KEY,
                "ORCH_ADMIN_PASSWORD": ADMIN_PASSWORD, **(env or {})}  # fmt: skip
    argv = [sys.executable, "-m", "orchestrator", "--data-dir", str(data_dir)]
    argv += ["--port", str(free_port()), *args]
    return subprocess.run(
        argv, env=full_env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


def files_holding(folder: Path, needles: list[str]) -> dict[str, list[str]]:
    """For every file under `folder` that holds one of `needles` as plain bytes: which ones."""
    found: dict[str, list[str]] = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        hits = [needle for needle in needles if needle.encode() in data]
        if hits:
            found[str(path)] = hits
    return found
