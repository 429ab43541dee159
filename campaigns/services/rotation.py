"""Rotation training across enterprises (集中轮训): a regulator defines the campaign, its
members come from the rosters (and are brought up to date), sessions are scheduled for
groups of members, and attendance and the closing exam are recorded per member."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import CampaignMember, CampaignSession, RotationCampaign, SessionAttendance
from campaigns.selectors import campaign_people_now, may_define_campaign, may_manage_campaign
from config.lookups import InSet
from courses.models import CoursePage, LessonPage, LessonProgress
from roster.choices import PersonnelCategory
from roster.models import Employment, Industry, Person, Region, User
from roster.selectors import directory_scope
from roster.services import audit_record

from . import CampaignError


def _refuse_unless_manager(actor: User, campaign: RotationCampaign) -> None:
    if not may_manage_campaign(user=actor, campaign=campaign):
        raise CampaignError(_("Only the regulators running this campaign may change it."))


def rotation_campaign_create(
    *,
    actor: User,
    title: str,
    region: Region,
    industries: Sequence[Industry],
    categories: Sequence[str],
    target_rate: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    pass_mark: int = 80,
    today: dt.date | None = None,
) -> RotationCampaign:
    """Define a campaign over a region subtree and industries the actor regulates; its
    members are resolved from the rosters at once."""
    today = today or timezone.localdate()
    if not may_define_campaign(actor):
        raise CampaignError(_("Only a regulator may define a rotation training campaign."))
    if not title.strip():
        raise CampaignError(_("Enter the title."), "title")
    scope = directory_scope(actor)
    if region is None or not scope.covers_region(region.path):
        raise CampaignError(_("That region is not in your scope."), "region")
    if industries:
        outside = [i.name for i in industries if not scope.covers(region.path, i.pk)]
        if outside:
            raise CampaignError(
                _("Not in your scope: %(names)s.") % {"names": "、".join(outside)}, "industries"
            )
    elif not scope.covers(region.path, None) and not scope.everything:
        raise CampaignError(_("Your scope covers some industries only: choose them."), "industries")
    known = set(PersonnelCategory.values)
    categories = [c for c in categories if c in known]
    if not categories:
        raise CampaignError(_("Choose at least one personnel category."), "categories")
    if target_rate is None or not Decimal(0) < target_rate <= Decimal(1):
        raise CampaignError(_("The target is a share from 1 to 100 per cent."), "target_rate")
    if starts_on is None or ends_on is None:
        raise CampaignError(_("Enter the period."), "ends_on")
    if ends_on < starts_on:
        raise CampaignError(_("The period cannot end before it starts."), "ends_on")
    if ends_on < today:
        raise CampaignError(_("The period cannot end in the past."), "ends_on")
    if not 0 < pass_mark <= 100:
        raise CampaignError(_("The pass mark is between 1 and 100."), "pass_mark")
    with transaction.atomic():
        campaign = RotationCampaign(
            title=title.strip(),
            region=region,
            categories=categories,
            target_rate=target_rate,
            starts_on=starts_on,
            ends_on=ends_on,
            pass_mark=pass_mark,
            created_by=actor,
        )
        try:
            campaign.full_clean(exclude=["created_by"])
        except ValidationError as exc:
            raise CampaignError(" ".join(exc.messages)) from exc
        campaign.save()
        campaign.industries.set(industries)
        audit_record(actor=actor, action="rotation.create", target=campaign, summary=title[:300])
        _sync(campaign, today)
    return campaign


def _sync(
    campaign: RotationCampaign, today: dt.date, person_ids: Collection[int] | None = None
) -> tuple[int, int]:
    """Bring the members in step with the rosters (of `person_ids` only, when given):
    newcomers join, people no longer in scope are marked (never deleted), people back in
    scope count again."""
    jobs = campaign_people_now(campaign)
    members_qs = campaign.members.all()
    if person_ids is not None:
        ids = list(person_ids)
        jobs = jobs.filter(InSet(F("person_id"), ids))
        members_qs = members_qs.filter(InSet(F("person_id"), ids))
    now_jobs = {job.person_id: job for job in jobs}
    members = {m.person_id: m for m in members_qs.select_for_update()}
    added = [
        CampaignMember(
            campaign=campaign,
            person_id=person_id,
            enterprise_id=job.enterprise_id,
            category=job.category,
            added_on=today,
        )
        for person_id, job in now_jobs.items()
        if person_id not in members
    ]
    # A second sync of the same people at the same moment (the button and the signal) finds
    # the row there: the unique (campaign, person) constraint keeps one.
    CampaignMember.objects.bulk_create(added, ignore_conflicts=True)
    left = 0
    for person_id, member in members.items():
        job = now_jobs.get(person_id)
        if job is None and member.left_on is None:
            member.left_on = today
            member.save(update_fields=["left_on"])
            left += 1
        elif job is not None and (
            member.left_on is not None
            or member.enterprise_id != job.enterprise_id
            or member.category != job.category
        ):
            member.left_on = None
            member.enterprise_id = job.enterprise_id
            member.category = job.category
            member.save(update_fields=["left_on", "enterprise", "category"])
    return len(added), left


def open_campaigns(today: dt.date) -> QuerySet[RotationCampaign]:
    """Campaigns whose members still follow the rosters: not yet over."""
    return RotationCampaign.objects.filter(ends_on__gte=today).select_related("region")


def rotation_members_follow(
    *, person_ids: Collection[int] | None = None, today: dt.date | None = None
) -> tuple[int, int]:
    """Every open campaign's members in step with the rosters for these people (all its
    people: None), as notices' and warning assignments' readers are: sent after
    roster.events.jobs_changed (campaigns.signals) and nightly (campaigns.tasks). People who
    join its region, industries and categories are added, leavers are marked, history kept.
    Returns (added, left) over all campaigns; safe to run twice."""
    today = today or timezone.localdate()
    campaigns: list[RotationCampaign] = list(open_campaigns(today))
    if campaigns and person_ids is not None:
        # (None open, the usual case after a roster import: nothing to look up for the
        # thousands of people it names.) The ids as one parameter: config.lookups.
        ids = list(person_ids)
        paths = set(
            Employment.objects.current()
            .filter(InSet(F("person_id"), ids))
            .values_list("enterprise__region__path", flat=True)
        )
        had = set(
            CampaignMember.objects.filter(InSet(F("person_id"), ids)).values_list(
                "campaign_id", flat=True
            )
        )
        campaigns = [
            c
            for c in campaigns
            if c.pk in had or any(path.startswith(c.region.path) for path in paths)
        ]
    added = left = 0
    for campaign in campaigns:
        with transaction.atomic():
            a, b = _sync(campaign, today, person_ids)
        added += a
        left += b
    return added, left


def campaign_members_sync(
    *, actor: User, campaign: RotationCampaign, today: dt.date | None = None
) -> tuple[int, int]:
    """Update the members from the rosters now (the "按花名册更新人员" button: a manual
    resync; roster changes already reach them through rotation_members_follow); returns
    (joined, no longer in scope)."""
    _refuse_unless_manager(actor, campaign)
    with transaction.atomic():
        added, left = _sync(campaign, today or timezone.localdate())
        audit_record(
            actor=actor,
            action="rotation.sync",
            target=campaign,
            summary=f"+{added} -{left}",
        )
    return added, left


def campaign_session_create(
    *,
    actor: User,
    campaign: RotationCampaign,
    kind: str,
    title: str,
    held_on: dt.date,
    place: str = "",
    capacity: int | None = None,
    course: CoursePage | None = None,
) -> CampaignSession:
    """A classroom session (date, place, capacity) or an online course, within the period."""
    _refuse_unless_manager(actor, campaign)
    if not title.strip():
        raise CampaignError(_("Enter the title."), "title")
    if held_on is None or not campaign.starts_on <= held_on <= campaign.ends_on:
        raise CampaignError(_("The date must lie within the campaign's period."), "held_on")
    if kind == CampaignSession.Kind.CLASSROOM:
        if not place.strip():
            raise CampaignError(_("Enter the place of a classroom session."), "place")
        if not capacity:
            raise CampaignError(_("Enter the capacity of a classroom session."), "capacity")
        course = None
    elif kind == CampaignSession.Kind.ONLINE:
        if course is None or not course.live:
            raise CampaignError(_("Choose a published course for an online session."), "course")
        capacity = None
    else:
        raise CampaignError(_("Choose classroom or online."), "kind")
    with transaction.atomic():
        session = CampaignSession.objects.create(
            campaign=campaign,
            kind=kind,
            title=title.strip(),
            held_on=held_on,
            place=place.strip(),
            capacity=capacity,
            course=course,
        )
        audit_record(actor=actor, action="rotation.session", target=session, summary=title[:300])
    return session


def _members_of(campaign: RotationCampaign, people: Sequence[Person]) -> list[CampaignMember]:
    """The campaign's members (in scope now) for these people; refuses naming the others."""
    members = {
        m.person_id: m
        for m in campaign.members.filter(person__in=[p.pk for p in people], left_on__isnull=True)
    }
    strangers = [p.name for p in people if p.pk not in members]
    if strangers:
        raise CampaignError(
            _("Not in this campaign: %(names)s.") % {"names": "、".join(strangers)}, "people"
        )
    return [members[p.pk] for p in people]


