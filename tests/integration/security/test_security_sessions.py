"""Acceptance: sign-in throttling. After `security.login_max_failures` failures of one username
from one client, that client waits for that username (429 with `Retry-After`), twice as long
after each further failure; other clients, and other users behind the same trusted proxy, are
not held back; past `security.login_user_max_failures` only clients with failures are; each lock
is audited. Failures never say which of the username and the password was wrong."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api_helpers import assert_error, when
from tests.security_helpers import Reply, add_account, audit_records, login, sleep_until
from tests.support import ADMIN_PASSWORD, ServerProcess

LIMITS = ("--set", "security.login_max_failures=3", "--set", "security.login_window=30",
          "--set", "security.login_max_delay=4", "--set", "security.login_user_max_failures=5",
          "--set", "security.session_ttl=1")  # fmt: skip


@pytest.fixture
def throttled(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server of this test alone that makes a client wait after 3 failures of one username,
    closes a username to failing clients after 5, trusts no proxy, and whose sessions last 1 s."""
    proc = ServerProcess(tmp_path / "data", *LIMITS).start()
    yield proc
    proc.stop()


@pytest.fixture
def proxied(tmp_path: Path) -> Iterator[ServerProcess]:
    """The same limits, behind a trusted reverse proxy at 127.0.0.1."""
    proc = ServerProcess(
        tmp_path / "data", *LIMITS, "--set", "server.trusted_proxies=127.0.0.1"
    ).start()
    yield proc
    proc.stop()


def fail(
    server: ServerProcess, username: str, times: int, source: str | None = None, via: str = ""
) -> None:
    for _ in range(times):
        answer = login(server, username, "wrong-" + uuid.uuid4().hex, source, via or None)
        assert_error((answer.status, answer.body), 401, "unauthorized")


def assert_throttled(answer: Reply, longest: int = 4) -> int:
    """A 429 with a `Retry-After` of 1 to `longest` seconds; returns it."""
    details = assert_error((answer.status, answer.body), 429, "too_many_requests")
    wait = int(answer.headers["retry-after"])
    assert 1 <= wait <= longest and details.get("retry_after") == wait, (answer.headers, details)
    return wait


def can_bind(address: str) -> bool:
    try:
        with socket.socket() as sock:
            sock.bind((address, 0))
    except OSError:
        return False
    return True


class TestThrottling:
    def test_same_username_same_client(self, throttled: ServerProcess) -> None:
        """Three failures make that client wait even with the right password, then it passes."""
        fail(throttled, "admin", 3)
        wait = assert_throttled(login(throttled, "admin", ADMIN_PASSWORD), longest=2)
        time.sleep(wait + 0.1)
        answer = login(throttled, "admin", ADMIN_PASSWORD)
        assert answer.status == 200, answer.body

    def test_each_further_failure_doubles_the_wait(self, throttled: ServerProcess) -> None:
        """After the first wait a fourth failure makes the next wait longer (4 s)."""
        fail(throttled, "admin", 3)
        time.sleep(assert_throttled(login(throttled, "admin", "x-wrong")) + 0.1)
        fail(throttled, "admin", 1)
        assert assert_throttled(login(throttled, "admin", ADMIN_PASSWORD)) >= 3

    def test_below_the_limit_nothing_changes(self, throttled: ServerProcess) -> None:
        """Two failures (one fewer than the limit) still let the right password in."""
        fail(throttled, "admin", 2)
        assert login(throttled, "admin", ADMIN_PASSWORD).status == 200

    def test_untrusted_peer_forwarded_for_is_ignored(self, throttled: ServerProcess) -> None:
        """Without trusted proxies a changing X-Forwarded-For does not escape the wait."""
        fail(throttled, "admin", 3, via="198.51.100.1")
        assert_throttled(login(throttled, "admin", ADMIN_PASSWORD, forwarded_for="198.51.100.2"))

    @pytest.mark.skipif(
        not (can_bind("127.0.0.2") and can_bind("127.0.0.3")),
        reason="needs several loopback addresses (Linux)",
    )
    def test_one_client_cannot_lock_out_another(self, throttled: ServerProcess) -> None:
        """A client guessing a username does not hold back the right password from another."""
        fail(throttled, "admin", 3, source="127.0.0.2")
        assert_throttled(login(throttled, "admin", ADMIN_PASSWORD, source="127.0.0.2"))
        assert login(throttled, "admin", ADMIN_PASSWORD, source="127.0.0.3").status == 200


class TestBehindAProxy:
    def test_users_behind_one_proxy_are_throttled_apart(self, proxied: ServerProcess) -> None:
        """Two clients behind the trusted proxy: one waits, the other signs in."""
        other = add_account(proxied, "reader")
        fail(proxied, "admin", 3, via="198.51.100.1")
        assert_throttled(login(proxied, "admin", ADMIN_PASSWORD, forwarded_for="198.51.100.1"))
        assert login(proxied, "admin", ADMIN_PASSWORD, forwarded_for="198.51.100.2").status == 200
        answer = login(proxied, other.username, other.password, forwarded_for="198.51.100.2")
        assert answer.status == 200

    def test_a_clean_client_passes_the_username_ceiling(self, proxied: ServerProcess) -> None:
        """Past the per-username ceiling, failing clients wait; one without failures signs in."""
        for n in range(5):
            fail(proxied, "admin", 1, via=f"198.51.100.{n + 10}")
        assert_throttled(
            login(proxied, "admin", ADMIN_PASSWORD, forwarded_for="198.51.100.10"), longest=30
        )
        assert login(proxied, "admin", ADMIN_PASSWORD, forwarded_for="198.51.100.99").status == 200

    def test_locks_are_audited(self, proxied: ServerProcess) -> None:
        """Each lock is an `auth.locked` record naming the username and the client."""
        fail(proxied, "admin", 3, via="198.51.100.7")
        (record,) = audit_records(proxied, action="auth.locked")
        assert record["user"] == "admin" and record["client"] == "198.51.100.7"
        assert record["details"]["scope"] == "pair" and record["details"]["seconds"] == 2
        logins = audit_records(proxied, action="auth.login")
        assert {r["client"] for r in logins} == {"198.51.100.7"}


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
