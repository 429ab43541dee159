"""Queries over the roster, always for an acting user: scoping lives here and nowhere else.

Who sees what (ARCHITECTURE.md rule 7):
- system admin (superuser): everything;
- enterprise admin: the enterprises they administer and the people currently employed there;
- regulator and trainer: enterprises in their region subtree, limited to their industries
  (a grant without industries covers every industry), and the people employed there;
- trainee: only their own person record.
Full ID numbers are for the system admin, the person's own enterprise admin and regulators,
and only on a detail page (lists always mask them).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import F, Prefetch, Q, QuerySet

from .choices import Role
from .models import Employment, Enterprise, Person, Region, RoleGrant, TransferRequest, User


@dataclass(frozen=True)
class Scope:
    """The enterprises a user reaches, as a filter on Enterprise; `everything` for admins."""

    everything: bool
    enterprise_q: Q
    roles: frozenset[str]

    @property
    def is_staff_scope(self) -> bool:
        return self.everything or bool(self.roles)


_NOTHING = Q(pk__in=[])


def _grants(user: User) -> list[RoleGrant]:
    # Cached on the user object: a request asks for its scope many times.
    cached = getattr(user, "_role_grants_cache", None)
    if cached is None:
        cached = list(
            RoleGrant.objects.filter(user=user)
            .select_related("region", "enterprise")
            .prefetch_related("industries")
        )
        setattr(user, "_role_grants_cache", cached)  # noqa: B010 (not a model field)
    return cached


def role_grants(user: User) -> list[RoleGrant]:
    """The user's grants, with their regions and enterprises (read once per request)."""
    if not user.is_authenticated or not user.is_active:
        return []
    return _grants(user)


def grant_region_path(grant: RoleGrant) -> str:
    """The path of the region of a grant that has one (a regulator's or a trainer's, kept
    by their callers' filters), joined by role_grants: no query."""
    assert grant.region is not None
    return grant.region.path


def user_scope(user: User) -> Scope:
    if not user.is_authenticated or not user.is_active:
        return Scope(False, _NOTHING, frozenset())
    if user.is_superuser:
        return Scope(True, Q(), frozenset())
    q = _NOTHING
    roles = set()
    for grant in _grants(user):
        roles.add(grant.role)
        q |= _grant_enterprise_q(grant)
    return Scope(False, q, frozenset(roles))


def _grant_enterprise_q(grant: RoleGrant) -> Q:
    if grant.role == Role.ENTERPRISE_ADMIN:
        return Q(pk=grant.enterprise_id)
    region = grant.region
    assert region is not None  # a regulator's or trainer's grant always names a region
    part = Q(region__path__startswith=region.path)
    industry_ids = [i.pk for i in grant.industries.all()]
    if industry_ids:
        part &= Q(industry_id__in=industry_ids)
    return part


def user_roles(user: User) -> frozenset[str]:
    return user_scope(user).roles


def user_has_role(user: User, *roles: str) -> bool:
    scope = user_scope(user)
    return scope.everything or bool(scope.roles.intersection(roles))


def enterprise_list(*, user: User) -> QuerySet[Enterprise]:
    scope = user_scope(user)
    return Enterprise.objects.filter(scope.enterprise_q).select_related("region", "industry")


def enterprise_get(*, user: User, uscc: str) -> Enterprise:
    """Raises Enterprise.DoesNotExist both for a missing and an out-of-scope enterprise."""
    return enterprise_list(user=user).get(uscc=uscc)


