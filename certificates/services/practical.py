"""实际操作考试 (practical exams): recorded per person by whoever holds the exam in scope,
and only on a theory pass still usable (CertificateRule.theory_valid_months).

A 特种作业操作证 needs both exams passed: when the theory pass came first, the passed
practical recorded here issues the certificate (issuing.certificate_issue_for_attempt, keyed
on the theory attempt, so it is issued once whichever comes last)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateType, PracticalExam
from roster.choices import Role
from roster.models import Person
from roster.selectors import can_edit_person, person_list, user_has_role
from roster.services.audit import audit_record

from .errors import CertificateError
from .issuing import certificate_issue_for_attempt, item_in_force
from .windows import rule_for, theory_pass, theory_usable_until

if TYPE_CHECKING:
    from question_banks.models import Attempt
    from roster.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PracticalRecorded:
    """A recorded practical exam and what it did: the certificate it completed, or why none
    was issued (the person already holds the item, a bar, another attempt counts)."""

    exam: PracticalExam
    certificate: Certificate | None = None
    problem: str = ""

    @property
    def passed(self) -> bool:
        return self.exam.passed


def may_record_practical(*, actor: User | None, person: Person) -> bool:
    """The system (no user), the system admin, a trainer (exam body) whose scope reaches the
    person, and the admin of the enterprise that employs the person now (a result from an
    exam held elsewhere). Never the person themself."""
    if actor is None or actor.is_superuser:
        return True
    if actor.person_id == person.pk:
        return False
    if can_edit_person(user=actor, person=person):
        return True
    return (
        user_has_role(actor, Role.TRAINER) and person_list(user=actor).filter(pk=person.pk).exists()
    )


def practical_exam_record(
    *,
    actor: User | None,
    person: Person,
    ctype: CertificateType,
    taken_on: dt.date,
    examiner: str,
    score: Decimal,
    on: dt.date | None = None,
) -> PracticalRecorded:
    """Record a practical exam; refused (nothing written) without a usable theory pass. A
    pass issues the certificate the theory pass was waiting for."""
    on = on or timezone.localdate()
    if not may_record_practical(actor=actor, person=person):
        raise CertificateError(
            _("Only the exam body or the person's enterprise admin records their exams."),
            "forbidden",
        )
    rule = rule_for(ctype.family)
    if rule is None or not rule.theory_valid_months:
        raise CertificateError(
            _("%(type)s has no practical exam.") % {"type": ctype.name}, "no_practical"
        )
    if taken_on > on:
        raise CertificateError(_("The exam date is in the future."), "future")
    if not Decimal(0) <= score <= Decimal(100):
        raise CertificateError(_("The score is between 0 and 100."), "score")
    attempt = theory_pass(person=person, ctype=ctype, on=taken_on)
    if attempt is None:
        raise CertificateError(
            _(
                "Rule “practical exam only after passing the theory”: %(name)s has no theory "
                "pass for %(type)s by %(date)s."
            )
            % {"name": person.name, "type": ctype.name, "date": taken_on.isoformat()},
            "no_theory",
        )
    until = theory_usable_until(attempt, rule)
    if taken_on > until:
        raise CertificateError(
            _(
                "Rule “a theory pass is usable %(months)s months for the practical exam”: the "
                "theory pass of %(passed)s was usable until %(until)s."
            )
            % {
                "months": rule.theory_valid_months,
                "passed": timezone.localtime(attempt.finished_at).date().isoformat(),
                "until": until.isoformat(),
            },
            "theory_expired",
        )
    with transaction.atomic():
        exam = PracticalExam(
            person=person,
            certificate_type=ctype,
            taken_on=taken_on,
            examiner=examiner.strip(),
            score=score,
            passed=score >= rule.practical_pass_mark,
            theory_attempt=attempt,
            recorded_by=actor,
        )
        exam.full_clean()
        exam.save()
        audit_record(
            actor=actor,
            action="certificate.practical_exam",
            target=person,
            summary=f"{person.name} {ctype.operation_item or ctype.name} {score}",
            passed=exam.passed,
        )
    if not exam.passed:
        return PracticalRecorded(exam)
    return _issue_on_practical(exam=exam, attempt=attempt, actor=actor, on=on)


def _issue_on_practical(
    *, exam: PracticalExam, attempt: Attempt, actor: User | None, on: dt.date
) -> PracticalRecorded:
    """The certificate a theory pass and this passed practical earn together. Nothing to
    issue when the person already holds the item (the practical again after time away)."""
    from question_banks.services.attempts import session_result_for

    if item_in_force(exam.person, exam.certificate_type, on) is not None:
        return PracticalRecorded(exam)
    # The session's counting attempt earns the certificate (the highest or the last, by its
    # score policy), which need not be the latest pass the practical rested on.
    counting = (
        session_result_for(session=attempt.session, person=exam.person)
        if attempt.session is not None
        else None
    )
    theory = counting if counting is not None and counting.passed else attempt
    try:
        certificate = certificate_issue_for_attempt(attempt_id=theory.pk, actor=actor)
    except CertificateError as exc:
        log.info("practical %s issues nothing: %s", exam.pk, exc.code)
        return PracticalRecorded(exam, problem=exc.message)
    return PracticalRecorded(exam, certificate=certificate)