def people_from_id_numbers(id_numbers: Sequence[str]) -> list[Person]:
    """People by ID number (one per line); refuses naming every unknown number."""
    wanted = []
    for raw in id_numbers:
        value = raw.strip().upper()
        if value and value not in wanted:
            wanted.append(value)
    found = {p.id_number: p for p in Person.objects.filter(id_number__in=wanted)}
    unknown = [n for n in wanted if n not in found]
    if unknown:
        raise CampaignError(
            _("Not in this campaign: %(names)s.") % {"names": "、".join(unknown)}, "people"
        )
    return [found[n] for n in wanted]


def campaign_session_schedule(
    *, actor: User, session: CampaignSession, people: Sequence[Person]
) -> int:
    """Put members (from any enterprise of the campaign) on a session, within its capacity."""
    campaign = session.campaign
    _refuse_unless_manager(actor, campaign)
    if not people:
        raise CampaignError(_("Choose at least one person."), "people")
    members = _members_of(campaign, people)
    with transaction.atomic():
        current = set(session.members.values_list("pk", flat=True))
        new = [m for m in members if m.pk not in current]
        if session.capacity and len(current) + len(new) > session.capacity:
            raise CampaignError(
                _("The session has %(free)s free places.")
                % {"free": max(0, session.capacity - len(current))},
                "people",
            )
        session.members.add(*new)
        audit_record(
            actor=actor, action="rotation.schedule", target=session, summary=f"+{len(new)}"
        )
    return len(new)


