"""Queries over notices and the library, always for an acting user (scoping lives here).

Readers see the notices they are a receipt of, within the publish window. Publishers (and
whoever oversees them: the system admin, the enterprise's other admins, a regulator whose
region holds the notice's region) see a notice's receipts. The library shows an item to
people of its region subtree (or of its enterprise), and to the regulators above them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from courses.models import WarningCasePage
from roster.choices import Role
from roster.models import Employment, Enterprise, Region, User
from roster.selectors import (
    _grants,
    administered_enterprises,
    directory_scope,
    regulated_enterprises,
)

from .audience import counted_q, receipt_ack_due  # noqa: F401  (for the pages)
from .models import KnowledgeItem, Notice, NoticeReceipt

# --------------------------------------------------------------------------- readers


def _reader_q(user: User) -> Q:
    q = Q(user=user)
    if user.person_id:
        q |= Q(person_id=user.person_id)
    return q


def _in_window(now: dt.datetime | None = None) -> Q:
    """Shown now: in its publish window and not withdrawn, to a reader still in its
    audience (notices.audience marks who left it)."""
    now = now or timezone.now()
    return (
        Q(left_at__isnull=True)
        & Q(notice__publish_from__lte=now)
        & (Q(notice__publish_until__isnull=True) | Q(notice__publish_until__gt=now))
        & Q(notice__withdrawn_at__isnull=True)
    )


def receipts_of(*, user: User) -> QuerySet[NoticeReceipt]:
    """The user's receipts of notices shown now, newest first (unread ones first)."""
    if not user.is_authenticated or not user.is_active:
        return NoticeReceipt.objects.none()
    return (
        NoticeReceipt.objects.filter(_reader_q(user))
        .filter(_in_window())
        .select_related("notice", "enterprise")
        .order_by("-notice__publish_from", "-notice_id", "pk")
    )


def unread_count(*, user: User) -> int:
    """The count beside the navigation link: one indexed count."""
    if not user.is_authenticated or not user.is_active:
        return 0
    return (
        NoticeReceipt.objects.filter(_reader_q(user), read_at__isnull=True)
        .filter(_in_window())
        .values("notice_id")
        .distinct()
        .count()
    )


def receipt_for_reader(*, user: User, notice_id: int) -> NoticeReceipt:
    """The user's own receipt of a shown notice; DoesNotExist for anybody else's."""
    receipt = receipts_of(user=user).filter(notice_id=notice_id).first()
    if receipt is None:
        raise NoticeReceipt.DoesNotExist
    return receipt


# --------------------------------------------------------------------------- publishers


def may_publish_regional(user: User) -> bool:
    return user.is_superuser or directory_scope(user).any


def may_publish_enterprise(user: User) -> bool:
    return administered_enterprises(user=user).exists()


def publish_regions(*, user: User) -> QuerySet[Region]:
    """Regions a regulator may address: the subtrees of their regulator grants."""
    if not may_publish_regional(user):
        return Region.objects.none()
    return directory_scope(user).regions().order_by("path")


def managed_notices(*, user: User) -> QuerySet[Notice]:
    """Notices whose receipts the user may see."""
    if not user.is_authenticated or not user.is_active:
        return Notice.objects.none()
    qs = Notice.objects.select_related("region", "enterprise")
    if user.is_superuser:
        return qs
    q = Q(publisher=user) | Q(enterprise__in=administered_enterprises(user=user))
    for grant in _grants(user):
        # A colleague regulator over the whole region (every industry) follows its notices
        # too; a grant limited to some industries would see other industries' people.
        if grant.role == Role.REGULATOR and grant.region and not grant.industries.all():
            q |= Q(region__path__startswith=grant.region.path)
    return qs.filter(q)


def notice_for_manager(*, user: User, pk: int) -> Notice:
    return managed_notices(user=user).get(pk=pk)


def may_change(*, user: User, notice: Notice) -> bool:
    """Whether to offer "change" and "withdraw" (notices.services checks again, and decides)."""
    return notice.publisher_id == user.pk and notice.withdrawn_at is None


@dataclass
class EnterpriseReceipts:
    enterprise: Enterprise
    total: int
    read: int
    acknowledged: int

    @property
    def not_read(self) -> int:
        return self.total - self.read

    @property
    def not_acknowledged(self) -> int:
        return self.total - self.acknowledged


def receipts_by_enterprise(*, notice: Notice) -> list[EnterpriseReceipts]:
    """Per enterprise, the receipts that count (audience.counted_q: not those who left
    without doing what the notice asked)."""
    rows = (
        notice.receipts.filter(counted_q(must_acknowledge=notice.must_acknowledge))
        .order_by()
        .values("enterprise_id")
        .annotate(
            total=Count("pk"),
            read=Count("pk", filter=Q(read_at__isnull=False)),
            acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False)),
        )
    )
    enterprises = Enterprise.objects.in_bulk([r["enterprise_id"] for r in rows])
    result = [
        EnterpriseReceipts(
            enterprises[r["enterprise_id"]], r["total"], r["read"], r["acknowledged"]
        )
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r.not_acknowledged, -r.not_read, r.enterprise.name))


