"""Which network addresses the crawler may connect to: the rule of ``spiders.reach``, without Scrapy.

Kept apart so that the pre-check of unchanged listings (``spiders.unchanged``), which runs before
Scrapy is imported, obeys the very same rule as the crawl.
"""

from __future__ import annotations

import ipaddress

SCHEMES = ("http", "https")
METADATA_NETWORK = ipaddress.ip_network("169.254.0.0/16")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def address_problem(address: Address, source_private: bool) -> str | None:
    """Why the crawler must not connect to ``address`` (None when it may).

    ``source_private``: the source itself is on a non-public address, and may reach its neighbours.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in METADATA_NETWORK:
        return "a link-local address of 169.254.0.0/16, where cloud metadata services answer: never fetched"
    if address.is_unspecified or address.is_multicast:
        return "not the address of a host"
    if source_private:
        return None
    for test, kind in (
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_private, "a private network address"),
        (not address.is_global, "a reserved address"),
    ):
        if test:
            return f"{kind}, and the source is on a public one"
    return None


def parse_address(text: str | None) -> Address | None:
    """The IP address written in ``text`` (a URL's host, a resolver's answer), or None."""
    try:
        return ipaddress.ip_address(text or "")
    except ValueError:
        return None


def site_host(host: str) -> str:
    """``host`` without a leading ``www.``: ``www.ville.fr`` and ``ville.fr`` are one site."""
    return host[4:] if host.startswith("www.") else host
