"""Who organises a contest, who may change it, who may take part, which banks it may draw on.

- A regulator organises for the enterprises of a region within its grant (a county bureau
  for its county, or one of its townships). A grant limited to some industries organises
  only contests limited to those industries.
- An enterprise admin organises for the people of an enterprise they administer.
- The system admin (and the system itself, ``actor=None``) any.
Who may change a contest is who could have organised it: another county's regulator or
another enterprise's admin cannot, whatever URL they open (403/404).

Taking part: a current employment at an enterprise the contest reaches (the organiser's
region subtree, narrowed by the regions, industries and enterprises chosen; or the
organising enterprise) in one of the chosen personnel categories (none chosen: all).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from contests.models import Contest
from question_banks.models import QuestionBank
from question_banks.services.internal_exams import internal_banks
from roster.choices import Role
from roster.models import Employment, Enterprise, Person, Region, RoleGrant, User
from roster.selectors import grant_region_path, role_grants


def is_system(actor: User | None) -> bool:
    return actor is None or (actor.is_active and actor.is_superuser)


def require(allowed: bool, message: str | None = None) -> None:
    if not allowed:
        raise PermissionDenied(message or _("This contest belongs to another organiser."))


def _regulator_grants(actor: User | None) -> list[RoleGrant]:
    # No actor (the system) holds no grant; its reach is is_system's.
    if actor is None:
        return []
    return [g for g in role_grants(actor) if g.role == Role.REGULATOR and g.region_id]


def _admin_enterprise_ids(actor: User | None) -> set[int]:
    if actor is None:
        return set()
    return {
        pk
        for g in role_grants(actor)
        if g.role == Role.ENTERPRISE_ADMIN and (pk := g.enterprise_id) is not None and pk
    }


def _organiser_path(contest: Contest) -> str:
    """The organising region's path, of a contest that an enterprise does not organise."""
    assert contest.organiser_region is not None  # a contest has one organiser or the other
    return contest.organiser_region.path


def may_organise(actor: User | None) -> bool:
    return is_system(actor) or bool(_regulator_grants(actor) or _admin_enterprise_ids(actor))


def organiser_regions(actor: User | None) -> QuerySet[Region]:
    """Regions the actor may organise for: those of their regulator grants and below."""
    if is_system(actor):
        return Region.objects.all()
    grants = _regulator_grants(actor)
    if not grants:
        return Region.objects.none()
    return Region.objects.filter(
        reduce(or_, (Q(path__startswith=grant_region_path(g)) for g in grants))
    ).order_by("path")


def organiser_enterprises(actor: User | None) -> QuerySet[Enterprise]:
    if is_system(actor):
        return Enterprise.objects.all()
    return Enterprise.objects.filter(pk__in=_admin_enterprise_ids(actor))


def _grant_covers(grant: RoleGrant, region: Region, industry_ids: set[int]) -> bool:
    if not region.path.startswith(grant_region_path(grant)):
        return False
    allowed = {i.pk for i in grant.industries.all()}
    return not allowed or (bool(industry_ids) and industry_ids <= allowed)


def may_organise_for(
    actor: User | None,
    *,
    region: Region | None,
    enterprise: Enterprise | None,
    industry_ids: Iterable[int] = (),
) -> bool:
    if is_system(actor):
        return True
    if enterprise is not None:
        return enterprise.pk in _admin_enterprise_ids(actor)
    if region is None:
        return False
    ids = set(industry_ids)
    return any(_grant_covers(g, region, ids) for g in _regulator_grants(actor))


def contest_can_manage(actor: User | None, contest: Contest) -> bool:
    # .all(): the list page prefetches the industries of every contest it checks.
    industry_ids = {i.pk for i in contest.industries.all()} if contest.pk else set()
    return may_organise_for(
        actor,
        region=contest.organiser_region,
        enterprise=contest.organiser_enterprise,
        industry_ids=industry_ids,
    )


def managed_contests(actor: User) -> QuerySet[Contest]:
    """The contests the actor may change (the organiser's list)."""
    contests = Contest.objects.select_related("organiser_region", "organiser_enterprise")
    if is_system(actor):
        return contests
    q = Q(organiser_enterprise_id__in=_admin_enterprise_ids(actor))
    for grant in _regulator_grants(actor):
        q |= Q(organiser_region__path__startswith=grant_region_path(grant))
    candidates = contests.filter(q).prefetch_related("industries")
    # A grant limited to industries: only contests limited to them (checked per contest).
    ids = [c.pk for c in candidates if contest_can_manage(actor, c)]
    return contests.filter(pk__in=ids)


