from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

from roster.models import AuditLog

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
