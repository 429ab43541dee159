"""Where a form may send the user back to: only this site's own addresses."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """The form's `next` if it points into this site (same host, http(s) as the request),
    else `fallback` (a URL or a URL name). A `next` naming another host, `javascript:` or
    `//evil.example` would turn a button of ours into a way off the site."""
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(fallback)
