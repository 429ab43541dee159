from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import translation

from roster.models import AuditLog

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind settings.TRUSTED_PROXY_COUNT reverse
    proxies the address the outermost trusted proxy put into X-Forwarded-For (entries
    further left are whatever the client sent, and are never trusted)."""
    if request is None:
        return None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= hops:
            try:
                return str(ipaddress.ip_address(forwarded[-hops]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR") or None


def audit_text(text: object, /, **params: object) -> str:
    """A summary in the site's language (Simplified Chinese by default), whatever language
    the acting user's page is in: the log reads the same for everyone who reads it later.
    ``text`` and the ``params`` put into it may be lazy translations."""
    with translation.override(settings.LANGUAGE_CODE):
        text = str(text)
        return text % {k: str(v) for k, v in params.items()} if params else text


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    request: HttpRequest | None = None,
    **data: Any,
) -> AuditLog:
    """Write one audit row. Call it inside the transaction of the change it records."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditLog.objects.create(
        actor=actor,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        data=data,
        ip=client_ip(request),
    )
