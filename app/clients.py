"""The client's address, for limits keyed on it (public tracking, guest submissions).

X-Forwarded-For is written by whoever sends the request, so it is believed only when the TCP peer is one
of TRUSTED_PROXIES (none by default: the address is then the peer's). Behind trusted proxies the client
is the right-most address of the header that is not itself a trusted proxy: each proxy appends the
address it received from, so everything left of that entry may be forged by the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDRs; a bad entry raises ValueError (a misconfiguration must not start silently)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def trusted_proxies() -> tuple[Network, ...]:
    from app.config import get_settings

    return _trusted(get_settings().trusted_proxies)


def _is_trusted(address: str, networks: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def _forwarded_entries(headers: Iterable[str]) -> list[str]:
    return [part.strip() for header in headers for part in header.split(",") if part.strip()]


def client_address(peer: str | None, forwarded_for: Iterable[str], networks: Sequence[Network]) -> str | None:
    """`peer`: the TCP peer's host; `forwarded_for`: every X-Forwarded-For header value, in order."""
    if peer is None or not networks or not _is_trusted(peer, networks):
        return peer
    entries = _forwarded_entries(forwarded_for)
    for entry in reversed(entries):
        if not _is_trusted(entry, networks):
            return entry[:100]
    # only proxies in the chain (or no header): the left-most hop is the best we know
    return entries[0][:100] if entries else peer