def receipt_list(
    *, notice: Notice, enterprise: Enterprise | None = None, pending: str = ""
) -> QuerySet[NoticeReceipt]:
    """The receipts of a notice, those who left its audience last; `pending` "read" or
    "ack" keeps those who still owe it (who left owes nothing)."""
    qs = notice.receipts.select_related("enterprise", "person", "user")
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    if pending == "read":
        qs = qs.filter(read_at__isnull=True, left_at__isnull=True)
    elif pending == "ack":
        qs = qs.filter(acknowledged_at__isnull=True, left_at__isnull=True)
    return qs.order_by(F("left_at").asc(nulls_first=True), "enterprise__name", "role", "name", "pk")


def may_open_attachment(*, user: User, notice: Notice) -> bool:
    return (
        receipts_of(user=user).filter(notice=notice).exists()
        or managed_notices(user=user).filter(pk=notice.pk).exists()
    )


# --------------------------------------------------------------------------- the library


def _member_areas(user: User) -> list[tuple[str, frozenset[int] | None]]:
    """Where the user belongs, each with the industries they belong to there (None: every
    industry): their enterprises' regions and industries, their regulator and trainer grants
    (limited to the grant's industries, if it names any)."""
    areas: list[tuple[str, frozenset[int] | None]] = []
    for grant in _grants(user):
        if grant.region is not None:
            industries = frozenset(i.pk for i in grant.industries.all()) or None
            areas.append((grant.region.path, industries))
        elif grant.enterprise is not None:
            areas.append((grant.enterprise.region.path, frozenset([grant.enterprise.industry_id])))
    if user.person_id:
        jobs = (
            Employment.objects.current()
            .filter(person_id=user.person_id)
            .values_list("enterprise__region__path", "enterprise__industry_id")
        )
        areas += [(path, frozenset([industry])) for path, industry in jobs]
    return areas


def _for_industries(industries: frozenset[int] | None) -> Q:
    """Items open to every industry, or to one of these (None: every item)."""
    if industries is None:
        return Q()
    chosen = KnowledgeItem.industries.through.objects.filter(industry_id__in=sorted(industries))
    return Q(for_every_industry=True) | Q(pk__in=chosen.values("knowledgeitem_id"))


def _member_enterprise_ids(user: User) -> list[int]:
    ids = [g.enterprise_id for g in _grants(user) if g.enterprise_id]
    if user.person_id:
        ids += list(
            Employment.objects.current()
            .filter(person_id=user.person_id)
            .values_list("enterprise_id", flat=True)
        )
    return ids


def knowledge_list(*, user: User, kind: str = "", query: str = "") -> QuerySet[KnowledgeItem]:
    """Items the user may read. Chinese has no spaces between words, so a search is a
    substring match (icontains) over title, body, issuing body and document number; the
    library is small enough per region for that to stay quick."""
    if not user.is_authenticated or not user.is_active:
        return KnowledgeItem.objects.none()
    qs = KnowledgeItem.objects.select_related("region", "enterprise", "attachment").annotate(
        for_every_industry=~Exists(
            KnowledgeItem.industries.through.objects.filter(knowledgeitem_id=OuterRef("pk"))
        )
    )
    if not user.is_superuser:
        q = Q(region__isnull=True, enterprise__isnull=True)
        for path, industries in _member_areas(user):
            # Items of the regions above the user's, and of their own, for their industry.
            q |= Q(region__path__in=_ancestor_paths(path)) & _for_industries(industries)
        for grant in _grants(user):
            if grant.role == Role.REGULATOR and grant.region is not None:
                # A regulator also reads what was published below them, in their industries.
                industries = frozenset(i.pk for i in grant.industries.all()) or None
                q |= Q(region__path__startswith=grant.region.path) & _for_industries(industries)
        # An enterprise's own items: its people and admins, and the regulators over it.
        q |= Q(enterprise_id__in=_member_enterprise_ids(user))
        q |= Q(enterprise__in=regulated_enterprises(user=user))
        qs = qs.filter(q)
    if kind:
        qs = qs.filter(kind=kind)
    if query:
        query = query.strip()
        qs = qs.filter(
            Q(title__icontains=query)
            | Q(body__icontains=query)
            | Q(source__icontains=query)
            | Q(doc_number__icontains=query)
        )
    return qs.order_by("-issued_on", "-pk")


def _ancestor_paths(path: str) -> list[str]:
    """ "/99/9901/990102/" -> its prefixes that are whole paths, itself included."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def knowledge_get(*, user: User, pk: int) -> KnowledgeItem:
    return knowledge_list(user=user).get(pk=pk)


def warning_cases(*, query: str = "") -> QuerySet[WarningCasePage]:
    """The published accident cases of the warning-education pages (they live in courses/;
    the library links to them rather than keeping copies)."""
    cases = WarningCasePage.objects.live().select_related("industry")
    if query:
        query = query.strip()
        cases = cases.filter(
            Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(place__icontains=query)
            | Q(lessons__icontains=query)
        )
    return cases.order_by("-occurred_on", "-pk")


def knowledge_publish_regions(*, user: User) -> QuerySet[Region]:
    return publish_regions(user=user)


def knowledge_publish_enterprises(*, user: User) -> QuerySet[Enterprise]:
    return administered_enterprises(user=user)
