"""Acceptance: idle and slow connections cannot stop the server. A connection that sends no
request head is closed after `server.header_timeout`; beyond `server.max_connections` new
connections get 503 in the envelope while open ones keep being served; live streams survive
the idle timers."""

from __future__ import annotations

import http.client
import json
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ServerProcess

IDLE = 1200


def raise_own_file_limit(needed: int) -> None:
    """The test holds many sockets itself: lift its soft limit, or skip when it cannot."""
    if sys.platform == "win32":
        pytest.skip("POSIX open-files limits")
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            pytest.skip(f"the open-files hard limit {hard} is below {needed}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def open_idle(server: ServerProcess, count: int) -> list[socket.socket]:
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        sockets.append(sock)
    return sockets


def health_on_new_connection(server: ServerProcess) -> int | None:
    """The status of GET /health on a fresh connection, or None when the server closed it."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status
    except OSError:
        return None
    finally:
        conn.close()


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """Whether the server closes `sock` (end of stream or reset) within `seconds`."""
    sock.settimeout(seconds)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


@pytest.fixture
def strict(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server that gives 1 s for a request head and holds at most 1000 connections."""
    proc = ServerProcess(
        tmp_path / "data",
        "--set", "server.header_timeout=1",
        "--set", "server.max_connections=1000",
    ).start()  # fmt: skip
    yield proc
    proc.stop()


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[ServerProcess]:
    """A server that holds 3 connections at most and closes idle ones after 1 s."""
    proc = ServerProcess(
        tmp_path / "data",
        "--set", "server.max_connections=3",
        "--set", "server.header_timeout=30",
        "--set", "server.keepalive_timeout=1",
    ).start()  # fmt: skip
    yield proc
    proc.stop()


class TestHeaderTimeout:
    def test_a_silent_connection_is_closed(self, strict: ServerProcess) -> None:
        """A connection that never sends its request head is closed after the header timeout."""
        (sock,) = open_idle(strict, 1)
        with sock:
            assert closed_within(sock, 10)

    def test_a_trickled_head_is_closed(self, strict: ServerProcess) -> None:
        """A request head sent a few bytes at a time past the deadline is cut, not answered."""
        (sock,) = open_idle(strict, 1)
        with sock:
            deadline = time.monotonic() + 10
            sock.sendall(b"GET /health HTTP/1.1\r\n")
            closed = False
            while not closed and time.monotonic() < deadline:
                try:
                    sock.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    closed = True
                    break
                closed = closed_within(sock, 0.3)
            assert closed

    def test_many_idle_connections_do_not_stop_the_server(self, strict: ServerProcess) -> None:
        """With 1,200 idle connections open, /health answers on a fresh one within seconds."""
        raise_own_file_limit(IDLE + 200)
        sockets = open_idle(strict, IDLE)
        try:
            deadline, status = time.monotonic() + 20, None
            while status != 200 and time.monotonic() < deadline:
                status = health_on_new_connection(strict)
                if status != 200:
                    time.sleep(0.2)
            assert status == 200
        finally:
            for sock in sockets:
                sock.close()


class TestConnectionLimit:
    def test_over_the_limit_is_503_and_open_ones_are_served(self, tiny: ServerProcess) -> None:
        """Beyond the cap a new connection gets 503 in the envelope; a busy one still answers."""
        kept = http.client.HTTPConnection("127.0.0.1", tiny.port, timeout=5)
        kept.request("GET", "/health")
        assert kept.getresponse().read()
        idle = open_idle(tiny, 2)
        try:
            extra = socket.create_connection(("127.0.0.1", tiny.port), timeout=5)
            with extra:
                answer = extra.makefile("rb").read()
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 503")
            assert json.loads(body)["error"]["code"] == "service_unavailable"
            kept.request("GET", "/health")
            assert kept.getresponse().status == 200
        finally:
            kept.close()
            for sock in idle:
                sock.close()
        deadline, status = time.monotonic() + 10, None
        while status != 200 and time.monotonic() < deadline:
            status = health_on_new_connection(tiny)
        assert status == 200

    def test_idle_keep_alive_connections_close(self, tiny: ServerProcess) -> None:
        """A keep-alive connection with no further request is closed after its idle timeout."""
        sock = socket.create_connection(("127.0.0.1", tiny.port), timeout=5)
        with sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert b"200" in sock.recv(4096).split(b"\r\n")[0]
            assert closed_within(sock, 10)

    def test_a_live_stream_outlives_the_idle_timeout(self, tiny: ServerProcess) -> None:
        """GET /logs/stream keeps its connection well past the 1 s keep-alive timeout."""
        conn = http.client.HTTPConnection("127.0.0.1", tiny.port, timeout=10)
        try:
            conn.request("GET", "/logs/stream", headers={"X-API-Key": tiny.api_key})
            response = conn.getresponse()
            assert response.status == 200 and response.readline().startswith(b": connected")
            time.sleep(3)
            tiny.request("PUT", "/system/log-level", {"level": "info"})
            lines = [response.readline() for _ in range(3)]
            assert any(line.startswith(b"data: ") for line in lines), lines
        finally:
            conn.close()
