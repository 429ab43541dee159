"""In-app notifications, mirrored by e-mail to users who have an address."""

from __future__ import annotations

import logging
import smtplib
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from certificates.models import Notification
from roster.models import User

log = logging.getLogger(__name__)


def notification_send(*, user: User, title: str, body: str = "", url: str = "") -> Notification:
    """Store the notification now; send the e-mail once the transaction commits, so a
    rolled-back reminder never leaves a message behind in someone's inbox."""
    notification = Notification(user=user, title=title[:200], body=body, url=url[:300])
    notification.full_clean()
    notification.save()
    if user.email:
        transaction.on_commit(lambda: _email(user.email, title, body, url))
    return notification


def _email(address: str, title: str, body: str, url: str) -> None:
    text = body
    if url:
        text = f"{body}\n\n{urljoin(settings.WAGTAILADMIN_BASE_URL, url)}"
    try:
        send_mail(title, text, None, [address])
    except (smtplib.SMTPException, OSError):
        # One bad address or a mail server hiccup must not stop the other reminders: the
        # notification is in the app either way.
        log.warning("could not e-mail %s", address, exc_info=True)


def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of the user as read; returns how many."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