def contest_get_managed(*, actor: User, pk: int) -> Contest:
    """A contest the actor may change; DoesNotExist otherwise (a stranger's is a 404)."""
    contest = (
        Contest.objects.select_related("organiser_region", "organiser_enterprise", "daily_rule")
        .filter(pk=pk)
        .first()
    )
    if contest is None or not contest_can_manage(actor, contest):
        raise Contest.DoesNotExist
    return contest


# ---------------------------------------------------------------- taking part


def eligible_enterprises(contest: Contest) -> QuerySet[Enterprise]:
    if contest.organiser_enterprise_id:
        return Enterprise.objects.filter(pk=contest.organiser_enterprise_id)
    qs = Enterprise.objects.filter(region__path__startswith=_organiser_path(contest))
    regions = list(contest.regions.all())
    if regions:
        qs = qs.filter(reduce(or_, (Q(region__path__startswith=r.path) for r in regions)))
    industry_ids = list(contest.industries.values_list("pk", flat=True))
    if industry_ids:
        qs = qs.filter(industry_id__in=industry_ids)
    enterprise_ids = list(contest.enterprises.values_list("pk", flat=True))
    if enterprise_ids:
        qs = qs.filter(pk__in=enterprise_ids)
    return qs


def eligible_employments(contest: Contest) -> QuerySet[Employment]:
    qs = Employment.objects.current().filter(enterprise__in=eligible_enterprises(contest))
    if contest.categories:
        qs = qs.filter(category__in=contest.categories)
    return qs


def taking_part_as(contest: Contest, person: Person | int) -> Employment | None:
    """The person's (or person id's) employment through which they may take part, or None."""
    return (
        eligible_employments(contest)
        .filter(person=person)
        .select_related("enterprise__region", "department")
        .order_by("pk")
        .first()
    )


def contests_for_person(person: Person) -> list[Contest]:
    """Contests the person may take part in now, in a fixed number of queries however many
    there are (each checked by employment_eligible on the prefetched limits)."""
    employments = list(
        Employment.objects.current().filter(person=person).select_related("enterprise__region")
    )
    if not employments:
        return []
    q = Q(organiser_enterprise_id__in=[e.enterprise_id for e in employments])
    for employment in employments:
        path = employment.enterprise.region.path
        prefixes = [path[:i] for i in range(1, len(path) + 1) if path[i - 1] == "/"]
        q |= Q(organiser_region__path__in=prefixes)
    found = (
        Contest.objects.filter(q)
        .select_related("organiser_region", "organiser_enterprise")
        .prefetch_related("regions", "industries", "enterprises")
    )
    return [c for c in found if any(employment_eligible(c, e) for e in employments)]


def employment_eligible(contest: Contest, employment: Employment) -> bool:
    """Whether a current employment may take part: eligible_employments' rule, read on the
    contest's prefetched limits and the employment's enterprise (with its region), so a
    list of contests costs no query per contest. Kept beside it: the two must agree."""
    if not enterprise_reached(contest, employment.enterprise):
        return False
    return not contest.categories or employment.category in contest.categories


def enterprise_reached(contest: Contest, enterprise: Enterprise) -> bool:
    """eligible_enterprises' rule for one enterprise (its region loaded), on the contest's
    prefetched regions, industries and enterprises."""
    if contest.organiser_enterprise_id:
        return enterprise.pk == contest.organiser_enterprise_id
    path = enterprise.region.path
    if not path.startswith(_organiser_path(contest)):
        return False
    regions = list(contest.regions.all())
    if regions and not any(path.startswith(r.path) for r in regions):
        return False
    industry_ids = {i.pk for i in contest.industries.all()}
    if industry_ids and enterprise.industry_id not in industry_ids:
        return False
    enterprise_ids = {e.pk for e in contest.enterprises.all()}
    return not enterprise_ids or enterprise.pk in enterprise_ids


# ---------------------------------------------------------------- question sources


def contest_banks(contest: Contest) -> QuerySet[QuestionBank]:
    """Banks the contest may draw on: an enterprise's own banks and those shared with it; for
    a regulator's contest, the banks that training bodies of its region (or above it) open
    to enterprises, and banks the system admin keeps (no owner)."""
    if contest.organiser_enterprise is not None:
        return internal_banks(enterprise=contest.organiser_enterprise)
    path = _organiser_path(contest)
    prefixes = [path[:i] for i in range(1, len(path) + 1) if path[i - 1] == "/"]
    return (
        QuestionBank.objects.filter(
            Q(
                open_to_enterprises=True,
                training_body__region__path__startswith=path,
            )
            | Q(open_to_enterprises=True, training_body__region__path__in=prefixes)
            | Q(training_body__isnull=True, enterprise__isnull=True)
        )
        .select_related("training_body")
        .order_by("name")
    )
