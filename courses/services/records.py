"""三级安全教育 and 三违 records an enterprise admin keeps. One transaction and audit row each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import (
    CreditEntry,
    SafetyEducationRecord,
    StudySettings,
    TrainingKind,
    ViolationRetraining,
)
from courses.selectors import may_manage
from courses.services.compliance import violation_open
from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.services.internal_exams import (
    return_exam_enrol,
    return_exam_open,
)
from roster.models import Enterprise, Person, User
from roster.services import audit_record


class RecordError(ValueError):
    """A record cannot be written as asked; the message says why, for the user."""


def may_record(actor: User | None, enterprise: Enterprise) -> bool:
    """Whether the actor writes this enterprise's training records: an admin of it, or the
    system itself (None: seed_demo, commands, tasks). Asked by every write of this app, so
    a page, a command or an API added later refuses the same actors."""
    return actor is None or may_manage(user=actor, enterprise=enterprise)


def require_record(actor: User | None, enterprise: Enterprise) -> None:
    if not may_record(actor, enterprise):
        raise RecordError(_("Only the admin of this enterprise can change it."))


def classroom_minutes(hours: Decimal) -> int:
    """A classroom-type credit in ledger minutes (see courses.services.compliance)."""
    return int((Decimal(hours) * StudySettings.load().classroom_minutes_per_hour).to_integral())


def _employed_at(person: Person, enterprise: Enterprise) -> bool:
    return person.employments.filter(enterprise=enterprise, ended_on__isnull=True).exists()


def safety_education_record(
    *,
    person: Person,
    enterprise: Enterprise,
    level: str,
    reason: str,
    held_on: dt.date,
    hours: Decimal,
    trainer: str = "",
    actor: User | None,
) -> SafetyEducationRecord:
    """Record one level of 三级安全教育; its hours count as pre-job training (岗前培训)."""
    require_record(actor, enterprise)
    if not _employed_at(person, enterprise):
        raise RecordError(_("%(name)s is not on this enterprise's roster.") % {"name": person.name})
    if hours is None or hours <= 0:
        raise RecordError(_("Enter the hours (学时) of the session."))
    with transaction.atomic():
        record = SafetyEducationRecord(
            person=person,
            enterprise=enterprise,
            level=level,
            reason=reason,
            held_on=held_on,
            hours=hours,
            trainer=trainer,
            created_by=actor,
        )
        try:
            record.full_clean(exclude=["created_by"])
        except ValidationError as exc:
            raise RecordError(" ".join(exc.messages)) from exc
        record.save()
        CreditEntry.objects.create(
            person=person,
            on=held_on,
            source=CreditEntry.Source.SAFETY_EDUCATION,
            training_kind=TrainingKind.PRE_JOB,
            minutes=classroom_minutes(hours),
        )
        audit_record(
            actor=actor,
            action="courses.safety_education",
            target=person,
            summary=f"{level} {held_on}",
        )
    return record


def violation_record(
    *,
    person: Person,
    enterprise: Enterprise,
    violation: str,
    off_job_from: dt.date,
    exam_session: ExamSession | None,
    actor: User | None,
    severity: str = ViolationRetraining.Severity.ORDINARY,
) -> ViolationRetraining:
    """Take a person off the job for 三违 retraining until they pass `exam_session`.

    Without an exam named, the enterprise's standing return exam is linked
    (question_banks.services.internal_exams.return_exam_open); an exam of the enterprise's
    own puts the person on its list at once, so they find it on their exam list. Another
    owner's exam is accepted only when the person is already on its list (a training
    body's exam they were sent to). With no exam at all the record still stands: the
    person is off the job, and the return exam published later enrols them
    (violations_enrol_waiting)."""
    require_record(actor, enterprise)
    if not _employed_at(person, enterprise):
        raise RecordError(_("%(name)s is not on this enterprise's roster.") % {"name": person.name})
    if violation_open(person) is not None:
        raise RecordError(
            _("%(name)s already has an open violation retraining.") % {"name": person.name}
        )
    if exam_session is None:
        exam_session = return_exam_open(enterprise=enterprise, person=person)
    elif exam_session.enterprise_id != enterprise.pk and not (
        exam_session.candidates.filter(person=person).exists()
    ):
        raise RecordError(
            _("Choose one of your enterprise's exams, or one %(name)s is on the list of.")
            % {"name": person.name}
        )
    with transaction.atomic():
        if exam_session is not None and exam_session.enterprise_id == enterprise.pk:
            return_exam_enrol(session=exam_session, person=person, actor=actor)
        record = ViolationRetraining(
            person=person,
            enterprise=enterprise,
            violation=violation.strip(),
            severity=severity,
            off_job_from=off_job_from,
            exam_session=exam_session,
            created_by=actor,
        )
        try:
            record.full_clean(exclude=["created_by"])
        except ValidationError as exc:
            raise RecordError(" ".join(exc.messages)) from exc
        record.save()
        audit_record(
            actor=actor, action="courses.violation", target=person, summary=violation[:200]
        )
    return record


def violation_passed(violation: ViolationRetraining) -> bool:
    if violation.exam_session_id is None:
        return False
    # A pass from before the violation (a standing exam passed after an earlier one) does
    # not count, nor one from before the violation put the person back on its list (the
    # same day as the earlier violation's pass: Candidate.counts_from).
    passes = Attempt.objects.filter(
        person_id=violation.person_id,
        session_id=violation.exam_session_id,
        passed=True,
        finished_at__isnull=False,
        finished_at__date__gte=violation.off_job_from,
    )
    counts_from = (
        Candidate.objects.filter(
            session_id=violation.exam_session_id, person_id=violation.person_id
        )
        .values_list("counts_from", flat=True)
        .first()
    )
    if counts_from is not None:
        passes = passes.filter(finished_at__gte=counts_from)
    return passes.exists()


def violations_enrol_waiting(*, session: ExamSession, actor: User | None) -> int:
    """A newly published return exam: the enterprise's people off the job for 三违 with no
    exam yet are linked to it and put on its list."""
    enterprise = session.enterprise
    if enterprise is None:  # a return exam is always an enterprise's own
        return 0
    with transaction.atomic():
        waiting = list(
            ViolationRetraining.objects.select_for_update(of=("self",))
            .filter(enterprise=enterprise, returned_on__isnull=True)
            .filter(exam_session__isnull=True)
            .select_related("person")
        )
        for violation in waiting:
            if not _employed_at(violation.person, enterprise):
                continue
            return_exam_enrol(session=session, person=violation.person, actor=actor)
            violation.exam_session = session
            violation.save(update_fields=["exam_session"])
    return len(waiting)


def violation_return(
    *, violation: ViolationRetraining, actor: User | None, on: dt.date
) -> ViolationRetraining:
    """Back on the job: only once the linked exam has been passed (三违: exam before return)."""
    require_record(actor, violation.enterprise)
    with transaction.atomic():
        violation = ViolationRetraining.objects.select_for_update().get(pk=violation.pk)
        if violation.returned_on is not None:
            raise RecordError(_("This person is already back on the job."))
        if violation.exam_session_id is None:
            raise RecordError(
                _("Link the exam this person must pass before they can go back to work.")
            )
        if not violation_passed(violation):
            raise RecordError(
                _("%(name)s has not passed the exam “%(exam)s” yet, so cannot go back to work.")
                % {
                    "name": violation.person.name,
                    "exam": getattr(violation.exam_session, "name", ""),
                }
            )
        if on < violation.off_job_from:
            raise RecordError(_("The return date is before the person went off the job."))
        violation.returned_on = on
        violation.save(update_fields=["returned_on"])
        audit_record(
            actor=actor,
            action="courses.violation_return",
            target=violation.person,
            summary=str(on),
        )
    return violation
