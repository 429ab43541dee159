"""Expiry and review reminders at 90, 30 and 7 days, each sent once.

A Reminder row is the receipt: unique per (certificate, kind, threshold, due date), written in
the same transaction as the notifications. So a second run the same day sends nothing, a
missed day is caught up the next day (the threshold is "reached", not "hit exactly"), and a
review that moves the due date starts a new series for the new date.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.models import Certificate, Reminder
from certificates.selectors import enterprise_admins
from roster.models import Employment, User

from .notifications import notification_send

log = logging.getLogger(__name__)

THRESHOLDS = (90, 30, 7)  # days before the due date, largest first


def threshold_reached(days_left: int) -> int | None:
    """The smallest threshold reached: 20 days left -> 30 (the 90-day one is not sent late)."""
    reached = [t for t in THRESHOLDS if days_left <= t]
    return min(reached) if reached else None


def _due_dates(certificate: Certificate) -> list[tuple[str, dt.date]]:
    dates: list[tuple[str, dt.date]] = [(Reminder.Kind.EXPIRY, certificate.valid_until)]
    if certificate.next_review_on:
        dates.append((Reminder.Kind.REVIEW, certificate.next_review_on))
    return dates


def reminders_send(today: dt.date | None = None) -> int:
    """Send what is due today; returns the number of reminders (not messages) sent."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(days=max(THRESHOLDS))
    candidates = (
        Certificate.objects.in_force(today)
        .filter(Q(valid_until__lte=horizon) | Q(next_review_on__lte=horizon))
        .select_related("person", "certificate_type")
        .order_by("pk")
    )
    sent_before = set(
        Reminder.objects.filter(due_on__gte=today, certificate__in=candidates).values_list(
            "certificate_id", "kind", "days_before", "due_on"
        )
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for certificate in candidates.iterator(chunk_size=500):
            for kind, due_on in _due_dates(certificate):
                threshold = threshold_reached((due_on - today).days)
                if threshold is None:
                    continue
                if (certificate.pk, kind, threshold, due_on) in sent_before:
                    continue
                if _remind(certificate, kind, threshold, due_on, today):
                    sent += 1
    return sent


def _remind(
    certificate: Certificate, kind: str, threshold: int, due_on: dt.date, today: dt.date
) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                certificate=certificate, kind=kind, days_before=threshold, due_on=due_on
            )
            title, body = _message(certificate, kind, due_on, today)
            for user, url in _recipients(certificate):
                notification_send(user=user, title=title, body=body, url=url)
    except IntegrityError:
        # Another run (a retried task, a second worker) sent this one a moment ago.
        log.info("reminder %s %s %s already sent", certificate.pk, kind, threshold)
        return False
    return True


def _recipients(certificate: Certificate) -> list[tuple[User, str]]:
    """The holder (to their own page) and the admins of their current enterprise (to the
    certificate's page); each user once."""
    recipients: dict[int, tuple[User, str]] = {}
    holder = User.objects.filter(person_id=certificate.person_id, is_active=True).first()
    if holder is not None:
        recipients[holder.pk] = (holder, reverse("certificates:mine"))
    current = Employment.objects.current().filter(person_id=certificate.person_id).first()
    if current is not None:
        detail = reverse("certificates:detail", args=[certificate.pk])
        for admin in enterprise_admins(enterprise_id=current.enterprise_id):
            recipients.setdefault(admin.pk, (admin, detail))
    return list(recipients.values())


def _message(
    certificate: Certificate, kind: str, due_on: dt.date, today: dt.date
) -> tuple[str, str]:
    values = {
        "name": certificate.person.name,
        "type": certificate.certificate_type.name,
        "date": due_on.isoformat(),
        "days": (due_on - today).days,
    }
    if kind == Reminder.Kind.REVIEW:
        title = _("Review due on %(date)s: %(name)s, %(type)s") % values
        body = (
            _(
                "The certificate %(type)s of %(name)s must be reviewed by %(date)s "
                "(%(days)s days from today). Arrange the review training and exam in time: a "
                "missed review voids the certificate."
            )
            % values
        )
    else:
        title = _("Expires on %(date)s: %(name)s, %(type)s") % values
        body = (
            _(
                "The certificate %(type)s of %(name)s expires on %(date)s "
                "(%(days)s days from today). Apply for renewal in time."
            )
            % values
        )
    return title, body
