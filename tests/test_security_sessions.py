"""Acceptance: sign-in throttling. After `security.login_max_failures` failures within
`security.login_window` seconds, for one username or from one client address, sign-ins are
refused with 429 and `Retry-After` until the window has passed; failures never say which of the
username and the password was wrong."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, when
from tests.security_helpers import Reply, add_account, login, sleep_until
from tests.support import ADMIN_PASSWORD, ServerProcess

LIMITS = ("--set", "security.login_max_failures=3", "--set", "security.login_window=2",
          "--set", "security.session_ttl=1")  # fmt: skip


@pytest.fixture
def throttled(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of this test alone that refuses sign-ins after 3 failures within 2 s, and
    whose sessions last 1 s."""
    proc = ServerProcess(tmp_path / "data", *LIMITS).start()
    yield proc
    proc.stop()


def fail(server: ServerProcess, username: str, times: int, source: str | None = None) -> None:
    for _ in range(times):
        answer = login(server, username, "wrong-" + uuid.uuid4().hex, source)
        assert_error((answer.status, answer.body), 401, "unauthorized")


def assert_throttled(answer: Reply) -> int:
    """A 429 with a `Retry-After` of 1 or 2 seconds (the window); returns it."""
    details = assert_error((answer.status, answer.body), 429, "too_many_requests")
    wait = int(answer.headers["retry-after"])
    assert 1 <= wait <= 2 and details.get("retry_after") == wait, (answer.headers, details)
    return wait


def can_bind(address: str) -> bool:
    try:
        with socket.socket() as sock:
            sock.bind((address, 0))
    except OSError:
        return False
    return True


class TestThrottling:
    def test_same_username(self, throttled: ServerProcess) -> None:
        """Three failures for one user refuse even the right password, until the window ends."""
        fail(throttled, "admin", 3)
        wait = assert_throttled(login(throttled, "admin", ADMIN_PASSWORD))
        time.sleep(wait + 0.1)
        answer = login(throttled, "admin", ADMIN_PASSWORD)
        assert answer.status == 200, answer.body

    def test_same_client_different_usernames(self, throttled: ServerProcess) -> None:
        """Failures spread over several usernames from one address throttle that address."""
        for _ in range(3):
            fail(throttled, "nobody-" + uuid.uuid4().hex[:8], 1)
        assert_throttled(login(throttled, "admin", ADMIN_PASSWORD))
        assert_throttled(login(throttled, "someone-else", "whatever-password"))

    def test_below_the_limit_nothing_changes(self, throttled: ServerProcess) -> None:
        """Two failures (one fewer than the limit) still let the right password in."""
        fail(throttled, "admin", 2)
        assert login(throttled, "admin", ADMIN_PASSWORD).status == 200

    @pytest.mark.skipif(
        not (can_bind("127.0.0.2") and can_bind("127.0.0.3")),
        reason="needs several loopback addresses (Linux)",
    )
    def test_username_and_address_are_counted_apart(self, throttled: ServerProcess) -> None:
        """A throttled username is refused from any address; a throttled address for anyone."""
        other = add_account(throttled, "reader")
        fail(throttled, "admin", 3, source="127.0.0.2")
        assert_throttled(login(throttled, "admin", ADMIN_PASSWORD, source="127.0.0.3"))
        assert login(throttled, other.username, other.password, source="127.0.0.3").status == 200
        assert_throttled(login(throttled, other.username, other.password, source="127.0.0.2"))


class TestSessionExpiry:
    def test_a_session_ends_after_its_ttl(self, throttled: ServerProcess) -> None:
        """A session token works until `security.session_ttl` has passed, then answers 401."""
        answer = login(throttled, "admin", ADMIN_PASSWORD)
        assert answer.status == 200, answer.body
        token = answer.body["token"]
        assert throttled.request("GET", "/me", key=token)[0] == 200
        sleep_until(when(answer.body["expires_at"]))
        time.sleep(0.05)
        assert_error(throttled.request("GET", "/me", key=token), 401, "unauthorized")


class TestFailureMessages:
    def test_wrong_user_and_wrong_password_look_the_same(self, server: ServerProcess) -> None:
        """An unknown username and a wrong password get the same status and the same body."""
        user = add_account(server, "reader")
        wrong_password = login(server, user.username, "not-" + user.password)
        wrong_user = login(server, "no-" + user.username, user.password)
        assert wrong_password.status == wrong_user.status == 401
        assert wrong_password.body == wrong_user.body
        assert user.username not in str(wrong_password.body)
