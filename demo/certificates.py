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
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate, CertificateEvent, CertificateType, PracticalExam
from certificates.services.issuing import certificate_create
from certificates.services.lifecycle import (
    certificate_change_status,
    certificate_renew,
    certificate_replace,
    certificate_review,
)
from certificates.services.practical import practical_exam_record
from courses.models import TrainingKind
from demo.question_banks import CLOSED_SESSION, _sit
from demo.training_history import _session
from question_banks.models import ExamSession
from question_banks.services.attempts import session_result_for
from question_banks.services.sessions import session_add_candidates
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


def _practicals(stdout) -> None:
    """特种作业 needs theory AND practical: the closed demo session's passes get their
    practical exam (实际操作考试) a day later, which issues their certificates, except every
    fourth, left waiting for it (their "what, by when" says by when). Runs once: nobody of
    the session gets a second practical."""
    session = ExamSession.objects.filter(code=CLOSED_SESSION).first()
    if session is None or PracticalExam.objects.filter(theory_attempt__session=session).exists():
        return
    ctype = CertificateType.objects.get(code=session.certificate_type_code)
    people = session.candidates.select_related("person").order_by("person__id_number")
    issued = 0
    for n, candidate in enumerate(people):
        attempt = session_result_for(session=session, person=candidate.person)
        if attempt is None or not attempt.passed or n % 4 == 3:
            continue
        assert attempt.finished_at is not None  # a result is a finished attempt
        taken = timezone.localtime(attempt.finished_at).date() + dt.timedelta(days=1)
        recorded = practical_exam_record(
            actor=None,
            person=candidate.person,
            ctype=ctype,
            taken_on=min(taken, timezone.localdate()),
            examiner=DATA["practical_examiner"],
            score=Decimal(85 + n % 10),
        )
        issued += recorded.certificate is not None
    stdout.write(f"Practical exams: {issued} certificates issued on theory and practical.")


def _review_exam(person, ctype: CertificateType, when: dt.datetime) -> None:
    """The review exam (复审考试) a review needs, sat and passed on the web's own path: a past
    session of the card's type with the demo's paper rule."""
    closed = ExamSession.objects.get(code=CLOSED_SESSION)
    session, _created = ExamSession.objects.get_or_create(
        code=f"FS-{ctype.code}-{when:%Y%m}",
        defaults={
            "name": f"{when:%Y年%m月}{ctype.operation_item or ctype.name}复审考试",
            "rule": closed.rule,
            "is_published": True,
            "opens_at": when - dt.timedelta(hours=1),
            "closes_at": when + dt.timedelta(hours=4),
            "certificate_type_code": ctype.code,
            "training_body": closed.training_body,
            "region": closed.region,
        },
    )
    session_add_candidates(session=session, actor=None, people=[person])
    _sit(session, person, when, random.Random(person.pk), 1.0)


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
    with transaction.atomic():
        _practicals(stdout)
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
                _review_exam(
                    person,
                    ctype,
                    timezone.make_aware(dt.datetime.combine(due - 40 * day, dt.time(9))),
                )
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
