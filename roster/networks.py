"""Which client a request's address stands for, for counting it (rate limits, sign-in
lockouts) and for a coarse log.

An IPv6 client is given a whole /64 (RFC 4291's interface identifiers; privacy addresses,
RFC 8981, change inside it, and one machine can pick any of its 2^64 addresses), so it is
counted per /64 (settings.CLIENT_IPV6_PREFIX): per address, it would start afresh with each
new one. A home or office line is often delegated more than one /64 (a /56 is common, RIPE-690
and the Chinese carriers' practice; a /48 for a site), and whoever holds it can move between
its 256 /64s at will: so the limits also count the whole delegation (its *site*,
settings.CLIENT_IPV6_SITE_PREFIX, /56 by default) at a higher limit. Counting only per /56
would instead put a household's or an office's separate networks under one client's share.

An IPv4-mapped IPv6 address (``::ffff:192.0.2.7``, what a dual-stack socket reports for an
IPv4 client) is the IPv4 address it carries, so a client is counted once whichever way it
arrived; an IPv4 client is its own site.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _client_ip(address: str | None) -> _Address | None:
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped
        # Without a zone (fe80::1%eth0): the zone names the server's interface, not a client.
        return mapped if mapped is not None else ipaddress.IPv6Address(int(ip))
    return ip


def _network(ip: _Address, prefix: int) -> str:
    if prefix >= ip.max_prefixlen:
        return str(ip)  # one address: written as the address, as it always was
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def ipv6_prefixes() -> tuple[int, int]:
    """(client, site) IPv6 prefix lengths from the settings; the site never narrower than
    the client."""
    client = int(settings.CLIENT_IPV6_PREFIX)
    site = int(settings.CLIENT_IPV6_SITE_PREFIX)
    return client, min(site, client)


def client_group(address: str | None, *, ipv4_prefix: int = 32) -> str:
    """The network that counts as one client: the IPv4 address (or its /`ipv4_prefix`),
    the IPv6 /64 ("2001:db8:1:2::/64"; CLIENT_IPV6_PREFIX); "" for no or no valid address."""
    ip = _client_ip(address)
    if ip is None:
        return ""
    return _network(ip, ipv4_prefix if ip.version == 4 else ipv6_prefixes()[0])


def client_site(address: str | None) -> str:
    """The IPv6 delegation the client's network is part of ("2001:db8:1::/56";
    CLIENT_IPV6_SITE_PREFIX), counted together at a higher limit; "" when that is the
    client itself (IPv4, or a site prefix no wider than the client's) or no valid address."""
    ip = _client_ip(address)
    if ip is None or ip.version == 4:
        return ""
    client, site = ipv6_prefixes()
    return _network(ip, site) if site < client else ""
