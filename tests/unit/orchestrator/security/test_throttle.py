"""Unit: the sign-in throttle (per username and client, doubling waits, a per-username
ceiling that spares clients without failures) and the client address behind trusted proxies."""

from __future__ import annotations

from orchestrator.gateway.client_address import forwarded_client
from orchestrator.security.throttle import FIRST_DELAY, LoginThrottle


def throttle() -> LoginThrottle:
    return LoginThrottle(free_failures=3, window=100.0, max_delay=10.0, user_max_failures=6)


def fail(t: LoginThrottle, user: str, client: str, times: int, now: float = 0.0) -> list:
    locks = []
    for _ in range(times):
        locks += t.failed(user, client, now)
    return locks


class TestPairs:
    def test_free_failures_then_a_lock(self) -> None:
        """Two failures cost nothing; the third locks that username for that client alone."""
        t = throttle()
        assert fail(t, "ann", "10.0.0.1", 2) == [] and t.retry_after("ann", "10.0.0.1", 0) == 0
        (lock,) = fail(t, "ann", "10.0.0.1", 1)
        assert (lock.scope, lock.seconds, lock.failures) == ("pair", FIRST_DELAY, 3)
        assert t.retry_after("ann", "10.0.0.1", 0) == FIRST_DELAY
        assert t.retry_after("ann", "10.0.0.2", 0) == 0
        assert t.retry_after("bob", "10.0.0.1", 0) == 0

    def test_each_failure_doubles_the_wait_up_to_the_cap(self) -> None:
        """Waits go 2, 4, 8 and stop at max_delay."""
        t = throttle()
        fail(t, "ann", "c", 2)
        seconds = [fail(t, "ann", "c", 1, now=float(n))[0].seconds for n in range(4)]
        assert seconds == [2, 4, 8, 10]

    def test_the_wait_ends_and_success_clears_the_pair(self) -> None:
        """After the wait the client may try; the right password forgets its failures."""
        t = throttle()
        fail(t, "ann", "c", 3)
        assert t.retry_after("ann", "c", FIRST_DELAY) == 0
        t.succeeded("ann", "c")
        assert fail(t, "ann", "c", 2, now=3.0) == []

    def test_failures_are_forgotten_after_the_window(self) -> None:
        """A window without failures starts the count again."""
        t = throttle()
        fail(t, "ann", "c", 2)
        assert fail(t, "ann", "c", 2, now=100.0) == []


class TestUsernameCeiling:
    def test_many_clients_lock_the_username_for_failing_clients_only(self) -> None:
        """Beyond the ceiling clients that failed wait; a clean client still goes ahead."""
        t = throttle()
        locks = [lock for n in range(6) for lock in t.failed("ann", f"10.0.1.{n}", 0)]
        assert [(lock.scope, lock.seconds) for lock in locks] == [("user", 100)]
        assert t.retry_after("ann", "10.0.1.0", 1) == 99
        assert t.retry_after("ann", "10.9.9.9", 1) == 0

    def test_a_client_that_failed_elsewhere_is_not_clean(self) -> None:
        """A client guessing other usernames is held back by the locked username too."""
        t = throttle()
        for n in range(6):
            t.failed("ann", f"10.0.1.{n}", 0)
        t.failed("bob", "10.9.9.9", 0)
        assert t.retry_after("ann", "10.9.9.9", 1) == 99


class TestForwardedClient:
    TRUSTED = ("10.0.0.0/8", "127.0.0.1")

    def test_untrusted_peer_header_is_ignored(self) -> None:
        """A peer that is no trusted proxy is the client, whatever it forwards."""
        assert forwarded_client("192.0.2.7", ["198.51.100.1"], self.TRUSTED) == "192.0.2.7"

    def test_no_trusted_proxies_means_the_peer(self) -> None:
        """With the default empty list the header is never read."""
        assert forwarded_client("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"

    def test_right_most_untrusted_hop(self) -> None:
        """Trusted hops are skipped from the right; what the client wrote further left is not
        believed."""
        headers = ["6.6.6.6, 198.51.100.1", "10.1.2.3"]
        assert forwarded_client("127.0.0.1", headers, self.TRUSTED) == "198.51.100.1"

    def test_all_trusted_gives_the_left_most(self) -> None:
        """A chain of trusted proxies only: the first of them is the client."""
        assert forwarded_client("10.0.0.5", ["10.0.0.9, 10.0.0.8"], self.TRUSTED) == "10.0.0.9"

    def test_ipv4_mapped_peer_is_trusted(self) -> None:
        """A dual-stack socket's ::ffff:127.0.0.1 is the trusted 127.0.0.1."""
        assert forwarded_client("::ffff:127.0.0.1", ["192.0.2.1"], self.TRUSTED) == "192.0.2.1"
