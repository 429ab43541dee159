"""三级安全教育 of staff who predate the product: earlier records imported from a file (the
shared import framework), or the education marked as done before go-live with a reason, for
one person or for everyone hired before a date. Each checks that the actor administers the
enterprise and that the people are on its roster now."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.imports import EducationRow, ParsedEducation
from courses.models import SafetyEducationBeforeGoLive, SafetyEducationRecord
from courses.selectors import may_manage
from documents.errors import RowError
from documents.imports.report import ImportReport
from documents.imports.runner import CREATED, UNCHANGED, RowRefused, run_import
from roster.models import Employment, Enterprise, Person, User
from roster.services import audit_record

from .records import RecordError, safety_education_record

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

REASON_MAX: int = SafetyEducationBeforeGoLive._meta.get_field("reason").max_length or 300


def _check_admin(actor: User | None, enterprise: Enterprise) -> None:
    if actor is None or not may_manage(user=actor, enterprise=enterprise):
        raise RecordError(_("Only the admin of this enterprise can change it."))


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise RecordError(_("Give the reason (e.g. 上线前已在纸质台账完成三级安全教育)."))
    if len(reason) > REASON_MAX:
        raise RecordError(_("At most %(n)s characters.") % {"n": REASON_MAX})
    return reason


def _mark(
    *, person: Person, enterprise: Enterprise, reason: str, done_by: dt.date, actor: User | None
) -> bool:
    _mark, created = SafetyEducationBeforeGoLive.objects.get_or_create(
        person=person,
        enterprise=enterprise,
        defaults={"reason": reason, "done_by": done_by, "created_by": actor},
    )
    return created


def education_mark_done_before_go_live(
    *,
    person: Person,
    enterprise: Enterprise,
    reason: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> bool:
    """Mark one person's new-hire 三级 as done before go-live; False when already marked."""
    _check_admin(actor, enterprise)
    reason = _check_reason(reason)
    if not person.employments.filter(enterprise=enterprise, ended_on__isnull=True).exists():
        raise RecordError(_("%(name)s is not on this enterprise's roster.") % {"name": person.name})
    with transaction.atomic():
        created = _mark(
            person=person,
            enterprise=enterprise,
            reason=reason,
            done_by=timezone.localdate(),
            actor=actor,
        )
        if created:
            audit_record(
                actor=actor,
                action="courses.safety_education",
                target=person,
                summary=_("Done before go-live: %(reason)s") % {"reason": reason},
                request=request,
            )
    return created


def education_hired_before(
    *, enterprise: Enterprise, hired_before: dt.date
) -> QuerySet[Employment]:
    """Current employments of the enterprise hired before the date and not yet marked."""
    marked = SafetyEducationBeforeGoLive.objects.filter(enterprise=enterprise).values("person_id")
    return (
        Employment.objects.current()
        .filter(enterprise=enterprise, hire_date__lt=hired_before)
        .exclude(person_id__in=marked)
    )


def education_mark_hired_before(
    *,
    enterprise: Enterprise,
    hired_before: dt.date,
    reason: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> int:
    """Mark everyone on the roster hired before `hired_before` (not after today: go-live is
    past); people without a hire date are left for the admin to mark one by one."""
    _check_admin(actor, enterprise)
    reason = _check_reason(reason)
    today = timezone.localdate()
    if hired_before is None or hired_before > today:
        raise RecordError(_("The date must be today or earlier."))
    with transaction.atomic():
        employments = list(education_hired_before(enterprise=enterprise, hired_before=hired_before))
        SafetyEducationBeforeGoLive.objects.bulk_create(
            [
                SafetyEducationBeforeGoLive(
                    person_id=e.person_id,
                    enterprise=enterprise,
                    reason=reason,
                    done_by=today,
                    created_by=actor,
                )
                for e in employments
            ],
            ignore_conflicts=True,
        )
        audit_record(
            actor=actor,
            action="courses.safety_education",
            target=enterprise,
            summary=_("Done before go-live for %(n)s people hired before %(date)s: %(reason)s")
            % {"n": len(employments), "date": hired_before.isoformat(), "reason": reason},
            request=request,
        )
    return len(employments)


def education_import(
    *,
    rows: ParsedEducation,
    enterprise: Enterprise,
    actor: User | None,
    only_valid: bool,
    dry_run: bool,
) -> ImportReport:
    """Record every good row (one level of one person) in one transaction; a record already
    there (same person, level and date) is left unchanged."""
    _check_admin(actor, enterprise)

    def write(row: EducationRow) -> str:
        exists = SafetyEducationRecord.objects.filter(
            person=row.person, enterprise=enterprise, level=row.level, held_on=row.held_on
        ).exists()
        if exists:
            return UNCHANGED
        try:
            safety_education_record(
                person=row.person,
                enterprise=enterprise,
                level=row.level,
                reason=row.reason,
                held_on=row.held_on,
                hours=row.hours,
                trainer=row.trainer,
                actor=actor,
            )
        except RecordError as exc:
            raise RowRefused(RowError(row.row, "", row.person.name, str(exc))) from exc
        return CREATED

    def audit(report: ImportReport) -> None:
        audit_record(
            actor=actor,
            action="courses.safety_education",
            target=enterprise,
            summary=rows.filename,
            created=report.created,
            unchanged=report.unchanged,
            bad_rows=report.bad_rows,
        )

    return run_import(
        rows=rows.rows,
        write_row=write,
        report=ImportReport(errors=list(rows.errors)),
        only_valid=only_valid,
        dry_run=dry_run,
        audit=audit,
    )
