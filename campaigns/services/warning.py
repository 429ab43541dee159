"""Warning education (警示教育): assigning cases, reading them on the shared reading clock,
and recording meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import WarningAssignee, WarningAssignment, WarningMeeting, WarningRule
from campaigns.selectors import may_record_for, warning_assignable_enterprises
from courses.models import CreditEntry, WarningCasePage
from courses.services import study
from roster.models import Employment, Enterprise, Person, User
from roster.services import audit_record

from . import CampaignError


def warning_rule() -> WarningRule:
    """The one rule row (seeded by migration 0002; rebuilt with the defaults if deleted)."""
    rule = WarningRule.objects.filter(pk=1).first()
    if rule is None:
        rule, _created = WarningRule.objects.get_or_create(
            pk=1,
            defaults={"reading_minutes": 10, "credits_hours": True, "training_kind": "retraining"},
        )
    return rule


def warning_assignment_create(
    *,
    actor: User,
    case: WarningCasePage,
    enterprises: Sequence[Enterprise],
    due_on: dt.date,
    personnel_category: str = "",
    post: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> WarningAssignment:
    """Assign a live case to the current people of the given enterprises (optionally one
    category or post). Every enterprise must be one the actor regulates or administers."""
    today = today or timezone.localdate()
    if case is None or not case.live:
        raise CampaignError(_("Choose a published warning case."), "case")
    if not enterprises:
        raise CampaignError(_("Choose at least one enterprise."), "enterprises")
    allowed = set(
        warning_assignable_enterprises(user=actor)
        .filter(pk__in=[e.pk for e in enterprises])
        .values_list("pk", flat=True)
    )
    outside = [e.name for e in enterprises if e.pk not in allowed]
    if outside:
        raise CampaignError(
            _("Not in your scope: %(names)s.") % {"names": "、".join(outside)}, "enterprises"
        )
    if due_on is None or due_on < today:
        raise CampaignError(_("The deadline cannot be in the past."), "due_on")
    post = post.strip()
    jobs = Employment.objects.current().filter(enterprise__in=[e.pk for e in enterprises])
    if personnel_category:
        jobs = jobs.filter(category=personnel_category)
    if post:
        jobs = jobs.filter(post=post)
    people = list(jobs.values_list("person_id", "enterprise_id"))
    if not people:
        raise CampaignError(_("Nobody on these rosters matches the category and post chosen."))
    with transaction.atomic():
        assignment = WarningAssignment(
            case=case,
            personnel_category=personnel_category,
            post=post,
            due_on=due_on,
            note=note.strip(),
            created_by=actor,
        )
        assignment.full_clean(exclude=["created_by"])
        assignment.save()
        assignment.enterprises.set(enterprises)
        seen = set()
        rows = []
        for person_id, enterprise_id in people:
            if person_id not in seen:
                seen.add(person_id)
                rows.append(
                    WarningAssignee(
                        assignment=assignment, person_id=person_id, enterprise_id=enterprise_id
                    )
                )
        WarningAssignee.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            action="warning.assign",
            target=assignment,
            summary=f"{case.title} → {len(rows)}",
            people=len(rows),
        )
    return assignment


def warning_reading_tick(
    *,
    person: Person,
    reading: WarningAssignee,
    client_id: str,
    seq: int,
    opening: bool = False,
    now: dt.datetime | None = None,
) -> study.HeartbeatResult:
    """One tick of the reading clock on an assigned case (courses.services.study's clock:
    the same integrity rules as lessons). The case counts as read to the end once the rule's
    reading time (90 % of it, as for lessons) is credited; the minutes go to the hours ledger
    when the rule credits warning education."""
    now = now or timezone.now()
    if reading.person_id != person.pk:
        raise CampaignError(_("This reading is not yours."))
    rule = warning_rule()
    total_ms = rule.reading_minutes * 60_000
    with transaction.atomic():
        row = WarningAssignee.objects.select_for_update().get(pk=reading.pk)

        def opened() -> None:
            if row.opened_at is None:
                row.opened_at = now
                row.save(update_fields=["opened_at"])

        def remaining() -> dt.timedelta:
            return dt.timedelta(milliseconds=max(0, total_ms - row.credited_ms))

        def add(ms: int, extra: dict) -> int:
            ms = max(0, min(ms, total_ms - row.credited_ms))
            if not ms:
                return 0
            before = row.credited_ms
            row.credited_ms += ms
            if row.read_at is None and row.credited_ms >= total_ms * study.COMPLETE_SHARE:
                row.read_at = now
            row.save(update_fields=["credited_ms", "read_at"])
            if rule.credits_hours:
                study.credit_minutes_add(
                    person=person,
                    on=timezone.localdate(now),
                    source=CreditEntry.Source.WARNING_EDUCATION,
                    training_kind=rule.training_kind,
                    minutes=row.credited_ms // 60_000 - before // 60_000,
                )
            return ms

        clock = study.reading_clock(
            person=person,
            page_id=row.assignment.case_id,
            client_id=client_id,
            seq=seq,
            opening=opening,
            now=now,
            opened=opened,
            remaining=remaining,
            add=add,
        )
    return study.HeartbeatResult(
        result=clock.result,
        message=study.result_message(clock.result),
        credited_ms=clock.ms,
        lesson_credited_seconds=row.credited_ms // 1000,
        lesson_credit_seconds=total_ms // 1000,
        completed=row.read_at is not None,
        challenge_id=clock.state.challenge_id,
        challenge_due=clock.state.challenge_due,
    )


def warning_meeting_record(
    *,
    actor: User,
    enterprise: Enterprise,
    held_on: dt.date,
    topic: str,
    cases: Sequence[WarningCasePage],
    attendees: Sequence[Person],
    today: dt.date | None = None,
) -> WarningMeeting:
    """A 警示教育会 held by the enterprise, recorded by its admin; the attendees are picked
    from its current roster."""
    today = today or timezone.localdate()
    if not may_record_for(user=actor, enterprise=enterprise):
        raise CampaignError(_("Only the admin of this enterprise can record its meetings."))
    if held_on is None or held_on > today:
        raise CampaignError(_("A meeting is recorded once it has been held."), "held_on")
    if not topic.strip():
        raise CampaignError(_("Enter the topic."), "topic")
    if not attendees:
        raise CampaignError(_("Pick at least one attendee from the roster."), "attendees")
    employed = set(
        Employment.objects.current()
        .filter(enterprise=enterprise, person__in=[p.pk for p in attendees])
        .values_list("person_id", flat=True)
    )
    strangers = [p.name for p in attendees if p.pk not in employed]
    if strangers:
        raise CampaignError(
            _("Not on this enterprise's roster: %(numbers)s.") % {"numbers": "、".join(strangers)},
            "attendees",
        )
    with transaction.atomic():
        meeting = WarningMeeting(
            enterprise=enterprise, held_on=held_on, topic=topic.strip(), created_by=actor
        )
        meeting.full_clean(exclude=["created_by"])
        meeting.save()
        meeting.cases.set(cases)
        meeting.attendees.set(attendees)
        audit_record(
            actor=actor,
            action="warning.meeting",
            target=meeting,
            summary=f"{enterprise.name} {held_on} {topic}"[:300],
        )
    return meeting
