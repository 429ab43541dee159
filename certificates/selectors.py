"""Queries over certificates, always for an acting user: the scope comes from the roster.

Who sees which certificates (ARCHITECTURE.md rule 7):
- system admin: all of them;
- enterprise admin, regulator, trainer: those of people *currently* employed by an enterprise
  in their scope (a holder who left takes their certificates with them), plus their own;
- anyone else: their own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import cast

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from roster.choices import Role
from roster.identity import mask_id_number
from roster.models import Employment, Enterprise, Person, RoleGrant, User
from roster.selectors import (
    administered_enterprises,
    can_edit_person,
    employment_list,
    user_scope,
)

from .models import (
    EXPIRING_WITHIN_DAYS,
    Certificate,
    CertificateItem,
    CertificateQuerySet,
    CertificateState,
    CertificateStatus,
    CertificateType,
    Notification,
)
from .requirements import held_types, job_requirements, requirement_flags

# The filters the holders' roster offers; the selector understands every CertificateState.
HOLDER_STATES = [
    CertificateState.VALID,
    CertificateState.EXPIRING,
    CertificateState.REVIEW_SOON,
    CertificateState.REVIEW_DUE,
    CertificateState.EXPIRED,
    CertificateState.SUSPENDED,
    CertificateState.REVOKED,
]


def _current_employment(field: str) -> Subquery:
    current = Employment.objects.current().filter(person_id=OuterRef("person_id"))
    return Subquery(current.values(field)[:1])


def _scoped(user: User) -> QuerySet[Certificate]:
    scope = user_scope(user)
    if scope.everything:
        return Certificate.objects.all()
    if not user.is_authenticated:
        return Certificate.objects.none()
    own = Q(person__user=user)
    if not scope.roles:
        return Certificate.objects.filter(own)
    employed = Employment.objects.current().filter(
        enterprise__in=Enterprise.objects.filter(scope.enterprise_q)
    )
    return Certificate.objects.filter(Q(person__in=employed.values("person_id")) | own)


def state_q(state: str, on: dt.date) -> Q:
    """The filter matching Certificate.state(on) == state, so lists and tags agree."""
    soon = on + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    # Certificate.state does not look at valid_from: a card valid from next week is "valid".
    standing = Q(status=CertificateStatus.VALID, valid_until__gte=on) & (
        Q(next_review_on__isnull=True) | Q(next_review_on__gte=on)
    )
    review_far = Q(next_review_on__isnull=True) | Q(next_review_on__gt=soon)
    if state == CertificateState.VALID:
        return standing & Q(valid_until__gt=soon) & review_far
    if state == CertificateState.EXPIRING:
        return standing & Q(valid_until__lte=soon)
    if state == CertificateState.REVIEW_SOON:
        return standing & Q(valid_until__gt=soon) & ~review_far
    if state == CertificateState.EXPIRED:
        return Q(status=CertificateStatus.VALID, valid_until__lt=on)
    if state == CertificateState.REVIEW_DUE:
        return Q(status=CertificateStatus.VALID, valid_until__gte=on, next_review_on__lt=on)
    return Q(status=state)


def certificate_list(
    *,
    user: User,
    enterprise: Enterprise | None = None,
    state: str | None = None,
    type_code: str | None = None,
    search: str = "",
    person_id: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[Certificate]:
    """Certificates in the user's scope, with the holder's current enterprise annotated
    (`current_enterprise_id`, `current_enterprise_name`).

    Replaced cards are history (their successor carries the number on): they are listed only
    when asked for by state."""
    on = on or timezone.localdate()
    qs = _scoped(user)
    if enterprise is not None:
        qs = qs.filter(
            person__in=Employment.objects.current().filter(enterprise=enterprise).values("person")
        )
    # Replaced cards are history: listed only when asked for by state.
    qs = qs.filter(state_q(state, on)) if state else qs.exclude(status=CertificateStatus.REPLACED)
    if type_code:
        # A 特种作业操作证 is found by any operation item it lists.
        listed = CertificateItem.objects.filter(
            certificate=OuterRef("pk"), certificate_type__code=type_code
        )
        qs = qs.filter(Q(certificate_type__code=type_code) | Q(Exists(listed)))
    if person_id is not None:
        qs = qs.filter(person_id=person_id)
    search = (search or "").strip()
    if search:
        qs = qs.filter(
            Q(person__name__icontains=search)
            | Q(person__id_number=search.upper())
            | Q(number__iexact=search)
        )
    return (
        qs.select_related("person", "certificate_type")
        .annotate(
            current_enterprise_id=_current_employment("enterprise_id"),
            current_enterprise_name=_current_employment("enterprise__name"),
        )
        .order_by("person__name", "certificate_type__code", "-valid_until", "pk")
    )


def certificate_get(*, user: User, pk: int) -> Certificate:
    """Raises Certificate.DoesNotExist for a missing and an out-of-scope certificate alike."""
    return (
        _scoped(user)
        .select_related("person", "certificate_type", "enterprise", "supersedes")
        .annotate(
            current_enterprise_id=_current_employment("enterprise_id"),
            current_enterprise_name=_current_employment("enterprise__name"),
        )
        .get(pk=pk)
    )


def my_certificates(*, user: User) -> QuerySet[Certificate]:
    """The signed-in person's own certificates (not the ones they see as staff)."""
    if not user.is_authenticated or not user.person_id:
        return Certificate.objects.none()
    return (
        Certificate.objects.filter(person_id=user.person_id)
        .exclude(status=CertificateStatus.REPLACED)
        .select_related("person", "certificate_type")
        .order_by("-valid_until", "pk")
    )


