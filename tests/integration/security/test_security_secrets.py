"""Acceptance: secrets never reach the disk in clear. Secret environment values, webhook secrets,
passwords, API key secrets, session tokens and the admin credentials given through the
environment are used for real, then every byte of every file the server wrote is searched."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.security_helpers import (
    files_holding,
    login,
    new_key,
    secret_job,
    secret_reaches_job,
    unique_name,
)
from tests.support import ServerProcess, free_port

ADMIN_KEY = "ork_" + uuid.uuid4().hex + uuid.uuid4().hex
ADMIN_PASSWORD = "admin-pw-" + uuid.uuid4().hex


@pytest.fixture(scope="module")
def used(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, list[str]]]:
    """A server (debug logs, admin from the environment) that used every kind of secret; it is
    stopped before the tests read its files. Yields the server and the secrets it saw."""
    base = tmp_path_factory.mktemp("secrets")
    env = {"ORCH_ADMIN_API_KEY": ADMIN_KEY, "ORCH_ADMIN_PASSWORD": ADMIN_PASSWORD}
    server = ServerProcess(base / "data", "--log-level", "debug", env=env)
    server.api_key = ADMIN_KEY
    server.start()
    seen = [ADMIN_KEY, ADMIN_PASSWORD]
    try:
        seen += use_secrets(server, base)
    finally:
        assert server.stop() == 0
    yield server, seen


def use_secrets(server: ServerProcess, workdir: Path) -> list[str]:
    """Create, use and change secrets of every kind through the API; return them."""
    signing = "whsec-" + uuid.uuid4().hex
    hook = {"name": unique_name("hook"), "url": f"http://127.0.0.1:{free_port()}/hook",
            "events": ["*"], "secret": signing}  # fmt: skip
    status, webhook = server.request("POST", "/webhooks", hook)
    assert status == 201 and webhook["secret"] != signing, webhook
    assert server.request("POST", f"/webhooks/{webhook['id']}/test")[0] == 202
    token = "tok-" + uuid.uuid4().hex
    job = secret_job(server, workdir, token)
    assert secret_reaches_job(server, job["id"])
    other = "tok2-" + uuid.uuid4().hex
    patched = server.request("PATCH", f"/jobs/{job['id']}", {"secret_env": {"TOKEN": other}})
    assert patched[0] == 200, patched
    first, second = "pw1-" + uuid.uuid4().hex, "pw2-" + uuid.uuid4().hex
    username = unique_name("writer")
    body = {"username": username, "password": first, "role": "writer"}
    status, user = server.request("POST", "/users", body)
    assert status == 201, user
    session = login(server, username, first)
    assert session.status == 200, session.body
    assert server.request("PATCH", f"/users/{user['id']}", {"password": second})[0] == 200
    later = login(server, username, second)
    assert later.status == 200, later.body
    own = new_key(server, later.body["token"])["secret"]
    given = new_key(server, user=username)["secret"]
    admin_session = login(server, "admin", ADMIN_PASSWORD)
    assert admin_session.status == 200
    for secret in (own, given, admin_session.body["token"]):
        assert server.request("GET", "/me", key=secret)[0] == 200
    assert login(server, username, "wrong-" + first).status == 401
    sessions = [session.body["token"], later.body["token"], admin_session.body["token"]]
    return [signing, token, other, first, second, own, given, "wrong-" + first, *sessions]


class TestSecretsNeverOnDisk:
    def test_no_file_holds_a_secret(self, used: tuple[ServerProcess, list[str]]) -> None:
        """No file under the data directory (store, WAL, logs, key file) holds a secret."""
        server, seen = used
        assert len(list(server.data_dir.rglob("*"))) >= 3
        assert files_holding(server.data_dir, seen) == {}

    def test_console_output_holds_no_secret(self, used: tuple[ServerProcess, list[str]]) -> None:
        """What the server printed holds none of them either."""
        server, seen = used
        assert not [secret for secret in seen if secret in server.output()]

    def test_no_initial_admin_file(self, used: tuple[ServerProcess, list[str]]) -> None:
        """Admin credentials given through the environment are not written to a file."""
        server, _ = used
        assert not (server.data_dir / "initial-admin.txt").exists()

    def test_the_store_is_searched(self, used: tuple[ServerProcess, list[str]]) -> None:
        """The search is not vacuous: the store and the logs hold the non-secret job data."""
        server, _ = used
        store = server.data_dir / "orchestrator.sqlite"
        assert store.is_file() and b"TOKEN" in store.read_bytes()
        found = files_holding(server.data_dir, ["admin", "TOKEN"])
        assert any(path.endswith(".log") for path in found), found
