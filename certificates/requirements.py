"""Who needs which certificate (持证上岗): the one definition the gap list, the roster, the
regulators' figures and the API read.

A job needs a certificate type when
- a post requirement matches it (post, personnel category and industry; blank means any),
  except that a special-operation requirement binds 特种作业人员 only: an ordinary
  化工操作工 is not asked for a process certificate because of a post name; or
- an admin set that operation item on the job (OperationAssignment).
A 特种作业人员 always needs a special-operation certificate: when neither names an item, the
job counts as required with the item unknown (and as lacking, since nobody can tell which
card would do) until the admin sets the item. It never reads "无需持证".

A type is held on a day when a certificate in force is of that type or lists it as an item
(one 特种作业操作证 per person lists every item, certificates.models.CertificateItem).

The rules are joined in SQL (correlated EXISTS over the requirement and assignment tables),
so the query is the same size however long the catalogue grows; `job_requirements` reads the
same rules in Python for the few rows a gap list shows, and the tests hold the two to agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from roster.choices import PersonnelCategory
from roster.models import Employment

from .models import (
    Certificate,
    CertificateFamily,
    CertificateItem,
    CertificateStatus,
    CertificateType,
    OperationAssignment,
    PostRequirement,
)

SPECIAL = PersonnelCategory.SPECIAL_OPERATOR


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _in_force_q(on: dt.date, prefix: str = "") -> Q:
    """Certificate.objects.in_force(on) as a Q, so it can be reached through a relation."""
    return Q(
        **{
            f"{prefix}status": CertificateStatus.VALID,
            f"{prefix}valid_from__lte": on,
            f"{prefix}valid_until__gte": on,
        }
    ) & (Q(**{f"{prefix}next_review_on__isnull": True}) | Q(**{f"{prefix}next_review_on__gte": on}))


def held_q(*, person_ref: OuterRef, type_ref: OuterRef, on: dt.date) -> Q:
    """A certificate in force on `on` of the person, of that type or listing it as an item.
    Both references are resolved one level out (pass OuterRef(...))."""
    cards = Certificate.objects.filter(
        _in_force_q(on), person_id=person_ref, certificate_type_id=type_ref
    )
    items = CertificateItem.objects.filter(
        _in_force_q(on, "certificate__"),
        certificate__person_id=person_ref,
        certificate_type_id=type_ref,
    )
    return Q(Exists(cards)) | Q(Exists(items))


def _matching_requirements() -> QuerySet[PostRequirement]:
    """The active post requirements matching the outer employment row."""
    return (
        PostRequirement.objects.filter(certificate_type__is_active=True)
        .exclude(post="", personnel_category="")  # naming nothing, it binds no one
        .filter(Q(post="") | Q(post=OuterRef("post")))
        .filter(Q(personnel_category="") | Q(personnel_category=OuterRef("category")))
        .filter(Q(industry__isnull=True) | Q(industry_id=OuterRef("enterprise__industry_id")))
        .filter(
            ~Q(certificate_type__family=CertificateFamily.SPECIAL_OPERATION)
            | Q(certificate_type__personnel_category=OuterRef("category"))
        )
    )


def _assignments() -> QuerySet[OperationAssignment]:
    return OperationAssignment.objects.filter(
        employment_id=OuterRef("pk"), certificate_type__is_active=True
    )


def requirement_flags(on: dt.date) -> dict[str, Case]:
    """0/1 annotations for an Employment queryset: `needs` (some certificate is required),
    `lacks` (a required one is not held in force on `on`) and `item_unknown` (a 特种作业人员
    whose job names no operation item)."""
    reqs = _matching_requirements()
    assigned = _assignments()
    # Inside the requirement row the outer job is one level further out.
    held = held_q(
        person_ref=OuterRef(OuterRef("person_id")), type_ref=OuterRef("certificate_type_id"), on=on
    )
    special_reqs = reqs.filter(certificate_type__family=CertificateFamily.SPECIAL_OPERATION)
    item_unknown = Q(category=SPECIAL) & ~Q(Exists(special_reqs)) & ~Q(Exists(assigned))
    needs = Q(Exists(reqs)) | Q(Exists(assigned)) | Q(category=SPECIAL)
    lacks = Q(Exists(reqs.filter(~held))) | Q(Exists(assigned.filter(~held))) | item_unknown
    return {"needs": _flag(needs), "lacks": _flag(lacks), "item_unknown": _flag(item_unknown)}


@dataclass
class JobRequirements:
    """What one job needs, read in Python (`job_requirements`)."""

    types: list[CertificateType] = field(default_factory=list)
    item_unknown: bool = False

    @property
    def needs(self) -> bool:
        return bool(self.types) or self.item_unknown


def requirement_applies(
    req: PostRequirement, *, post: str, category: str, industry_id: int | None
) -> bool:
    """Whether one post requirement binds a job of that post, category and industry: the
    rule of `_matching_requirements` in Python (for gap lists, and for the benchmark that
    builds data the product will count)."""
    if not req.post.strip() and not req.personnel_category:
        return False
    if req.post.strip() and req.post.strip() != (post or "").strip():
        return False
    if req.personnel_category and req.personnel_category != category:
        return False
    ctype = req.certificate_type
    if ctype.family == CertificateFamily.SPECIAL_OPERATION and ctype.personnel_category != category:
        return False
    return req.industry_id is None or req.industry_id == industry_id


def _applies(req: PostRequirement, job: Employment) -> bool:
    return requirement_applies(
        req, post=job.post, category=job.category, industry_id=job.enterprise.industry_id
    )


def active_requirements() -> list[PostRequirement]:
    return list(
        PostRequirement.objects.filter(certificate_type__is_active=True)
        .select_related("certificate_type")
        .order_by("certificate_type__code", "pk")
    )


def job_requirements(
    jobs: Iterable[Employment], requirements: list[PostRequirement] | None = None
) -> dict[int, JobRequirements]:
    """{employment id: what it needs}, the same rules as `requirement_flags`. The jobs need
    `enterprise` loaded; assignments are one query for all of them."""
    jobs = list(jobs)
    requirements = active_requirements() if requirements is None else requirements
    assigned: dict[int, list[CertificateType]] = {}
    for row in (
        OperationAssignment.objects.filter(
            employment__in=[j.pk for j in jobs], certificate_type__is_active=True
        )
        .select_related("certificate_type")
        .order_by("certificate_type__code")
    ):
        assigned.setdefault(row.employment_id, []).append(row.certificate_type)
    out: dict[int, JobRequirements] = {}
    for job in jobs:
        needed = JobRequirements()
        seen: set[int] = set()
        for ctype in [
            *(r.certificate_type for r in requirements if _applies(r, job)),
            *assigned.get(job.pk, []),
        ]:
            if ctype.pk not in seen:
                seen.add(ctype.pk)
                needed.types.append(ctype)
        has_item = any(t.family == CertificateFamily.SPECIAL_OPERATION for t in needed.types)
        needed.item_unknown = job.category == SPECIAL and not has_item
        out[job.pk] = needed
    return out


def held_types(*, person_ids: Iterable[int], on: dt.date) -> set[tuple[int, int]]:
    """{(person id, type id)} held in force on `on`, counting each item a card lists."""
    cards = Certificate.objects.filter(_in_force_q(on), person_id__in=person_ids)
    held = set(cards.values_list("person_id", "certificate_type_id"))
    items = CertificateItem.objects.filter(
        _in_force_q(on, "certificate__"), certificate__person_id__in=person_ids
    )
    held |= set(items.values_list("certificate__person_id", "certificate_type_id"))
    return held