def may_see_verifications(*, user: User, certificate: Certificate) -> bool:
    """The verification log is for the system admin and the holder's enterprise admin."""
    if user.is_superuser:
        return True
    enterprise_id = getattr(certificate, "current_enterprise_id", None)
    if enterprise_id is None:
        current = Employment.objects.current().filter(person=certificate.person_id).first()
        enterprise_id = current.enterprise_id if current else None
    return (
        enterprise_id is not None
        and administered_enterprises(user=user).filter(pk=enterprise_id).exists()
    )


def number_masked(certificate: Certificate) -> str:
    """The number with any ID number in it masked: 特种作业 numbers are "T" + the ID number."""
    id_number = certificate.person.id_number
    number = certificate.number
    at = number.upper().find(id_number.upper()) if id_number else -1
    if at < 0:
        return number
    return number[:at] + mask_id_number(id_number) + number[at + len(id_number) :]


def expiring(
    *,
    user: User,
    within_days: int = EXPIRING_WITHIN_DAYS,
    enterprise: Enterprise | None = None,
    on: dt.date | None = None,
) -> QuerySet[Certificate]:
    """In-force certificates whose expiry or review falls within N days, soonest first
    (`due_on` is the earlier of the two dates)."""
    on = on or timezone.localdate()
    until = on + dt.timedelta(days=within_days)
    return (
        # The scoped list is Certificate's own QuerySet class, whose in_force the stubs lose.
        cast(CertificateQuerySet, certificate_list(user=user, enterprise=enterprise, on=on))
        .in_force(on)
        .filter(Q(valid_until__lte=until) | Q(next_review_on__lte=until))
        .annotate(
            due_on=Case(
                When(next_review_on__lt=F("valid_until"), then=F("next_review_on")),
                default=F("valid_until"),
            )
        )
        .order_by("due_on", "person__name", "pk")
    )


# What a gap row says when a 特种作业人员's job names no operation item.
ITEM_UNKNOWN = _("Special-operation certificate: please set the operation item")


@dataclass(frozen=True)
class Gap:
    """A job that needs a certificate type its holder does not hold in force; or, for a
    特种作业人员 whose job names no operation item, `certificate_type` None: the admin is
    asked to set the item (certificates.requirements)."""

    person: Person
    employment: Employment
    certificate_type: CertificateType | None
    # The newest certificate of that type they had (expired, suspended...), if any.
    lapsed: Certificate | None

    @property
    def item_unknown(self) -> bool:
        return self.certificate_type is None


