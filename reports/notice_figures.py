"""Notice acknowledgement figures (通知公告签收率) per region, industry or enterprise, for an
acting user: the same filters, scope and refusals as the other figures (reports.selectors),
the definitions in reports/definitions.py.

One aggregate query per table: receipts grouped by enterprise, then enterprises placed in
their group in Python (a county has hundreds of enterprises, not millions of receipts rows
to move)."""

from __future__ import annotations

from django.db.models import Count, F, Q

from config.days import day_end
from notices.audience import acknowledged_on_time, counted_by, due_by
from notices.models import NoticeReceipt
from roster.models import User

from .definitions import NOTICE_COUNT_CODES, with_notice_rates
from .selectors import ReportError, ReportParams, Row, Table, _groups, scoped_enterprises

GROUPINGS = ("region", "industry", "enterprise")


def empty_counts() -> dict[str, int]:
    return dict.fromkeys(NOTICE_COUNT_CODES, 0)


def per_enterprise(*, user: User, params: ReportParams) -> dict[int, dict[str, int]]:
    end = day_end(params.on)
    receipts = NoticeReceipt.objects.filter(
        notice__must_acknowledge=True,
        notice__publish_from__lt=end,
        enterprise__in=scoped_enterprises(user=user, params=params),
    ).filter(counted_by(end))  # who left the audience unacknowledged by then owes nothing
    if params.category:
        # Staff receipts of people of that category now; admins' receipts have no category.
        receipts = receipts.filter(
            person__employments__enterprise_id=F("enterprise_id"),
            person__employments__ended_on__isnull=True,
            person__employments__category=params.category,
        )
    # A notice withdrawn by the date asks nobody anything any more: its receipts leave the
    # other counts (no one is overdue for it) and are counted as withdrawn instead.
    withdrawn = Q(notice__withdrawn_at__lt=end)
    live = Q(notice__withdrawn_at__isnull=True) | Q(notice__withdrawn_at__gte=end)
    # Each receipt's own deadline: a late joiner's runs from the day they joined.
    due = live & due_by(end)
    acked = Q(acknowledged_at__lt=end)
    rows = (
        receipts.order_by()
        .values("enterprise_id")
        .annotate(
            notice_receipts=Count("pk", filter=live, distinct=True),
            notice_read=Count("pk", filter=live & Q(read_at__lt=end), distinct=True),
            notice_acknowledged=Count("pk", filter=live & acked, distinct=True),
            notice_due=Count("pk", filter=due, distinct=True),
            notice_on_time=Count(
                "pk",
                filter=due & acked & acknowledged_on_time(),
                distinct=True,
            ),
            notice_overdue=Count("pk", filter=due & ~acked, distinct=True),
            notice_withdrawn=Count("pk", filter=withdrawn, distinct=True),
        )
    )
    return {r.pop("enterprise_id"): r for r in rows}


def _group_key(by: str, params: ReportParams):
    if by == "enterprise":
        return lambda e: e["uscc"]
    if by == "industry":
        return lambda e: e["industry__code"]
    depth = len([c for c in params.region.path.split("/") if c]) if params.region else 0

    def region_key(e):
        codes = [c for c in e["region__path"].split("/") if c]
        return codes[depth] if len(codes) > depth else ""

    return region_key


def table(*, user: User, params: ReportParams, by: str) -> Table:
    if by not in GROUPINGS:
        raise ReportError(f"by: {', '.join(GROUPINGS)}")
    counts = per_enterprise(user=user, params=params)
    key = _group_key(by, params)
    found: dict[str, dict[str, int]] = {}
    enterprises = scoped_enterprises(user=user, params=params).filter(pk__in=list(counts))
    for e in enterprises.values("pk", "uscc", "industry__code", "region__path"):
        group = found.setdefault(key(e), empty_counts())
        for code in NOTICE_COUNT_CODES:
            group[code] += counts[e["pk"]][code]
    base = params.as_query()
    rows = []
    for code, name, drill in _groups(user=user, params=params, by=by, found=found):
        values = with_notice_rates(found.get(code, empty_counts()))
        rows.append(Row(code=code, name=name, values=values, drill=drill and {**base, **drill}))
    total = empty_counts()
    for group in found.values():
        for code in NOTICE_COUNT_CODES:
            total[code] += group[code]
    return Table(by=by, rows=rows, total=with_notice_rates(total))
