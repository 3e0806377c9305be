"""The `/webhooks` resource over HTTP: its life cycle, validation, the masked secret (sealed on
disk), the test route's errors, admin-only access and the audit trail of every change."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from tests.api_helpers import assert_error, assert_fields, unique
from tests.support import ServerProcess

URL = "http://127.0.0.1:9/hook"  # the discard port: deliveries to it fail fast


def _create(server: ServerProcess, **fields: Any) -> dict[str, Any]:
    body = {"name": unique("hook"), "url": URL, "events": ["job.failed"], **fields}
    status, webhook = server.request("POST", "/webhooks", body)
    assert status == 201, webhook
    return webhook


def _key_of(server: ServerProcess, role: str) -> str:
    """An API key of a new user with `role`."""
    name = f"{role}-{uuid.uuid4().hex[:8]}"
    body = {"username": name, "password": "pw-" + uuid.uuid4().hex, "role": role}
    assert server.request("POST", "/users", body)[0] == 201
    status, key = server.request("POST", "/keys", {"name": "k", "user": name})
    assert status == 201, key
    return key["secret"]


class TestLifeCycle:
    def test_create_get_list(self, server: ServerProcess):
        """A created webhook has a W ID, shows its secret as *** and no deliveries yet, and is
        found by ID (any case), by name, and in the list."""
        webhook = _create(server, secret="s3cret", events=["*"], description="ops")
        assert re.fullmatch(r"W[0-9A-HJKMNP-TV-Z]{8}", webhook["id"])
        assert webhook["secret"] == "***" and webhook["deliveries"] == []
        assert webhook["enabled"] is True and webhook["events"] == ["*"]
        assert webhook["created_by"] == "admin"
        assert server.request("GET", f"/webhooks/{webhook['id'].lower()}")[1] == webhook
        assert server.request("GET", f"/webhooks/{webhook['name']}")[1] == webhook
        status, page = server.request("GET", "/webhooks?limit=1000")
        assert status == 200 and webhook["id"] in {w["id"] for w in page["items"]}
        assert all(w["secret"] in ("***", "") for w in page["items"])

    def test_patch_replace_copy_delete(self, server: ServerProcess):
        """PATCH changes what it names; PUT replaces (*** keeps the secret, "" removes it);
        copy takes `<name>-copy`; DELETE answers 204, then 404."""
        webhook = _create(server, secret="s3cret")
        path = f"/webhooks/{webhook['id']}"
        status, patched = server.request("PATCH", path, {"events": ["system.error"]})
        assert status == 200 and patched["events"] == ["system.error"]
        assert patched["secret"] == "***" and patched["url"] == URL
        full = {"name": webhook["name"], "url": URL, "events": ["*"], "secret": "***"}
        status, replaced = server.request("PUT", path, {**full, "enabled": False})
        assert status == 200 and replaced["secret"] == "***" and replaced["enabled"] is False
        assert server.request("PATCH", path, {"secret": ""})[1]["secret"] == ""
        status, copied = server.request("POST", f"{path}/copy")
        assert status == 201 and copied["name"] == f"{webhook['name']}-copy"
        assert copied["id"] != webhook["id"]
        assert server.request("DELETE", path)[0] == 204
        assert_error(server.request("GET", path), 404, "not_found")
        assert server.request("DELETE", f"/webhooks/{copied['id']}")[0] == 204

    def test_test_route_errors(self, server: ServerProcess):
        """Testing an unknown webhook is a 404, a disabled one a 409; an enabled one is 202
        with a delivery ID."""
        assert_error(server.request("POST", "/webhooks/nope/test"), 404, "not_found")
        webhook = _create(server, enabled=False)
        path = f"/webhooks/{webhook['id']}"
        assert_error(server.request("POST", f"{path}/test"), 409, "conflict")
        server.request("PATCH", path, {"enabled": True})
        status, answer = server.request("POST", f"{path}/test")
        assert status == 202 and re.fullmatch(r"D[0-9A-HJKMNP-TV-Z]{12}", answer["delivery_id"])


class TestValidation:
    def test_required_fields(self, server: ServerProcess):
        """name, url and events are required."""
        assert_fields(server.request("POST", "/webhooks", {}), "name", "url", "events")

    def test_bad_values(self, server: ServerProcess):
        """A non-HTTP URL, unknown or no events, a non-string secret are each named."""
        body = {"name": unique("hook"), "url": "ftp://example.com", "events": ["job.done"]}
        assert_fields(server.request("POST", "/webhooks", {**body, "secret": 5}),
                      "url", "events", "secret")  # fmt: skip
        body = {"name": unique("hook"), "url": "/relative", "events": []}
        assert_fields(server.request("POST", "/webhooks", body), "url", "events")

    def test_unknown_field_duplicate_name_and_bad_json(self, server: ServerProcess):
        """Unknown fields are a 400, a name in use a 409, a broken body invalid_json."""
        webhook = _create(server)
        body = {"name": unique("hook"), "url": URL, "events": ["*"], "colour": "red"}
        assert_fields(server.request("POST", "/webhooks", body), "colour")
        taken = {"name": webhook["name"], "url": URL, "events": ["*"]}
        assert_error(server.request("POST", "/webhooks", taken), 409, "conflict")
        answer = server.request("POST", "/webhooks", raw=b"{nope")
        assert_error(answer, 400, "invalid_json")
        patch = server.request("PATCH", f"/webhooks/{webhook['id']}", {"enabled": "yes"})
        assert_fields(patch, "enabled")


class TestAccess:
    def test_admin_only(self, server: ServerProcess):
        """Writers and readers get 403 on every webhook route, reads included."""
        webhook = _create(server)
        path = f"/webhooks/{webhook['id']}"
        calls = [("GET", "/webhooks", None), ("GET", path, None), ("POST", f"{path}/test", None)]
        calls += [("POST", "/webhooks", {"name": "x", "url": URL, "events": ["*"]})]
        calls += [("PATCH", path, {"enabled": False}), ("DELETE", path, None)]
        for role in ("writer", "reader"):
            key = _key_of(server, role)
            for method, route, body in calls:
                assert_error(server.request(method, route, body, key=key), 403, "forbidden")
        assert server.request("GET", path)[1]["enabled"] is True

    def test_every_change_is_audited(self, server: ServerProcess):
        """create, replace, update, copy, test and delete each leave an audit record."""
        webhook = _create(server)
        path = f"/webhooks/{webhook['id']}"
        full = {"name": webhook["name"], "url": URL, "events": ["*"]}
        server.request("PUT", path, full)
        server.request("PATCH", path, {"description": "d"})
        copy = server.request("POST", f"{path}/copy", {"name": unique("hook")})[1]
        server.request("POST", f"{path}/test")
        server.request("DELETE", path)
        server.request("DELETE", f"/webhooks/{copy['id']}")
        actions = set()
        for target in (webhook["id"], copy["id"]):  # a copy is recorded under the new ID
            status, page = server.request("GET", f"/audit?target={target}&limit=100")
            assert status == 200, page
            actions |= {entry["action"] for entry in page["items"]}
        expected = {"webhook.replace", "webhook.update", "webhook.copy", "webhook.test"}
        assert expected | {"webhook.create", "webhook.delete"} <= actions, actions


class TestSecretAtRest:
    def test_secret_never_in_clear_under_the_data_directory(self, server: ServerProcess):
        """After create, patch, copy and a test delivery, no file in the data directory (store,
        write-ahead log, key file, logs, audit) holds the secret's text."""
        first, second = "hook-secret-" + uuid.uuid4().hex, "hook-secret-" + uuid.uuid4().hex
        webhook = _create(server, secret=first)
        path = f"/webhooks/{webhook['id']}"
        server.request("POST", f"{path}/copy")
        server.request("POST", f"{path}/test")
        assert server.request("PATCH", path, {"secret": second})[0] == 200
        assert server.request("GET", path)[1]["secret"] == "***"
        files = [p for p in Path(server.data_dir).rglob("*") if p.is_file()]
        assert any(p.suffix == ".sqlite" or "store" in p.name for p in files), files
        for file in files:
            content = file.read_bytes()
            assert first.encode() not in content and second.encode() not in content, file
