"""Which address a request comes from, seen through the reverse proxies the server trusts.

Behind a proxy every request comes from the proxy's address, so the proxy's `X-Forwarded-For`
names the client. Anyone can send that header, so it is read only when the direct peer is in
`server.trusted_proxies`, and then from the right: each trusted proxy appends the address it
saw, so the right-most address that is not a trusted proxy is the first one no trusted party
vouches beyond. Entries further left were written by the client and are not believed.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from aiohttp import web

from orchestrator.gateway.http import services

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def forwarded_client(peer: str, forwarded_for: list[str], trusted: tuple[str, ...]) -> str:
    """The client's address given the direct `peer`, the `X-Forwarded-For` headers in order,
    and the trusted proxies' addresses or networks."""
    networks = _networks(trusted)
    if not networks or not _trusted(peer, networks):
        return peer
    client = peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        client = hop
        if not _trusted(hop, networks):
            break
    return client


def client_address(request: web.Request) -> str:
    """The address of the client that sent `request`."""
    return forwarded_client(
        request.remote or "",
        request.headers.getall("X-Forwarded-For", []),
        services(request).config.server.trusted_proxies,
    )
