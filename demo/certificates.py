"""Certificate demo data for `seed_demo`: certificates in every state across the demo county.

Runs after the exam demo, whose closed session issues its passes through the normal path
(a pass in a session with a certificate type issues on commit). Here: older certificates as
an admin would have imported them, then reviews, suspensions, revocations, a cancellation, a
renewal and a replacement, so every page and report has something true to show. Idempotent:
people who already hold a certificate of a type are left alone.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent, CertificateType
from certificates.services.issuing import certificate_create
from certificates.services.lifecycle import (
    certificate_change_status,
    certificate_renew,
    certificate_replace,
    certificate_review,
)
from courses.models import TrainingKind
from demo.training_history import _session
from roster.models import Employment

# The certificates and their fates live in demo/data/certificates.json.
DATA = json.loads(
    (Path(__file__).resolve().parent / "data" / "certificates.json").read_text("utf-8")
)
IMPORTED_BY: str = DATA["imported_by"]


def _next_person(post: str, ctype: CertificateType):
    """The first person on that post (by ID number) holding no certificate of the type."""
    row = (
        Employment.objects.current()
        .filter(post=post)
        .exclude(person__certificates__certificate_type=ctype)
        .select_related("person")
        .order_by("person__id_number")
        .first()
    )
    return row.person if row else None


def _review_training(person, held_on: dt.date) -> None:
    enterprise = Employment.objects.current().get(person=person).enterprise
    _session(
        enterprise,
        "特种作业复审培训",
        TrainingKind.REVIEW,
        held_on,
        DATA["review_training_hours"],
        [person],
    )


def _import(person, ctype: CertificateType, first_issued: dt.date) -> Certificate:
    return certificate_create(
        person=person,
        ctype=ctype,
        source=Certificate.Source.IMPORT,
        event=CertificateEvent.Kind.IMPORTED,
        on=first_issued,
        valid_from=first_issued,
        first_issued_on=first_issued,
        reason=IMPORTED_BY,
    )


REASONS: dict[str, str] = DATA["reasons"]
# The fates that are a change of status (the others are a review, a replacement, a renewal).
STATUS_FATES = ("suspended", "revoked", "cancelled")


def seed(*, stdout) -> None:
    if Certificate.objects.filter(source=Certificate.Source.IMPORT).exists():
        stdout.write("Certificates: nothing to change.")
        return
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    day = dt.timedelta(days=1)
    made: dict[str, int] = {}
    with transaction.atomic():
        for row in DATA["certificates"]:
            fate = row["fate"]
            first = today - row["issued_years_ago"] * year + row["plus_days"] * day
            ctype = CertificateType.objects.get(code=row["type"])
            person = _next_person(row["post"], ctype)
            if person is None:
                continue
            certificate = _import(person, ctype, first)
            made["imported"] = made.get("imported", 0) + 1
            if fate == "reviewed":
                # Applied for in the window (≥ 60 days before it is due); the review training
                # is a classroom session in the hours ledger, which the review reads.
                due = certificate.next_review_on
                _review_training(person, due - 45 * day)
                certificate_review(
                    certificate=certificate,
                    actor=None,
                    on=due - 30 * day,
                    applied_on=due - 90 * day,
                    reason=REASONS[fate],
                )
            elif fate in STATUS_FATES:
                certificate_change_status(
                    certificate=certificate, kind=fate, actor=None, reason=REASONS[fate]
                )
            elif fate == "replaced":
                certificate_replace(certificate=certificate, actor=None, reason=REASONS[fate])
            elif fate == "renewed":
                certificate_renew(certificate=certificate, actor=None, reason=REASONS[fate])
            if fate != "valid":
                made[fate] = made.get(fate, 0) + 1
    issued = Certificate.objects.filter(source=Certificate.Source.EXAM).count()
    summary = ", ".join(f"{n} {what}" for what, n in made.items())
    stdout.write(f"Certificates: {summary}; {issued} issued on passing the demo exams.")
