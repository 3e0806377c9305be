"""The listening socket, bound before anything else starts.

A port already taken must stop the server before it opens the store, creates the first admin
or prints credentials that no server will ever accept; so the socket is bound first and handed
to aiohttp later (`web.SockSite`).
"""

from __future__ import annotations

import os
import socket

from orchestrator.errors import OrchestratorError

BACKLOG = 1024


class CannotListen(OrchestratorError):
    """The address or port cannot be bound (in use, not ours, or unknown)."""


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on host:port; CannotListen with one line naming them otherwise."""
    try:
        return socket.create_server((host, port), backlog=BACKLOG)
    except OSError as err:
        # create_server appends the address to strerror; the line names it once already.
        # Name lookups fail with negative (getaddrinfo) error numbers.
        if isinstance(err, socket.gaierror) or (err.errno or 0) < 0:
            reason = "unknown host name"
        else:
            reason = os.strerror(err.errno) if err.errno else str(err)
        raise CannotListen(f"cannot listen on {host}:{port}: {reason}") from None
