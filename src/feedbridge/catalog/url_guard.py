"""Feed URLs must not reach into the network feedbridge runs in (server-side request forgery).

A feed URL is typed by a merchant; without this check feedbridge could be made to fetch, and show parts
of, what only it can reach: a cloud metadata endpoint (169.254.169.254), an admin page on localhost, a
database on the private network. Every request — the first and each redirect — resolves its host and is
refused when any address it resolves to is loopback, private, link-local, multicast, reserved or
otherwise not public. `FEEDBRIDGE_FEED_ALLOW_PRIVATE_URLS=true` lifts the check, for feeds served on
the local network (and the tests' loopback server).
"""

from __future__ import annotations

import ipaddress
from socket import SOCK_STREAM, gaierror, getaddrinfo

from feedbridge.catalog.model import FeedError

ALLOW_SETTING = "FEEDBRIDGE_FEED_ALLOW_PRIVATE_URLS"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def refused_kind(address: Address) -> str | None:
    """What kind of non-public address this is ("a loopback address", …), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified or address.is_reserved:
        return "a reserved address"
    site_local = isinstance(address, ipaddress.IPv6Address) and address.is_site_local
    if address.is_private or site_local or not address.is_global:
        return "a private address"
    return None


def check_host(host: str, port: int, source: str) -> None:
    """Raise FeedError if `host` resolves to an address feed URLs may not reach.

    A host that does not resolve passes: the connection then fails with its own message.
    """
    try:
        found = getaddrinfo(host, port, type=SOCK_STREAM)
    except (gaierror, UnicodeError):
        return
    for *_, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])  # drop an IPv6 zone (fe80::1%eth0)
        kind = refused_kind(address)
        if kind is not None:
            shown = host if host == str(address) else f"{host} ({address})"
            raise FeedError(
                f"the feed's host {shown} is {kind}: feed URLs may not reach the local or private network",
                source=source,
                hint=f"use the feed's public address; if the feed is served on your own network, allow such "
                f"URLs with {ALLOW_SETTING}=true",
            )