def administered_enterprises(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises whose roster this user may change (enterprise admin or system admin)."""
    if user.is_superuser:
        return Enterprise.objects.all()
    ids = [
        g.enterprise_id
        for g in _grants(user)
        if g.role == Role.ENTERPRISE_ADMIN and g.enterprise_id is not None
    ]
    return Enterprise.objects.filter(pk__in=ids)


def employment_list(
    *,
    user: User,
    enterprise: Enterprise | None = None,
    category: str = "",
    employment_form: str = "",
    status: str = "",
    search: str = "",
    include_former: bool = False,
) -> QuerySet[Employment]:
    """The roster: one row per employment in scope, current ones unless asked otherwise."""
    scope = user_scope(user)
    if scope.everything:
        qs = Employment.objects.all()
    elif scope.roles:
        qs = Employment.objects.filter(enterprise__in=Enterprise.objects.filter(scope.enterprise_q))
    else:
        qs = (
            Employment.objects.filter(person__user=user)
            if user.is_authenticated
            else Employment.objects.none()
        )
    if not include_former:
        qs = qs.current()
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if category:
        qs = qs.filter(category=category)
    if employment_form:
        qs = qs.filter(employment_form=employment_form)
    if status:
        qs = qs.filter(status=status)
    if search:
        search = search.strip()
        qs = qs.filter(
            Q(person__name__icontains=search)
            | Q(person__id_number=search.upper())
            | Q(person__phone=search)
            | Q(post__icontains=search)
        )
    return qs.select_related("person", "enterprise", "department").order_by(
        "enterprise__name", "person__name", "pk"
    )


def person_list(*, user: User) -> QuerySet[Person]:
    """People the user may see: employed (now or before) at an enterprise in scope, or self."""
    scope = user_scope(user)
    if scope.everything:
        return Person.objects.all()
    own = Q(user=user) if user.is_authenticated else _NOTHING
    if not scope.roles:
        return Person.objects.filter(own)
    enterprises = Enterprise.objects.filter(scope.enterprise_q)
    return Person.objects.filter(
        Q(pk__in=Employment.objects.filter(enterprise__in=enterprises).values("person_id")) | own
    )


def person_get(*, user: User, pk: int) -> Person:
    """Raises Person.DoesNotExist for a missing and an out-of-scope person alike.

    `person.employments.all()` holds only employments at enterprises in the user's scope
    (all of them for the system admin and for the person themself): staff of a former
    employer still find the person, but not where and how they work now.
    """
    scope = user_scope(user)
    employments = (
        Employment.objects.select_related("enterprise", "department")
        .prefetch_related("events")
        # The current one (no end) first on every database: NULLs sort differently.
        .order_by(F("ended_on").desc(nulls_first=True), F("hire_date").desc(nulls_last=True))
    )
    if not scope.everything:
        own = Q(person__user=user) if user.is_authenticated else _NOTHING
        employments = employments.filter(
            Q(enterprise__in=Enterprise.objects.filter(scope.enterprise_q)) | own
        )
    return (
        person_list(user=user)
        .prefetch_related(Prefetch("employments", queryset=employments))
        .get(pk=pk)
    )


def person_get_by_id_number(*, user: User, id_number: str) -> Person:
    return person_list(user=user).get(id_number=id_number)


def can_edit_person(*, user: User, person: Person) -> bool:
    current = person.employments.filter(ended_on__isnull=True).first()
    if current is None:
        return user.is_superuser
    return administered_enterprises(user=user).filter(pk=current.enterprise_id).exists()


def administers_current_employment(*, user: User | None, person: Person) -> bool:
    """May this user change the person's name and phone? The system (no user) and the system
    admin may; an enterprise admin only while the person works at one of their enterprises.
    A person with no current job has no enterprise admin: only the system admin may."""
    if user is None or user.is_superuser:
        return True
    current = Employment.objects.current().filter(person=person).values("enterprise_id")
    return administered_enterprises(user=user).filter(pk__in=current).exists()


def regulated_enterprises(*, user: User) -> QuerySet[Enterprise]:
    """Enterprises under the user's regulator grants only (a trainer grant regulates nothing)."""
    regulated = _NOTHING
    for grant in _grants(user):
        if grant.role == Role.REGULATOR:
            regulated |= _grant_enterprise_q(grant)
    return Enterprise.objects.filter(regulated)


def evidence_enterprises(*, user: User) -> QuerySet[Enterprise]:
    """Whose evidence (drill photos and records, campaign-month photos and files) this user
    may open: the enterprise's own admins and the regulators over it (MISSION.md's roles:
    the enterprise and its supervisors), every enterprise for the system admin. A trainer is
    a training body, not a supervisor: their grant reaches the roster, not the evidence."""
    if not user.is_authenticated or not user.is_active:
        return Enterprise.objects.none()
    if user.is_superuser:
        return Enterprise.objects.all()
    return Enterprise.objects.filter(
        Q(pk__in=administered_enterprises(user=user).values("pk"))
        | Q(pk__in=regulated_enterprises(user=user).values("pk"))
    )


def can_see_full_id(*, user: User, person: Person) -> bool:
    """The person themself, the system admin, their enterprise's admin, and regulators."""
    if user.is_superuser or (user.person_id and user.person_id == person.pk):
        return True
    if not person_list(user=user).filter(pk=person.pk).exists():
        return False
    # A regulator sees full numbers only where they regulate: a user who is also a trainer
    # elsewhere must not see them through the trainer grant.
    if Employment.objects.filter(
        person=person,
        ended_on__isnull=True,
        enterprise__in=regulated_enterprises(user=user),
    ).exists():
        return True
    return can_edit_person(user=user, person=person)


def activation_candidates(
    *, user: User, enterprise: Enterprise | None = None, person_ids: list[int] | None = None
) -> QuerySet[Person]:
    """People this user may give a first sign-in code: currently employed at an enterprise
    they administer (the system admin: anyone employed), and without an account they can
    sign in to (none yet, or one whose holder never chose a password). Each comes with
    `current_jobs`: their current employment, with its enterprise."""
    employed = Employment.objects.current().filter(
        enterprise__in=administered_enterprises(user=user)
    )
    if enterprise is not None:
        employed = employed.filter(enterprise=enterprise)
    people = Person.objects.filter(pk__in=employed.values("person_id")).filter(
        Q(user__isnull=True) | Q(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    )
    if person_ids is not None:
        people = people.filter(pk__in=person_ids)
    jobs = Employment.objects.current().select_related("enterprise")
    return people.prefetch_related(Prefetch("employments", queryset=jobs, to_attr="current_jobs"))


def region_subtree(*, user: User) -> QuerySet[Region]:
    """Regions a user may pick as a filter: the subtrees of their grants."""
    scope = user_scope(user)
    if scope.everything:
        return Region.objects.all()
    q = _NOTHING
    for grant in _grants(user):
        # Both joined by _grants (select_related): no query per grant.
        if grant.region is not None:
            q |= Q(path__startswith=grant.region.path)
        elif grant.enterprise is not None:
            q |= Q(pk=grant.enterprise.region_id)
    return Region.objects.filter(q)


# --- transfer requests (调入申请) -------------------------------------------------------------


def _transfers() -> QuerySet[TransferRequest]:
    return TransferRequest.objects.select_related("person", "from_enterprise", "to_enterprise")


def transfer_incoming(*, user: User) -> QuerySet[TransferRequest]:
    """Requests this user may decide: those out of an enterprise they administer, those
    between two enterprises they both regulate, every one for the system admin."""
    if not user.is_authenticated or not user.is_active:
        return TransferRequest.objects.none()
    if user.is_superuser:
        return _transfers()
    regulated = regulated_enterprises(user=user)
    return _transfers().filter(
        Q(from_enterprise__in=administered_enterprises(user=user))
        | (Q(from_enterprise__in=regulated) & Q(to_enterprise__in=regulated))
    )


def transfer_outgoing(*, user: User) -> QuerySet[TransferRequest]:
    """Requests made on behalf of an enterprise this user administers. What the asking side
    reads of them is the request itself (the name it wrote, the masked ID number, the status
    and a refusal's reason), never the person on file nor where they work."""
    if not user.is_authenticated or not user.is_active:
        return TransferRequest.objects.none()
    return _transfers().filter(to_enterprise__in=administered_enterprises(user=user))


def transfer_may_decide(*, user: User | None, transfer: TransferRequest) -> bool:
    """The one rule of who accepts or refuses: the services check it, pages use it to show
    the buttons. The system (no user) may."""
    if user is None:
        return True
    return transfer_incoming(user=user).filter(pk=transfer.pk).exists()


def transfer_may_cancel(*, user: User | None, transfer: TransferRequest) -> bool:
    """The asking enterprise's admins (and the system admin) withdraw a request."""
    if user is None:
        return True
    return transfer_outgoing(user=user).filter(pk=transfer.pk).exists()


def transfer_pending_count(*, user: User) -> int:
    """Pending requests waiting for this user's decision (the count beside the link)."""
    return transfer_incoming(user=user).filter(status=TransferRequest.Status.PENDING).count()


# --- the enterprise and region directories (名录) ---------------------------------------------


@dataclass(frozen=True)
class DirectoryScope:
    """Where a user may keep the enterprise directory and the region list: everywhere (the
    system admin, and the system itself on the command line), or the areas of their regulator
    grants, each a region subtree and its industries (None: every industry)."""

    everything: bool
    areas: tuple[tuple[str, frozenset[int] | None], ...] = ()

    @property
    def any(self) -> bool:
        return self.everything or bool(self.areas)

    def covers_region(self, path: str) -> bool:
        """A region (by its path) lies in one of the areas."""
        return self.everything or any(path.startswith(area) for area, _ in self.areas)

    def covers(self, region_path: str, industry_id: int | None) -> bool:
        """An enterprise in this region and industry lies in one of the areas."""
        if self.everything:
            return True
        return any(
            region_path.startswith(area) and (industries is None or industry_id in industries)
            for area, industries in self.areas
        )

    def regions(self) -> QuerySet[Region]:
        if self.everything:
            return Region.objects.all()
        q = _NOTHING
        for area, _industries in self.areas:
            q |= Q(path__startswith=area)
        return Region.objects.filter(q)

    def enterprises(self) -> QuerySet[Enterprise]:
        if self.everything:
            return Enterprise.objects.all()
        q = _NOTHING
        for area, industries in self.areas:
            part = Q(region__path__startswith=area)
            if industries is not None:
                part &= Q(industry_id__in=sorted(industries))
            q |= part
        return Enterprise.objects.filter(q)


def directory_scope(user: User | None) -> DirectoryScope:
    """Regulators keep the directory within their grants only; trainers and enterprise admins
    see enterprises but do not keep the directory."""
    if user is None or (user.is_active and user.is_superuser):
        return DirectoryScope(everything=True)
    if not user.is_authenticated or not user.is_active:
        return DirectoryScope(everything=False)
    areas = []
    for grant in _grants(user):
        if grant.role == Role.REGULATOR and grant.region is not None:
            industries = frozenset(i.pk for i in grant.industries.all()) or None
            areas.append((grant.region.path, industries))
    return DirectoryScope(everything=False, areas=tuple(areas))