def holder_gaps(
    *, user: User, enterprise: Enterprise | None = None, on: dt.date | None = None
) -> list[Gap]:
    """持证上岗 gaps on a date: one row per (person, required type) not held in force, and one
    per 特种作业人员 whose operation item is unknown.

    The jobs with a gap are found by the same SQL flags the regulators' figures sum
    (certificates.requirements.requirement_flags), so the list and the 持证率 agree; only
    those jobs are then read in Python to say which types they lack."""
    on = on or timezone.localdate()
    employments = list(
        employment_list(user=user, enterprise=enterprise)
        .annotate(**requirement_flags(on))
        .filter(lacks=1)  # type: ignore[misc]  # annotated just above (the stubs miss it)
        .select_related("enterprise__industry")
    )
    if not employments:
        return []
    needs = job_requirements(employments)
    held = held_types(person_ids={e.person_id for e in employments}, on=on)
    rows: list[tuple[Employment, CertificateType | None]] = []
    seen: set[tuple[int, int | None]] = set()
    for employment in employments:
        job = needs[employment.pk]
        if job.item_unknown and (employment.person_id, None) not in seen:
            seen.add((employment.person_id, None))
            rows.append((employment, None))
        for ctype in job.types:
            key = (employment.person_id, ctype.pk)
            if key in held or key in seen:
                continue
            seen.add(key)
            rows.append((employment, ctype))
    lapsed: dict[tuple[int, int], Certificate] = {}
    wanted = [(e, t) for e, t in rows if t is not None]
    if wanted:
        others = (
            Certificate.objects.filter(
                person_id__in={e.person_id for e, _ in wanted},
                certificate_type_id__in={t.pk for _, t in wanted if t},
            )
            .exclude(status=CertificateStatus.REPLACED)
            .order_by("valid_until")
        )
        for certificate in others:  # the newest wins
            lapsed[(certificate.person_id, certificate.certificate_type_id)] = certificate
    return [
        Gap(
            person=employment.person,
            employment=employment,
            certificate_type=ctype,
            lapsed=lapsed.get((employment.person_id, ctype.pk)) if ctype else None,
        )
        for employment, ctype in rows
    ]


def enterprise_admins(*, enterprise_id: int) -> QuerySet[User]:
    """Active users administering that enterprise (who get its holders' reminders)."""
    grants = RoleGrant.objects.filter(role=Role.ENTERPRISE_ADMIN, enterprise_id=enterprise_id)
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id"))


def notification_list(*, user: User) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def can_manage_certificates(*, user: User) -> bool:
    """Whether the user opens certificate administration at all: the system admin and
    enterprise admins (the navigation, the holders' list and the manage pages ask this)."""
    return user.is_superuser or administered_enterprises(user=user).exists()


def can_manage_certificate(*, user: User, certificate: Certificate) -> bool:
    """Whether the user changes this certificate: the system admin, or the admin of its
    holder's current enterprise (the manage page refuses everyone else)."""
    return can_manage_certificates(user=user) and can_edit_person(
        user=user, person=certificate.person
    )


def certificate_import_people(*, user: User) -> QuerySet[Person]:
    """The holders the user may import certificates for: everyone for the system admin;
    otherwise the people employed now at an enterprise the user administers (the rule of
    issuing by hand, issuing.require_manager)."""
    if user.is_superuser:
        return Person.objects.all()
    employed = (
        Employment.objects.current()
        .filter(enterprise__in=administered_enterprises(user=user))
        .values("person_id")
    )
    return Person.objects.filter(pk__in=employed)


def certificates_for_pdf(
    certificates: QuerySet[Certificate] | None = None,
) -> QuerySet[Certificate]:
    """Certificates with everything their PDF prints: the type and the holder (with the
    photo's file name) in the same query, the operation items, in print order, in one more
    query for the whole set. A batch of a hundred certificates is then two queries, not two
    per certificate (certificates.services.signing.certificate_items_text reads the prefetch)."""
    queryset = Certificate.objects.all() if certificates is None else certificates
    return queryset.select_related("certificate_type", "person").prefetch_related(
        Prefetch(
            "items",
            queryset=CertificateItem.objects.select_related("certificate_type").order_by(
                "first_issued_on", "pk"
            ),
        )
    )
