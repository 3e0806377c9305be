"""Acceptance: user management (`/users`, admins only) and `GET /me`. The last enabled admin stays;
disabling, deleting or re-passwording a user ends their access at once."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, assert_fields
from tests.security_helpers import Account, add_account, login, new_key, unique_name
from tests.support import ServerProcess

USER_FIELDS = {"id", "username", "role", "enabled", "created_at", "updated_at", "created_by"}


def create(server: ServerProcess, role: str = "reader", **fields: object) -> tuple[int, dict]:
    body = {"username": unique_name("u"), "password": "pw-" + uuid.uuid4().hex, "role": role}
    return server.request("POST", "/users", {**body, **fields})


def session_of(server: ServerProcess, account: Account) -> str:
    answer = login(server, account.username, account.password)
    assert answer.status == 200, answer.body
    return answer.body["token"]


class TestUserCrud:
    @pytest.mark.parametrize("role", ["admin", "writer", "reader"])
    def test_create_each_role(self, server: ServerProcess, role: str) -> None:
        """Each role can be given; the answer shows the user without any password material."""
        status, user = create(server, role)
        assert status == 201, user
        assert set(user) == USER_FIELDS
        assert (user["role"], user["enabled"], user["created_by"]) == (role, True, "admin")
        assert user["id"].startswith("U")

    def test_get_list_update_delete(self, server: ServerProcess) -> None:
        """A user is found by ID and by name, listed, changed, and gone after DELETE."""
        user = create(server)[1]
        assert server.request("GET", f"/users/{user['id']}") == (200, user)
        assert server.request("GET", f"/users/{user['username']}") == (200, user)
        status, page = server.request("GET", "/users")
        assert status == 200 and page["total"] == len(page["items"])
        assert user in page["items"]
        status, changed = server.request("PATCH", f"/users/{user['id']}", {"role": "writer"})
        assert status == 200 and changed["role"] == "writer", changed
        assert server.request("GET", f"/users/{user['id']}")[1]["role"] == "writer"
        assert server.request("DELETE", f"/users/{user['id']}") == (204, None)
        assert_error(server.request("GET", f"/users/{user['id']}"), 404, "not_found")
        assert_error(server.request("DELETE", f"/users/{user['id']}"), 404, "not_found")

    def test_duplicate_username(self, server: ServerProcess) -> None:
        """A second user with the same username is a 409 conflict."""
        user = create(server)[1]
        assert_error(create(server, username=user["username"]), 409, "conflict")

    def test_bad_bodies(self, server: ServerProcess) -> None:
        """A short password, an unknown role and a missing field are 400s naming the field."""
        assert_fields(create(server, password="short"), "password")
        assert_fields(create(server, role="root"), "role")
        assert_fields(server.request("POST", "/users", {"username": unique_name("u")}),
                      "password", "role")  # fmt: skip
        user = create(server)[1]
        assert_fields(server.request("PATCH", f"/users/{user['id']}", {"password": "x"}),
                      "password")  # fmt: skip
        assert_fields(server.request("PATCH", f"/users/{user['id']}", {"username": "y"}),
                      "username")  # fmt: skip

    @pytest.mark.parametrize("role", ["reader", "writer"])
    def test_only_admins_manage_users(self, server: ServerProcess, role: str) -> None:
        """Readers and writers get 403 on every /users route, even for themselves."""
        me = add_account(server, role)
        body = {"username": unique_name("u"), "password": "pw-" + uuid.uuid4().hex, "role": role}
        for method, path, sent in (
            ("GET", "/users", None),
            ("POST", "/users", body),
            ("GET", f"/users/{me.id}", None),
            ("PATCH", f"/users/{me.id}", {"role": "admin"}),
            ("DELETE", f"/users/{me.id}", None),
        ):
            assert_error(server.request(method, path, sent, key=me.key), 403, "forbidden")
        assert server.request("GET", f"/users/{me.id}")[1]["role"] == role


class TestMe:
    def test_me_by_key_and_by_session(self, server: ServerProcess) -> None:
        """`GET /me` names the caller and its role, whether it came with a key or a session."""
        me = add_account(server, "reader")
        status, by_key = server.request("GET", "/me", key=me.key)
        assert status == 200
        assert (by_key["user_id"], by_key["username"], by_key["role"]) == (me.id, me.username,
                                                                           "reader")  # fmt: skip
        status, by_session = server.request("GET", "/me", key=session_of(server, me))
        assert status == 200 and by_session["username"] == me.username
        assert (by_key["via"], by_session["via"]) == ("key", "session")
        assert "password_hash" not in by_key and me.password not in str(by_session)


class TestAccessEnds:
    def test_disabling_revokes_keys_and_sessions(self, server: ServerProcess) -> None:
        """A disabled user's key and session answer 401 at once, and login fails."""
        user = add_account(server, "writer")
        token = session_of(server, user)
        assert server.request("GET", "/me", key=token)[0] == 200
        assert server.request("GET", "/me", key=user.key)[0] == 200
        assert server.request("PATCH", f"/users/{user.id}", {"enabled": False})[0] == 200
        for credential in (user.key, token):
            assert_error(server.request("GET", "/me", key=credential), 401, "unauthorized")
        assert login(server, user.username, user.password).status == 401

    def test_enabling_again_does_not_revive_old_keys(self, server: ServerProcess) -> None:
        """Keys revoked by disabling stay revoked when the user is enabled again."""
        user = add_account(server, "reader")
        server.request("PATCH", f"/users/{user.id}", {"enabled": False})
        assert server.request("PATCH", f"/users/{user.id}", {"enabled": True})[0] == 200
        assert_error(server.request("GET", "/me", key=user.key), 401, "unauthorized")
        assert login(server, user.username, user.password).status == 200

    def test_deleting_revokes_keys_and_sessions(self, server: ServerProcess) -> None:
        """A deleted user's key and session answer 401 at once."""
        user = add_account(server, "writer")
        token = session_of(server, user)
        assert server.request("GET", "/jobs", key=user.key)[0] == 200
        assert server.request("DELETE", f"/users/{user.id}")[0] == 204
        for credential in (user.key, token):
            assert_error(server.request("GET", "/jobs", key=credential), 401, "unauthorized")

    def test_a_new_role_applies_at_once(self, server: ServerProcess, tmp_path: Path) -> None:
        """A writer demoted to reader is refused a write with the same key right after."""
        user = add_account(server, "writer")
        body = {"name": unique_name("job"), "command": "true", "workdir": str(tmp_path)}
        assert server.request("POST", "/jobs", body, key=user.key)[0] == 201
        assert server.request("PATCH", f"/users/{user.id}", {"role": "reader"})[0] == 200
        body["name"] = unique_name("job")
        assert_error(server.request("POST", "/jobs", body, key=user.key), 403, "forbidden")
        assert server.request("GET", "/me", key=user.key)[1]["role"] == "reader"

    def test_new_password_ends_sessions(self, server: ServerProcess) -> None:
        """After a password change, old sessions answer 401; only the new password works."""
        user = add_account(server, "reader")
        token = session_of(server, user)
        new = "pw-new-" + uuid.uuid4().hex
        assert server.request("PATCH", f"/users/{user.id}", {"password": new})[0] == 200
        assert_error(server.request("GET", "/me", key=token), 401, "unauthorized")
        assert login(server, user.username, user.password).status == 401
        assert login(server, user.username, new).status == 200


