"""Jobs filled in a way the rules forbid: a mine's 劳务派遣 worker in a 特种作业 or underground
post (roster.models.DispatchRestriction, seeded for 煤矿 and 非煤矿山).

One definition, as SQL: `forbidden_q()` is a correlated EXISTS over the restriction rows for
an Employment queryset, so the regulator's figures (reports.figures), the enterprise's own
page and the exports flag exactly the same people, however many rules a province adds.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import StrIndex

from .models import DispatchRestriction, Employment, Enterprise


def _matching() -> QuerySet[DispatchRestriction]:
    """The restriction rows that match the outer employment row."""
    return (
        DispatchRestriction.objects.annotate(found_at=StrIndex(OuterRef("post"), "post_contains"))
        .filter(
            industry_id=OuterRef("enterprise__industry_id"),
            employment_form=OuterRef("employment_form"),
        )
        .filter(Q(personnel_category="") | Q(personnel_category=OuterRef("category")))
        .filter(Q(post_contains="") | Q(found_at__gt=0))
    )


def forbidden_q() -> Q:
    """True for an employment in a post its enterprise's industry may not fill with its
    employment form."""
    return Q(Exists(_matching()))


def with_forbidden_rule(qs: QuerySet[Employment]) -> QuerySet[Employment]:
    """Annotate `forbidden_rule`: the first matching rule's wording ("" when none)."""
    first = _matching().order_by("pk").values("rule")[:1]
    return qs.annotate(forbidden_rule=Subquery(first))


def forbidden_employments(*, enterprise: Enterprise) -> QuerySet[Employment]:
    """The enterprise's current jobs in forbidden posts, with the rule each breaks. The caller
    has checked that the user may see the enterprise (roster.selectors.enterprise_get)."""
    qs = enterprise.employments.filter(ended_on__isnull=True).filter(forbidden_q())
    return with_forbidden_rule(qs.select_related("person")).order_by("person__name", "pk")
