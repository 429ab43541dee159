"""Reads of warning education, rotation campaigns and campaign months, always for an acting
user (the roster's scope: regulators their region subtree and industries, enterprise admins
their enterprise, trainees their own rows). The rules of who may change what live here too,
so that the services check them and the pages use them to show buttons."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import WarningCasePage
from question_banks.models import ExamSession
from roster.choices import Role
from roster.models import Employment, Enterprise, Person, RoleGrant, User
from roster.selectors import (
    _grants,
    administered_enterprises,
    evidence_enterprises,
    grant_region_path,
    regulated_enterprises,
    user_scope,
)

from .models import (
    ActivityEvidence,
    CampaignMember,
    CampaignSession,
    MonthActivity,
    RotationCampaign,
    WarningAssignee,
    WarningAssignment,
    WarningMeeting,
)
from .services.warning_readers import overdue_q


def scoped_enterprises(user: User) -> QuerySet[Enterprise]:
    return Enterprise.objects.filter(user_scope(user).enterprise_q)


# --------------------------------------------------------------------------- warning education


def warning_assignable_enterprises(*, user: User) -> QuerySet[Enterprise]:
    """Where this user may assign warning cases: the enterprises they regulate or
    administer (every enterprise for the system admin). A trainer grant assigns nothing."""
    if not user.is_authenticated or not user.is_active:
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(
        Q(pk__in=regulated_enterprises(user=user).values("pk"))
        | Q(pk__in=administered_enterprises(user=user).values("pk"))
    )


def may_assign_warning(user: User) -> bool:
    return warning_assignable_enterprises(user=user).exists()


def warning_cases() -> QuerySet[WarningCasePage]:
    return WarningCasePage.objects.live().select_related("industry").order_by("-occurred_on")


def warning_assignment_list(
    *, user: User, today: dt.date | None = None
) -> QuerySet[WarningAssignment]:
    """Assignments reaching an enterprise in the user's scope, with the counts of their
    readers there (`readers`, `read`, and `overdue`: unread after their own deadline, the
    definition the figures use)."""
    today = today or timezone.localdate()
    enterprises = scoped_enterprises(user)
    # Who left its people unread owes it no longer (services.warning_readers.counted_q).
    in_scope = Q(assignees__enterprise__in=enterprises) & (
        Q(assignees__left_at__isnull=True) | Q(assignees__read_at__isnull=False)
    )
    return (
        WarningAssignment.objects.filter(enterprises__in=enterprises)
        .distinct()
        .select_related("case")
        .annotate(
            readers=Count("assignees", filter=in_scope, distinct=True),
            read=Count(
                "assignees", filter=in_scope & Q(assignees__read_at__isnull=False), distinct=True
            ),
            overdue=Count(
                "assignees",
                filter=Q(assignees__enterprise__in=enterprises)
                & overdue_q(today, prefix="assignees__"),
                distinct=True,
            ),
        )
    )


def warning_assignment_get(
    *, user: User, pk: int, today: dt.date | None = None
) -> WarningAssignment:
    """Raises DoesNotExist for a missing and an out-of-scope assignment alike."""
    return warning_assignment_list(user=user, today=today).get(pk=pk)


def warning_readers(*, user: User, assignment: WarningAssignment) -> QuerySet[WarningAssignee]:
    return (
        assignment.assignees.filter(enterprise__in=scoped_enterprises(user))
        .select_related("person", "enterprise")
        .order_by(F("left_at").asc(nulls_first=True), "enterprise__name", "person__name")
    )


def my_warning_readings(*, person: Person) -> QuerySet[WarningAssignee]:
    """The person's assigned cases: those still assigned to them, and those they read."""
    return (
        WarningAssignee.objects.filter(person=person, assignment__case__live=True)
        .filter(Q(left_at__isnull=True) | Q(read_at__isnull=False))
        .select_related("assignment", "assignment__case", "assignment__case__industry")
        .order_by("read_at", Coalesce("due_on", "assignment__due_on"), "-pk")
    )


def my_reading_get(*, user: User, pk: int) -> WarningAssignee:
    """The signed-in person's own reading only; DoesNotExist for anyone else's."""
    if not user.is_authenticated or not user.person_id:
        raise WarningAssignee.DoesNotExist
    person = user.person
    if person is None:
        raise WarningAssignee.DoesNotExist
    return my_warning_readings(person=person).get(pk=pk)


def meeting_list(*, user: User) -> QuerySet[WarningMeeting]:
    return (
        WarningMeeting.objects.filter(enterprise__in=scoped_enterprises(user))
        .select_related("enterprise")
        .annotate(attendee_count=Count("attendees", distinct=True))
        .prefetch_related("cases")
    )


def may_record_for(*, user: User, enterprise: Enterprise) -> bool:
    """Meetings and campaign-month activities are the enterprise's own records: its admin
    (or the system admin) writes them; regulators read them."""
    return administered_enterprises(user=user).filter(pk=enterprise.pk).exists()


def roster_people(*, enterprise: Enterprise) -> QuerySet[Person]:
    """People currently employed at the enterprise (attendance is picked from these)."""
    return Person.objects.filter(
        employments__enterprise=enterprise, employments__ended_on__isnull=True
    ).order_by("name")


# --------------------------------------------------------------------------- rotation training


