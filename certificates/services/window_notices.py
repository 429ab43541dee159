"""The daily notice of a missed window ("what, by when" whose date has passed): to the person
and the admins of their current enterprise, once per window.

A WindowNotice row keyed by the window (its key names the certificate or theory pass and the
due date) is the receipt, written in the same transaction as the notifications: a second run,
or a retried task, sends nothing again; a window that moves (a review done, a renewal) gets a
new key and a new notice if it is missed again."""

from __future__ import annotations

import datetime as dt
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateRule,
    CertificateStatus,
    WindowNotice,
)
from certificates.selectors import enterprise_admins
from roster.models import Employment, Person, User

from .notifications import notification_send
from .windows import _ASSESSED, Window, person_windows

log = logging.getLogger(__name__)


def _candidates(today: dt.date) -> list[int]:
    """People some window may concern: holders of live certificates under a rule, people
    with a recent theory pass, principals and safety managers of high-risk enterprises."""
    from question_banks.models import Attempt

    families = list(CertificateRule.objects.values_list("family", flat=True))
    ids = set(
        Certificate.objects.filter(
            status=CertificateStatus.VALID,
            valid_until__gte=today,
            certificate_type__family__in=families,
        ).values_list("person_id", flat=True)
    )
    ids |= set(
        Attempt.objects.filter(
            passed=True,
            kind=Attempt.Kind.OFFICIAL,
            finished_at__date__gte=today - relativedelta(years=2),
        )
        .exclude(session__certificate_type_code="")
        .values_list("person_id", flat=True)
    )
    ids |= set(
        Employment.objects.current()
        .filter(category__in=_ASSESSED, enterprise__industry__high_risk=True)
        .values_list("person_id", flat=True)
    )
    return sorted(ids)


def window_notices_send(today: dt.date | None = None) -> int:
    """Notify every window missed by `today` that has not been notified; returns how many."""
    today = today or timezone.localdate()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for person in Person.objects.filter(pk__in=_candidates(today)).order_by("pk"):
            for window in person_windows(person=person, on=today):
                if not window.missed(today):
                    continue
                if WindowNotice.objects.filter(key=window.key).exists():
                    continue
                if _notify(person, window):
                    sent += 1
    return sent


def _notify(person: Person, window: Window) -> bool:
    assert window.by is not None  # missed() is only true with a date
    try:
        with transaction.atomic():
            WindowNotice.objects.create(key=window.key, person=person, due_on=window.by)
            title = _("Missed: %(what)s (by %(date)s)") % {
                "what": window.what,
                "date": window.by.isoformat(),
            }
            body = _("%(name)s: “%(what)s” was due by %(date)s (rule: %(rule)s).") % {
                "name": person.name,
                "what": window.what,
                "date": window.by.isoformat(),
                "rule": window.rule,
            }
            for user, url in _recipients(person):
                notification_send(user=user, title=title, body=body, url=url)
    except IntegrityError:
        log.info("window notice %s already sent", window.key)
        return False
    return True


def _recipients(person: Person) -> list[tuple[User, str]]:
    recipients: dict[int, tuple[User, str]] = {}
    holder = User.objects.filter(person_id=person.pk, is_active=True).first()
    if holder is not None:
        recipients[holder.pk] = (holder, reverse("certificates:mine"))
    current = Employment.objects.current().filter(person_id=person.pk).first()
    if current is not None:
        page = reverse("certificates:person_windows", args=[person.pk])
        for admin in enterprise_admins(enterprise_id=current.enterprise_id):
            recipients.setdefault(admin.pk, (admin, page))
    return list(recipients.values())
