"""Which client a request's address stands for, for counting it (rate limits, sign-in
lockouts) and for a coarse log.

An IPv6 client is given a whole /64 (RFC 4291's interface identifiers; privacy addresses,
RFC 8981, change inside it, and one machine can pick any of its 2^64 addresses), so it is
counted per /64: per address, it would start afresh with each new one. An IPv4-mapped IPv6
address (``::ffff:192.0.2.7``, what a dual-stack socket reports for an IPv4 client) is the
IPv4 address it carries, so a client is counted once whichever way it arrived.
"""

from __future__ import annotations

import ipaddress

IPV6_CLIENT_PREFIX = 64


def client_group(address: str | None, *, ipv4_prefix: int = 32) -> str:
    """The network that counts as one client: the IPv4 address (or its /`ipv4_prefix`),
    the IPv6 /64 ("2001:db8:1:2::/64"); "" for no or no valid address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped
        # Without a zone (fe80::1%eth0): the zone names the server's interface, not a client.
        ip = mapped if mapped is not None else ipaddress.IPv6Address(int(ip))
    prefix = ipv4_prefix if ip.version == 4 else IPV6_CLIENT_PREFIX
    if prefix == ip.max_prefixlen:
        return str(ip)  # one IPv4 address: written as the address, as it always was
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))
