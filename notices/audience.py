"""Who a notice is for, as a query over the rosters, and its receipts kept in step with them.

A notice's readers become receipt rows when it is published, so the publisher's list, the
readers' unread count and the figures all read one indexed table. People join an audience
afterwards (hired, transferred in, their department, post or category changed) and others
leave it; while the notice's window is open, its rows follow the rosters:

- the roster's services send roster.events.jobs_changed with the people concerned, and
  `readers_sync_task` (after the commit) adds the newcomers' rows and marks the leavers'
  (`left_at`) on the open notices that can concern them;
- a nightly run over every open notice catches what no roster service announces: a new or
  removed enterprise admin, an enterprise that changed industry or closed.

A leaver's row stays with what they did (the history). One who had not done what the notice
asks (acknowledge it, or read it when no acknowledgement is asked) no longer counts as owing
it: `counted_q` is the one definition the receipt page, the export and the figures share.
The chosen alternative, resolving the audience on every read, would make the unread count
and the figures re-derive scopes from the rosters on each request, and lose who was told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from roster.choices import Role
from roster.models import Employment, Enterprise, RoleGrant, User
from roster.selectors import directory_scope

from .models import Notice, NoticeReceipt


def counted_q(*, must_acknowledge: bool) -> Q:
    """Receipts that count for a notice: whoever is still in its audience, and leavers who
    had already done what it asked."""
    done = Q(acknowledged_at__isnull=False) if must_acknowledge else Q(read_at__isnull=False)
    return Q(left_at__isnull=True) | done


def counted_by(end: dt.datetime) -> Q:
    """counted_q as of a moment (the figures' date), for notices asking an acknowledgement:
    only readers who had joined the audience by then."""
    still_in = Q(left_at__isnull=True) | Q(left_at__gte=end) | Q(acknowledged_at__lt=end)
    return Q(joined_at__lt=end) & still_in


def due_by(end: dt.datetime) -> Q:
    """Receipts whose own acknowledgement deadline (a late joiner's, else the notice's) had
    passed by `end`: for the figures' "due" and "overdue" in place of the notice's deadline."""
    return Q(ack_due_at__isnull=True, notice__ack_deadline__lt=end) | Q(ack_due_at__lt=end)


def acknowledged_on_time() -> Q:
    """Acknowledged by the receipt's own deadline."""
    return Q(ack_due_at__isnull=True, acknowledged_at__lte=F("notice__ack_deadline")) | Q(
        acknowledged_at__lte=F("ack_due_at")
    )


def ack_due(notice: Notice, joined_at: dt.datetime) -> dt.datetime | None:
    """A reader's own acknowledgement deadline: the notice's for whoever was in its audience
    when it was published; for a late joiner, their joining plus the time the notice gave
    everyone (its deadline less its start), if that is later. Nobody is overdue the moment
    they join."""
    if not notice.must_acknowledge or notice.ack_deadline is None:
        return None
    if joined_at <= notice.publish_from:
        return notice.ack_deadline
    return max(notice.ack_deadline, joined_at + (notice.ack_deadline - notice.publish_from))


def receipt_ack_due(receipt: NoticeReceipt | None) -> dt.datetime | None:
    """A receipt's own deadline (a row made without one: its notice's)."""
    if receipt is None or not receipt.notice.must_acknowledge:
        return None
    return receipt.ack_due_at or receipt.notice.ack_deadline


def own_deadline(notice: Notice, joined_at: dt.datetime) -> dt.datetime | None:
    """What a receipt keeps in `ack_due_at`: a deadline of its own only when it is later
    than the notice's (None: the notice's, which then moves with the notice)."""
    due = ack_due(notice, joined_at)
    return due if due is not None and due != notice.ack_deadline else None


def ack_due_refresh(notice: Notice) -> None:
    """Late joiners' own deadlines after the notice's deadline changed (everyone else's is
    the notice's, read from it)."""
    late = list(notice.receipts.filter(joined_at__gt=notice.publish_from).only("joined_at"))
    for receipt in late:
        receipt.ack_due_at = own_deadline(notice, receipt.joined_at)
    NoticeReceipt.objects.bulk_update(late, ["ack_due_at"], batch_size=500)


def narrow_jobs(
    jobs: QuerySet[Employment],
    *,
    department_ids: Collection[int],
    posts: Collection[str],
    categories: Collection[str],
) -> QuerySet[Employment]:
    """An enterprise notice's choice of people; a department's workshops and teams are part
    of it."""
    if department_ids:
        ids = list(department_ids)
        jobs = jobs.filter(
            Q(department_id__in=ids)
            | Q(department__parent_id__in=ids)
            | Q(department__parent__parent_id__in=ids)
        )
    if posts:
        jobs = jobs.filter(post__in=list(posts))
    if categories:
        jobs = jobs.filter(category__in=list(categories))
    return jobs


def regional_enterprises(notice: Notice) -> QuerySet[Enterprise]:
    """The active enterprises of a regulator's notice: its region subtree, of its industries
    (none chosen: the industries its publisher regulates)."""
    enterprises = Enterprise.objects.filter(
        is_active=True, region__path__startswith=notice.region.path
    )
    industries = list(notice.industries.values_list("pk", flat=True))
    if industries:
        return enterprises.filter(industry_id__in=industries)
    return enterprises.filter(pk__in=directory_scope(notice.publisher).enterprises().values("pk"))


def staff_jobs(notice: Notice) -> QuerySet[Employment]:
    """The current jobs of the people a notice is for (besides a regional notice's admins)."""
    if notice.kind == Notice.Kind.ENTERPRISE:
        return narrow_jobs(
            Employment.objects.current().filter(enterprise_id=notice.enterprise_id),
            department_ids=list(notice.departments.values_list("pk", flat=True)),
            posts=notice.posts,
            categories=notice.categories,
        )
    if not notice.include_staff:
        return Employment.objects.none()
    return Employment.objects.current().filter(enterprise__in=regional_enterprises(notice))


def admin_grants(notice: Notice) -> QuerySet[RoleGrant]:
    if notice.kind != Notice.Kind.REGIONAL:
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(
        role=Role.ENTERPRISE_ADMIN,
        enterprise__in=regional_enterprises(notice),
        user__is_active=True,
    )


def reader_name(user: User) -> str:
    if user.person_id:
        return user.person.name
    return user.get_full_name() or user.username


def wanted_receipts(
    notice: Notice, *, person_ids: Collection[int] | None = None
) -> list[NoticeReceipt]:
    """Unsaved receipts of the audience now (of `person_ids` only, when given): a regional
    notice's enterprise admins first, then the people, each reader once."""
    by_user: dict[int, NoticeReceipt] = {}
    grants = admin_grants(notice).select_related("user", "user__person")
    if person_ids is not None:
        grants = grants.filter(user__person_id__in=list(person_ids))
    for grant in grants.order_by("enterprise_id", "user_id"):
        if grant.user_id not in by_user:
            by_user[grant.user_id] = NoticeReceipt(
                notice=notice,
                enterprise_id=grant.enterprise_id,
                user=grant.user,
                person_id=grant.user.person_id,
                name=reader_name(grant.user),
                role=NoticeReceipt.Role.ADMIN,
            )
    taken = {r.person_id for r in by_user.values() if r.person_id}
    staff: list[NoticeReceipt] = []
    jobs = staff_jobs(notice)
    if person_ids is not None:
        jobs = jobs.filter(person_id__in=list(person_ids))
    for job in jobs.select_related("person", "person__user").order_by("enterprise_id", "person_id"):
        person = job.person
        user = getattr(person, "user", None)
        if person.pk in taken or (user is not None and user.pk in by_user):
            continue
        taken.add(person.pk)
        staff.append(
            NoticeReceipt(
                notice=notice,
                enterprise_id=job.enterprise_id,
                user=user if user is not None and user.is_active else None,
                person=person,
                name=person.name,
                role=NoticeReceipt.Role.STAFF,
            )
        )
    return list(by_user.values()) + staff


def open_notices(now: dt.datetime) -> QuerySet[Notice]:
    """Notices whose audience still follows the rosters: not withdrawn, window not over."""
    return Notice.objects.filter(withdrawn_at__isnull=True).filter(
        Q(publish_until__isnull=True) | Q(publish_until__gt=now)
    )


@transaction.atomic
def notice_readers_sync(
    *, notice: Notice, person_ids: Collection[int] | None = None, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Bring one open notice's receipts in step with its audience (of `person_ids` only,
    when given): newcomers get a row, leavers' rows are marked, returners count again (at
    their current enterprise). Returns (added, left)."""
    now = now or timezone.now()
    # Only the receipts locked: the person filter joins the (nullable) user.
    existing = notice.receipts.select_for_update(of=("self",))
    if person_ids is not None:
        ids = list(person_ids)
        existing = existing.filter(Q(person_id__in=ids) | Q(user__person_id__in=ids))
    rows = list(existing)
    by_user = {r.user_id: r for r in rows if r.user_id}
    by_person = {r.person_id: r for r in rows if r.person_id}
    kept: set[int] = set()
    new: list[NoticeReceipt] = []
    for wanted in wanted_receipts(notice, person_ids=person_ids):
        row = (by_user.get(wanted.user_id) if wanted.user_id else None) or (
            by_person.get(wanted.person_id) if wanted.person_id else None
        )
        if row is None:
            new.append(wanted)
            continue
        kept.add(row.pk)
        if row.left_at is not None or row.enterprise_id != wanted.enterprise_id:
            row.left_at = None
            row.enterprise_id = wanted.enterprise_id
            row.save(update_fields=["left_at", "enterprise"])
    for receipt in new:
        # Joined now, or when the notice starts if it has not yet (then as if published to).
        receipt.joined_at = max(now, notice.publish_from)
        receipt.ack_due_at = own_deadline(notice, receipt.joined_at)
    leavers = [r.pk for r in rows if r.pk not in kept and r.left_at is None]
    if leavers:
        NoticeReceipt.objects.filter(pk__in=leavers).update(left_at=now)
    NoticeReceipt.objects.bulk_create(new, batch_size=500)
    return len(new), len(leavers)


def _concerning(person_ids: Collection[int], now: dt.datetime) -> list[Notice]:
    """The open notices that can concern these people: those they have a row of, those of
    the enterprises they work at or administer, and the regional ones above those."""
    ids = list(person_ids)
    notices = open_notices(now).select_related("region", "publisher")
    if not notices.exists():
        # The usual case after a roster import: nothing open, so nothing to look up for the
        # thousands of people it names.
        return []
    enterprise_ids = set(
        Employment.objects.current()
        .filter(person_id__in=ids)
        .values_list("enterprise_id", flat=True)
    ) | set(
        RoleGrant.objects.filter(
            role=Role.ENTERPRISE_ADMIN, user__person_id__in=ids, enterprise__isnull=False
        ).values_list("enterprise_id", flat=True)
    )
    paths = list(
        Enterprise.objects.filter(pk__in=enterprise_ids).values_list("region__path", flat=True)
    )
    had = set(
        NoticeReceipt.objects.filter(
            Q(person_id__in=ids) | Q(user__person_id__in=ids), notice__in=notices
        ).values_list("notice_id", flat=True)
    )
    found = []
    for notice in notices.filter(
        Q(pk__in=had) | Q(enterprise_id__in=enterprise_ids) | Q(kind=Notice.Kind.REGIONAL)
    ):
        regional_here = notice.kind == Notice.Kind.REGIONAL and any(
            path.startswith(notice.region.path) for path in paths
        )
        if notice.pk in had or notice.kind == Notice.Kind.ENTERPRISE or regional_here:
            found.append(notice)
    return found


def notices_readers_sync(
    *, person_ids: Collection[int] | None = None, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Every open notice that can concern these people (every open notice: None), synced."""
    now = now or timezone.now()
    if person_ids is None:
        notices = list(open_notices(now).select_related("region", "publisher"))
    else:
        notices = _concerning(person_ids, now)
    added = left = 0
    for notice in notices:
        a, b = notice_readers_sync(notice=notice, person_ids=person_ids, now=now)
        added += a
        left += b
    return added, left
