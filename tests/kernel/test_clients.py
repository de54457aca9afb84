"""The client's address: X-Forwarded-For only through trusted proxies, right-most untrusted entry."""

from __future__ import annotations

import pytest

from app.clients import client_address, parse_networks

PROXIES = parse_networks(["10.0.0.0/8", "192.0.2.1", "2001:db8::/32"])


@pytest.mark.parametrize(
    ("peer", "headers", "expected"),
    [
        # not behind a trusted proxy: the peer, whatever the header says
        ("203.0.113.5", ["198.51.100.1"], "203.0.113.5"),
        ("192.0.2.2", ["198.51.100.1"], "192.0.2.2"),
        # behind one: the right-most entry that is not a proxy; forged left-most entries are ignored
        ("10.1.2.3", ["198.51.100.1"], "198.51.100.1"),
        ("10.1.2.3", ["6.6.6.6, 198.51.100.1"], "198.51.100.1"),
        ("10.1.2.3", ["6.6.6.6, 198.51.100.1, 10.9.9.9", "192.0.2.1"], "198.51.100.1"),
        ("::ffff:10.1.2.3", ["198.51.100.1"], "198.51.100.1"),
        ("2001:db8::1", ["2001:db9::7"], "2001:db9::7"),
        # garbage appended last is what the proxy saw: kept as the key, never a trusted hop
        ("10.1.2.3", ["6.6.6.6, not-an-ip"], "not-an-ip"),
        # no header, or only proxies in it
        ("10.1.2.3", [], "10.1.2.3"),
        ("10.1.2.3", ["10.0.0.9, 192.0.2.1"], "10.0.0.9"),
        (None, ["198.51.100.1"], None),
    ],
)
def test_client_address(peer: str | None, headers: list[str], expected: str | None) -> None:
    assert client_address(peer, headers, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_ignored() -> None:
    assert client_address("127.0.0.1", ["198.51.100.1"], ()) == "127.0.0.1"


def test_a_malformed_proxy_entry_is_refused() -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        parse_networks(["10.0.0.0/8", "proxy.example"])
