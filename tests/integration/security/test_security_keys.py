"""Acceptance: API keys (`/keys`). The secret is shown once; everyone manages their own keys,
admins everyone's; a revoked or expired key stops working at once."""

from __future__ import annotations

import json
import time

from tests.api_helpers import assert_error, assert_fields, when
from tests.security_helpers import add_account, in_seconds, new_key, sleep_until
from tests.support import ServerProcess

KEY_FIELDS = {"id", "name", "user_id", "username", "created_at", "expires_at", "last_used_at"}


def key_ids(server: ServerProcess, key: str = "default", query: str = "") -> set[str]:
    status, page = server.request("GET", "/keys" + query, key=key)
    assert status == 200, page
    assert page["total"] == len(page["items"]), page
    return {item["id"] for item in page["items"]}


class TestCreate:
    def test_secret_is_shown_once(self, server: ServerProcess) -> None:
        """The creation answer holds an `ork_` secret that works; no list ever shows it."""
        owner = add_account(server, "reader")
        created = new_key(server, owner.key, name="laptop")
        assert set(created) == KEY_FIELDS | {"secret"}
        assert created["secret"].startswith("ork_") and len(created["secret"]) >= 36
        assert (created["name"], created["username"]) == ("laptop", owner.username)
        assert created["user_id"] == owner.id and created["id"].startswith("K")
        assert server.request("GET", "/me", key=created["secret"])[1]["username"] == owner.username
        for caller in (owner.key, "default"):
            text = json.dumps(server.request("GET", "/keys", key=caller)[1])
            assert created["secret"] not in text and '"secret"' not in text

    def test_each_key_is_different(self, server: ServerProcess) -> None:
        """Two keys never share their secret or their ID."""
        first, second = new_key(server), new_key(server)
        assert first["secret"] != second["secret"] and first["id"] != second["id"]

    def test_for_another_user(self, server: ServerProcess) -> None:
        """An admin creates a key for someone else; a non-admin gets 403, but may name itself."""
        writer, reader = add_account(server, "writer"), add_account(server, "reader")
        given = new_key(server, user=reader.username)
        assert given["user_id"] == reader.id
        assert server.request("GET", "/me", key=given["secret"])[1]["username"] == reader.username
        answer = server.request("POST", "/keys", {"user": reader.username}, key=writer.key)
        assert_error(answer, 403, "forbidden")
        assert new_key(server, writer.key, user=writer.username)["user_id"] == writer.id

    def test_bad_bodies(self, server: ServerProcess) -> None:
        """An unreadable expiry or an unknown field is a 400; an unknown owner is a 404."""
        assert_fields(server.request("POST", "/keys", {"expires_at": "soon"}), "expires_at")
        assert_fields(server.request("POST", "/keys", {"owner": "x"}), "owner")
        answer = server.request("POST", "/keys", {"user": "nobody-at-all"})
        assert_error(answer, 404, "not_found")

    def test_expiry(self, server: ServerProcess) -> None:
        """A key with an expiry works until then and answers 401 afterwards."""
        text, moment = in_seconds(1.0)
        created = new_key(server, expires_at=text)
        assert when(created["expires_at"]) == when(text)
        assert server.request("GET", "/me", key=created["secret"])[0] == 200
        sleep_until(moment)
        time.sleep(0.05)
        assert_error(server.request("GET", "/me", key=created["secret"]), 401, "unauthorized")


class TestList:
    def test_own_keys_versus_all(self, server: ServerProcess) -> None:
        """A user lists only its own keys; an admin lists everyone's, or one user's."""
        writer, reader = add_account(server, "writer"), add_account(server, "reader")
        extra = new_key(server, writer.key)
        assert key_ids(server, writer.key) == {writer.key_id, extra["id"]}
        assert key_ids(server, reader.key) == {reader.key_id}
        assert key_ids(server, writer.key, f"?user={reader.username}") == {
            writer.key_id,
            extra["id"],
        }
        assert {writer.key_id, extra["id"], reader.key_id} <= key_ids(server)
        assert key_ids(server, query=f"?user={writer.username}") == {writer.key_id, extra["id"]}
        assert key_ids(server, query=f"?user={reader.id}") == {reader.key_id}

    def test_last_used_at(self, server: ServerProcess) -> None:
        """A key's `last_used_at` is empty until the key is used, then set."""
        created = new_key(server)
        listed = self._listed(server, created["id"])
        assert created["last_used_at"] is None and listed["last_used_at"] is None
        assert server.request("GET", "/jobs", key=created["secret"])[0] == 200
        used = self._listed(server, created["id"])["last_used_at"]
        assert used is not None and when(used) >= when(created["created_at"])

    @staticmethod
    def _listed(server: ServerProcess, key_id: str) -> dict:
        items = server.request("GET", "/keys")[1]["items"]
        return next(item for item in items if item["id"] == key_id)


class TestRevoke:
    def test_revoke_own_key(self, server: ServerProcess) -> None:
        """Revoking one's own key is a 204; the key answers 401 at once and leaves the list."""
        owner = add_account(server, "reader")
        spare = new_key(server, owner.key)
        assert server.request("GET", "/me", key=spare["secret"])[0] == 200
        assert server.request("DELETE", f"/keys/{spare['id']}", key=owner.key) == (204, None)
        assert_error(server.request("GET", "/me", key=spare["secret"]), 401, "unauthorized")
        assert key_ids(server, owner.key) == {owner.key_id}
        answer = server.request("DELETE", f"/keys/{spare['id']}", key=owner.key)
        assert_error(answer, 404, "not_found")

    def test_revoke_with_the_key_itself(self, server: ServerProcess) -> None:
        """A key may revoke itself; the very next request with it is a 401."""
        owner = add_account(server, "writer")
        assert server.request("DELETE", f"/keys/{owner.key_id}", key=owner.key) == (204, None)
        assert_error(server.request("GET", "/me", key=owner.key), 401, "unauthorized")

    def test_someone_elses_key(self, server: ServerProcess) -> None:
        """A non-admin revoking another's key gets 404 and the key still works; an admin can."""
        writer, reader = add_account(server, "writer"), add_account(server, "reader")
        answer = server.request("DELETE", f"/keys/{reader.key_id}", key=writer.key)
        assert_error(answer, 404, "not_found")
        assert server.request("GET", "/me", key=reader.key)[0] == 200
        assert server.request("DELETE", f"/keys/{reader.key_id}") == (204, None)
        assert_error(server.request("GET", "/me", key=reader.key), 401, "unauthorized")
