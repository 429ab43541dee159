"""Failed sign-ins are limited per account and client address, per client address, and per
account from everywhere at a much higher count (settings.LOGIN_THROTTLE).

Counted in Django's cache (Redis in production, so every web server shares the counts; local
memory on one machine). Enforced in the authentication backend (`roster.auth`), so every way
in is covered: the sign-in page, the Wagtail admin's login, Wagtail's page-privacy login, and
anything that calls `authenticate()` later. The forms only turn a lockout into a clear message.

- An *account* is what the login resolves to: one person, whether they type their ID number
  (any letter case) or their phone, or else the username as typed. Switching between the ID
  number and the phone does not buy more attempts. A login that matches nobody is counted
  too, so a lockout tells nothing about whether an account exists.
- A *client address* is the request's IP (see `roster.services.audit.client_ip` for proxies);
  an IPv6 client's whole /64, an IPv4-mapped one as IPv4 (`roster.networks.client_group`).
  An IPv6 client's *site* is the delegation its /64 is part of (a /56 by default,
  `roster.networks.client_site`): whoever holds a line can move between its /64s.
- Three counts, each with its own lock:
  * the account *from this address* (ACCOUNT_FAILURES, 5): what stops guessing. It is per
    address so that a stranger who types a candidate's ID number five times from their own
    phone does not keep the candidate out of their exam that morning;
  * the address (ADDRESS_FAILURES, 20, higher: a classroom behind one NAT shares it): one
    machine guessing at many accounts;
  * the IPv6 site (SITE_FAILURES, 80): guessing spread over a line's /64s, each below its
    own address limit;
  * the account from *every* address (ACCOUNT_TOTAL_FAILURES, 50): guessing spread over many
    addresses. Only at this much higher count is the account locked for everyone.
  Without an address (a call of authenticate() with no request) the account's own count
  stands in for the first, at ACCOUNT_FAILURES.
- A success clears the account's counts, not the address's: otherwise an attacker with one
  valid account could reset the address limit between guesses.
- Cache keys carry a keyed hash, never an ID number or phone in clear.
- Each lockout is written once to the audit log (who or which address, how many failures,
  for how long); never a password, and a login string only masked.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from config.cache import count_in_window

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

DEFAULTS = {
    "ACCOUNT_FAILURES": 5,
    "ADDRESS_FAILURES": 20,
    "SITE_FAILURES": 80,
    "ACCOUNT_TOTAL_FAILURES": 50,
    "WINDOW_SECONDS": 15 * 60,
    "LOCK_SECONDS": 15 * 60,
}
ACCOUNT = "account"  # the account from one address (or, with no address, the account)
ADDRESS = "address"
SITE = "site"  # an IPv6 client's site (roster.networks.client_site)
ACCOUNT_EVERYWHERE = "account_all"  # the account from every address


@dataclass(frozen=True)
class Lockout:
    scope: str  # ACCOUNT, ADDRESS or ACCOUNT_EVERYWHERE
    seconds: int  # until it lifts

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.seconds / 60))


def limits() -> dict[str, int]:
    return {**DEFAULTS, **settings.LOGIN_THROTTLE}


def _key(kind: str, value: str) -> str:
    digest = salted_hmac("roster.throttle", value, algorithm="sha256").hexdigest()[:40]
    return f"login-throttle:{kind}:{digest}"


def _scopes(request: HttpRequest | None, account: str) -> list[tuple[str, str, int]]:
    """(scope, what is counted, its limit) for this sign-in."""
    from roster.networks import client_group, client_site
    from roster.services.audit import client_ip

    rules = limits()
    # An IPv6 client is counted per /64 (roster/networks.py): per address, one machine
    # would get a fresh count with each of its 2^64 addresses; and its site (the /56) too.
    ip = client_ip(request)
    address = client_group(ip)
    if not address:
        return [(ACCOUNT, account, rules["ACCOUNT_FAILURES"])]
    scopes = [
        (ACCOUNT, f"{account}|{address}", rules["ACCOUNT_FAILURES"]),
        (ADDRESS, address, rules["ADDRESS_FAILURES"]),
    ]
    site = client_site(ip)
    if site and rules["SITE_FAILURES"]:
        scopes.append((SITE, site, rules["SITE_FAILURES"]))
    scopes.append((ACCOUNT_EVERYWHERE, account, rules["ACCOUNT_TOTAL_FAILURES"]))
    return scopes


def lockout(request: HttpRequest | None, account: str) -> Lockout | None:
    """The lockout in force for this account or the request's address, if any."""
    now = time.time()
    for scope, value, _limit in _scopes(request, account):
        until = cache.get(_key(f"lock-{scope}", value))
        if until is not None and until > now:
            return Lockout(scope, math.ceil(until - now))
    return None


def register_failure(
    request: HttpRequest | None,
    account: str,
    *,
    target: models.Model | None = None,
    login_hint: str = "",
) -> Lockout | None:
    """Count one failed sign-in; lock the account or the address when it reaches its limit."""
    from roster.services.audit import audit_record, audit_text

    audit_record(
        actor=None,
        action="login.failed",
        target=target,
        request=request,
        **({"login": login_hint} if login_hint else {}),
    )
    rules = limits()
    window, lock_seconds = rules["WINDOW_SECONDS"], rules["LOCK_SECONDS"]
    for scope, value, limit in _scopes(request, account):
        count_key = _key(f"fail-{scope}", value)
        failures = count_in_window(count_key, window)
        if failures < limit:
            continue
        # cache.add: of two servers reaching the limit at once, one writes the audit row.
        if cache.add(_key(f"lock-{scope}", value), time.time() + lock_seconds, lock_seconds):
            cache.delete(count_key)  # after the lock, a fresh count
            audit_record(
                actor=None,
                action="login.locked",
                target=None if scope in (ADDRESS, SITE) else target,
                summary=audit_text(_SUMMARIES[scope], n=failures),
                request=request,
                scope=scope,
                failures=failures,
                lock_seconds=lock_seconds,
                **({"login": login_hint} if scope not in (ADDRESS, SITE) and login_hint else {}),
            )
    return lockout(request, account)


_SUMMARIES = {
    ACCOUNT: _("%(n)s failed sign-ins for this account"),
    ADDRESS: _("%(n)s failed sign-ins from this address"),
    SITE: _("%(n)s failed sign-ins from this IPv6 network"),
    ACCOUNT_EVERYWHERE: _("%(n)s failed sign-ins for this account from many addresses"),
}


def register_success(request: HttpRequest | None, account: str) -> None:
    """A right password clears the account's counts (here and everywhere), not the address's."""
    for scope, value, _limit in _scopes(request, account):
        if scope not in (ADDRESS, SITE):
            cache.delete(_key(f"fail-{scope}", value))