def campaign_people_now(campaign: RotationCampaign) -> QuerySet[Employment]:
    """Who the campaign must train now: current employments at active enterprises in its
    region subtree, of its industries (none: every industry) and categories."""
    jobs = Employment.objects.current().filter(
        enterprise__is_active=True,
        enterprise__region__path__startswith=campaign.region.path,
        category__in=list(campaign.categories),
    )
    industry_ids = list(campaign.industries.values_list("pk", flat=True))
    if industry_ids:
        jobs = jobs.filter(enterprise__industry_id__in=industry_ids)
    return jobs.select_related("person", "enterprise")


def _regulator_grants(user: User) -> list[RoleGrant]:
    return [g for g in _grants(user) if g.role == Role.REGULATOR and g.region_id]


def may_define_campaign(user: User) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or bool(_regulator_grants(user)))
    )


def may_manage_campaign(*, user: User, campaign: RotationCampaign) -> bool:
    """The regulators whose grant covers the whole campaign (its region inside the grant's,
    its industries within the grant's), and the system admin, run it."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    industries = set(campaign.industries.values_list("pk", flat=True))
    for grant in _regulator_grants(user):
        if not campaign.region.path.startswith(grant_region_path(grant)):
            continue
        granted = {i.pk for i in grant.industries.all()}
        if not granted or (industries and industries <= granted):
            return True
    return False


def campaign_list(*, user: User) -> QuerySet[RotationCampaign]:
    """Campaigns the user runs or has members in their scope (a township regulator sees
    the county's campaign, limited to their enterprises; an enterprise admin sees the
    campaigns their people are in)."""
    if not user.is_authenticated or not user.is_active:
        return RotationCampaign.objects.none()
    if user.is_superuser:
        return RotationCampaign.objects.select_related("region")
    q = Q(members__enterprise__in=scoped_enterprises(user))
    for grant in _regulator_grants(user):
        q |= Q(region__path__startswith=grant_region_path(grant))
    return RotationCampaign.objects.filter(q).distinct().select_related("region")


def campaign_get(*, user: User, pk: int) -> RotationCampaign:
    return campaign_list(user=user).get(pk=pk)


def campaign_members(*, user: User, campaign: RotationCampaign) -> QuerySet[CampaignMember]:
    """Members the user may see: all of them for whoever runs the campaign, otherwise those
    at enterprises in the user's scope."""
    members = campaign.members.select_related("person", "enterprise", "enterprise__region")
    if not may_manage_campaign(user=user, campaign=campaign):
        members = members.filter(enterprise__in=scoped_enterprises(user))
    return members.order_by("enterprise__name", "person__name")


def linkable_exam_sessions(*, user: User, campaign: RotationCampaign) -> QuerySet[ExamSession]:
    """Exam sessions a campaign's organiser may take its closing exam from: held in the
    campaign's region (or an internal exam of an enterprise there), within the organiser's
    own scope, and open at some time during the campaign's period."""
    if not may_manage_campaign(user=user, campaign=campaign):
        return ExamSession.objects.none()
    if campaign.region is None:  # every campaign names its region; a row without: nothing
        return ExamSession.objects.none()
    path = campaign.region.path
    sessions = ExamSession.objects.filter(
        Q(region__path__startswith=path) | Q(enterprise__region__path__startswith=path),
        opens_at__date__lte=campaign.ends_on,
        closes_at__date__gte=campaign.starts_on,
    )
    if not user.is_superuser:
        mine = Q(enterprise__in=regulated_enterprises(user=user))
        for grant in _regulator_grants(user):
            mine |= Q(region__path__startswith=grant_region_path(grant))
        sessions = sessions.filter(mine)
    return sessions.order_by("-opens_at", "pk")


def session_get(*, user: User, pk: int) -> CampaignSession:
    return CampaignSession.objects.select_related(
        "campaign", "campaign__region", "course", "exam_session"
    ).get(pk=pk, campaign__in=campaign_list(user=user))


def my_campaigns(*, person: Person) -> QuerySet[CampaignMember]:
    """A person's campaign memberships, for their training file."""
    return (
        CampaignMember.objects.filter(person=person)
        .select_related("campaign", "enterprise")
        .annotate(attended=Count("attendance", filter=Q(attendance__present=True), distinct=True))
        .order_by("-campaign__starts_on")
    )


# --------------------------------------------------------------------------- campaign months


def month_activity_list(*, user: User) -> QuerySet[MonthActivity]:
    """Activities of the enterprises in the user's scope; each with `shown_evidence`, the
    evidence files this user may open (month_evidence_get's rule: none for a trainer)."""
    shown = ActivityEvidence.objects.filter(
        activity__enterprise__in=evidence_enterprises(user=user)
    )
    return (
        MonthActivity.objects.filter(enterprise__in=scoped_enterprises(user))
        .select_related("enterprise")
        .annotate(participant_count=Count("participants", distinct=True))
        .prefetch_related(Prefetch("evidence", queryset=shown, to_attr="shown_evidence"))
    )


def month_evidence_get(*, user: User, pk: int) -> ActivityEvidence:
    """One evidence file of an activity the user may open: the same rule as drill evidence
    (roster.selectors.evidence_enterprises: the enterprise's admins and its regulators, not
    a trainer); DoesNotExist for anyone else."""
    return ActivityEvidence.objects.select_related("activity").get(
        pk=pk, activity__enterprise__in=evidence_enterprises(user=user)
    )