class TestLastAdmin:
    def test_last_admin_stays(self, fresh_server: ServerProcess) -> None:
        """The only enabled admin can be neither deleted, demoted nor disabled (409)."""
        server = fresh_server
        for method, body in (("DELETE", None), ("PATCH", {"role": "writer"}),
                             ("PATCH", {"enabled": False})):  # fmt: skip
            assert_error(server.request(method, "/users/admin", body), 409, "conflict")
        status, me = server.request("GET", "/users/admin")
        assert status == 200 and (me["role"], me["enabled"]) == ("admin", True)

    def test_a_disabled_admin_does_not_count(self, fresh_server: ServerProcess) -> None:
        """With a second admin disabled, the first is still the last one; enabled, it is not."""
        server = fresh_server
        other = add_account(server, "admin")
        assert server.request("PATCH", f"/users/{other.id}", {"enabled": False})[0] == 200
        answer = server.request("PATCH", "/users/admin", {"role": "reader"})
        assert_error(answer, 409, "conflict")
        assert server.request("PATCH", f"/users/{other.id}", {"enabled": True})[0] == 200
        other_key = new_key(server, user=other.username)["secret"]  # disabling revoked the first
        status, changed = server.request("PATCH", "/users/admin", {"role": "reader"})
        assert status == 200 and changed["role"] == "reader"
        # Now the second admin is the last one, and even it cannot delete itself.
        answer = server.request("DELETE", f"/users/{other.id}", key=other_key)
        assert_error(answer, 409, "conflict")