def session_attendance_record(
    *,
    actor: User,
    session: CampaignSession,
    people: Sequence[Person],
    present: bool = True,
) -> int:
    """Attendance of campaign members at a session; anyone not in the campaign refuses the
    whole list. A member who attends without being scheduled is put on the session."""
    campaign = session.campaign
    _refuse_unless_manager(actor, campaign)
    if not people:
        raise CampaignError(_("Choose at least one person."), "people")
    members = _members_of(campaign, people)
    with transaction.atomic():
        session.members.add(*members)
        for member in members:
            SessionAttendance.objects.update_or_create(
                session=session,
                member=member,
                defaults={"present": present, "recorded_by": actor, "recorded_at": timezone.now()},
            )
        audit_record(
            actor=actor,
            action="rotation.attendance",
            target=session,
            summary=f"{len(members)} {'present' if present else 'absent'}",
        )
    return len(members)


def session_attendance_from_course(*, actor: User, session: CampaignSession) -> int:
    """An online session: the scheduled members who completed every lesson of its course
    (as the study records show) are recorded present."""
    _refuse_unless_manager(actor, session.campaign)
    if session.kind != CampaignSession.Kind.ONLINE or session.course is None:
        raise CampaignError(_("Only an online session takes attendance from its course."))
    lessons = list(LessonPage.objects.live().child_of(session.course).values_list("pk", flat=True))
    if not lessons:
        return 0
    members = list(session.members.filter(left_on__isnull=True).select_related("person"))
    done = []
    for member in members:
        count = LessonProgress.objects.filter(
            person_id=member.person_id, lesson_id__in=lessons, completed_at__isnull=False
        ).count()
        if count >= len(lessons):
            done.append(member.person)
    if not done:
        return 0
    return session_attendance_record(actor=actor, session=session, people=done)


def member_exam_record(
    *,
    actor: User,
    campaign: RotationCampaign,
    person: Person,
    score: Decimal,
    exam_on: dt.date,
    today: dt.date | None = None,
) -> CampaignMember:
    """The closing exam's result of one member; passed at the campaign's pass mark."""
    today = today or timezone.localdate()
    _refuse_unless_manager(actor, campaign)
    (member,) = _members_of(campaign, [person])
    if score is None or not Decimal(0) <= score <= Decimal(100):
        raise CampaignError(_("The score is between 0 and 100."), "score")
    if exam_on is None or exam_on > today or exam_on < campaign.starts_on:
        raise CampaignError(
            _("The exam date must lie between the campaign's start and today."), "exam_on"
        )
    with transaction.atomic():
        member.exam_score = score
        member.exam_on = exam_on
        member.exam_passed = score >= campaign.pass_mark
        member.save(update_fields=["exam_score", "exam_on", "exam_passed"])
        audit_record(
            actor=actor,
            action="rotation.exam",
            target=member,
            summary=f"{person.name} {score}",
        )
    return member
