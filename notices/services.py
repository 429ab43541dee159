"""Commands over notices and the library. Each checks, once and here, that THIS user may do
THIS to THIS object, runs in one transaction and writes its audit row; a refusal raises
NoticeError with a message for the user (and the form field it belongs to) and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.html import linebreaks
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.documents.models import AbstractDocument
from wagtail.models import Collection, CollectionViewRestriction

from certificates.models import Notification
from question_banks.richtext import clean_html
from roster.choices import PersonnelCategory, Role
from roster.models import Department, Employment, Enterprise, Industry, Region, RoleGrant, User
from roster.selectors import DirectoryScope, administered_enterprises, directory_scope
from roster.services import audit_record

from .audience import ack_due_refresh, narrow_jobs
from .models import KnowledgeItem, Notice, NoticeAttachment, NoticeReceipt


class NoticeError(Exception):
    """A refusal with a message for the user; `field` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


# --------------------------------------------------------------------------- attachments

# What an attachment may be: its extension and the first bytes that prove it (never the
# name alone). Office files are either the old OLE container or the newer zip one.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
ALLOWED_TYPES = {
    ".pdf": (b"%PDF-",),
    ".doc": (_OLE,),
    ".xls": (_OLE,),
    ".docx": (_ZIP,),
    ".xlsx": (_ZIP,),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
MAX_ATTACHMENTS = 5


def attachment_max_bytes() -> int:
    return settings.NOTICE_ATTACHMENT_MAX_BYTES


def attachment_check(upload: File, *, field_name: str = "attachments") -> None:
    """PDF, Word, Excel, JPEG or PNG, no larger than the limit; NoticeError otherwise."""
    name = PurePath(upload.name or "").name
    if upload.size > attachment_max_bytes():
        raise NoticeError(
            _("“%(name)s” is larger than %(mb)s MB.")
            % {"name": name, "mb": attachment_max_bytes() // (1024 * 1024)},
            field_name,
        )
    signatures = ALLOWED_TYPES.get(PurePath(name).suffix.lower())
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if signatures is None or not any(head.startswith(sig) for sig in signatures):
        raise NoticeError(
            _("“%(name)s” is not allowed: attach PDF, Word, Excel, JPEG or PNG files.")
            % {"name": name},
            field_name,
        )


def _private_collection() -> Collection:
    """The collection that holds notice and library attachments. Wagtail's own document
    URL refuses everyone but system admins there (a group restriction with no group): the
    files are served by the notice's and the item's pages, which check the reader's scope."""
    name = "通知公告与资料库附件"
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=name).first()
    if collection is None:
        collection = root.add_child(name=name)
        CollectionViewRestriction.objects.create(
            collection=collection, restriction_type=CollectionViewRestriction.GROUPS
        )
    return collection


def _store_document(*, upload: File, actor: User) -> AbstractDocument:
    """The file goes under a random folder of media/documents/: MEDIA_ROOT is published at
    /media/ (config.storage), and under its own name alone an enterprise's rule or a notice's
    attachment would be open to anyone who guesses "documents/通知.pdf". Readers get it
    through the notice's and the item's pages; the download keeps its own name."""
    name = PurePath(upload.name or "").name or "附件"
    document = get_document_model()(
        title=PurePath(name).stem[:255] or "附件",
        collection=_private_collection(),
        uploaded_by_user=actor,
    )
    document.file.save(f"{secrets.token_urlsafe(16)}/{name}", upload, save=False)
    document.save()
    return document


def _clean_body(text: str) -> str:
    """Rich text in the safe subset the product cleans everywhere; plain text (no tags)
    keeps its paragraphs and line breaks."""
    text = (text or "").strip()
    if "<" not in text:
        return linebreaks(text, autoescape=True)
    return clean_html(text)


# --------------------------------------------------------------------------- notices


@dataclass
class NoticeData:
    kind: str
    title: str
    body: str
    publish_from: dt.datetime
    publish_until: dt.datetime | None = None
    must_acknowledge: bool = False
    ack_deadline: dt.datetime | None = None
    # regional
    region: Region | None = None
    industries: Sequence[Industry] = field(default_factory=list)
    include_staff: bool = False
    # enterprise
    enterprise: Enterprise | None = None
    departments: Sequence[Department] = field(default_factory=list)
    posts: Sequence[str] = field(default_factory=list)
    categories: Sequence[str] = field(default_factory=list)


def _check_window(data: NoticeData) -> None:
    if data.publish_until is not None and data.publish_until <= data.publish_from:
        raise NoticeError(_("The end of the window must be after its start."), "publish_until")
    if data.must_acknowledge:
        if data.ack_deadline is None:
            raise NoticeError(_("Give the date by which readers must acknowledge."), "ack_deadline")
        if data.ack_deadline <= data.publish_from or (
            data.publish_until is not None and data.ack_deadline > data.publish_until
        ):
            raise NoticeError(
                _("The acknowledgement deadline must fall within the publish window."),
                "ack_deadline",
            )


def _regional_enterprises(*, actor: User, data: NoticeData) -> list[Enterprise]:
    scope = directory_scope(actor)
    region = data.region
    if region is None:
        raise NoticeError(_("Choose the region the notice is for."), "region")
    if not scope.covers_region(region.path):
        raise NoticeError(
            _("The region %(name)s is outside your scope.") % {"name": region.name}, "region"
        )
    for industry in data.industries:
        if not scope.covers(region.path, industry.pk):
            raise NoticeError(
                _("The industry %(name)s is outside your scope.") % {"name": industry.name},
                "industries",
            )
    enterprises = scope.enterprises().filter(region__path__startswith=region.path, is_active=True)
    if data.industries:
        enterprises = enterprises.filter(industry__in=list(data.industries))
    return list(enterprises.select_related("region").order_by("pk"))


def _regional_receipts(
    *, notice: Notice, enterprises: list[Enterprise], staff: bool
) -> list[NoticeReceipt]:
    """Each enterprise's admins, and (when asked) every current employee."""
    receipts: dict[tuple, NoticeReceipt] = {}
    by_user: dict[int, NoticeReceipt] = {}
    grants = (
        RoleGrant.objects.filter(role=Role.ENTERPRISE_ADMIN, enterprise__in=enterprises)
        .select_related("user", "user__person")
        .order_by("enterprise_id", "user_id")
    )
    for grant in grants:
        user = grant.user
        if not user.is_active or user.pk in by_user:
            continue
        assert grant.enterprise_id is not None  # granted over one of these enterprises
        receipt = NoticeReceipt(
            notice=notice,
            enterprise_id=grant.enterprise_id,
            user=user,
            person_id=user.person_id,
            name=_reader_name(user),
            role=NoticeReceipt.Role.ADMIN,
        )
        by_user[user.pk] = receipt
        receipts[("u", user.pk)] = receipt
    if staff:
        jobs = Employment.objects.current().filter(enterprise__in=enterprises)
        _add_people(notice, jobs, receipts, by_user)
    return list(receipts.values())


def _reader_name(user: User) -> str:
    if user.person_id and user.person is not None:
        return user.person.name
    return user.get_full_name() or user.username


def _add_people(
    notice: Notice,
    jobs: QuerySet[Employment],
    receipts: dict[tuple, NoticeReceipt],
    by_user: dict[int, NoticeReceipt],
) -> None:
    taken_people = {r.person_id for r in receipts.values() if r.person_id}
    for job in jobs.select_related("person", "person__user").order_by("enterprise_id", "person_id"):
        person = job.person
        if person.pk in taken_people:
            continue
        taken_people.add(person.pk)
        user = getattr(person, "user", None)
        if user is not None and user.pk in by_user:
            continue
        receipts[("p", person.pk)] = NoticeReceipt(
            notice=notice,
            enterprise_id=job.enterprise_id,
            user=user if user is not None and user.is_active else None,
            person=person,
            name=person.name,
            role=NoticeReceipt.Role.STAFF,
        )


def _enterprise_jobs(*, actor: User, data: NoticeData) -> QuerySet[Employment]:
    enterprise = data.enterprise
    administered = administered_enterprises(user=actor)
    if enterprise is None or not administered.filter(pk=enterprise.pk).exists():
        raise NoticeError(_("You do not administer this enterprise."), "enterprise")
    for department in data.departments:
        if department.enterprise_id != enterprise.pk:
            raise NoticeError(
                _("The department %(name)s is not part of %(enterprise)s.")
                % {"name": department.name, "enterprise": enterprise.name},
                "departments",
            )
    known = set(PersonnelCategory.values)
    for category in data.categories:
        if category not in known:
            raise NoticeError(
                _("Unknown personnel category “%(c)s”.") % {"c": category}, "categories"
            )
    # The same choice the notice's receipts follow afterwards (notices.audience).
    return narrow_jobs(
        Employment.objects.current().filter(enterprise=enterprise),
        department_ids=[d.pk for d in data.departments],
        posts=data.posts,
        categories=data.categories,
    )


def _publisher_name(actor: User, data: NoticeData) -> str:
    if data.kind == Notice.Kind.ENTERPRISE:
        assert data.enterprise is not None  # an enterprise's notice names it (checked first)
        return data.enterprise.name
    assert data.region is not None  # a regional notice names its region (checked first)
    return _("%(region)s work-safety regulator") % {"region": data.region.name}


@transaction.atomic
def notice_publish(*, actor: User, data: NoticeData, uploads: Iterable = ()) -> Notice:
    """Publish a notice and resolve its audience to receipts, one per reader."""
    if not data.title.strip():
        raise NoticeError(_("Give the notice a title."), "title")
    if not (data.body or "").strip():
        raise NoticeError(_("Write the text of the notice."), "body")
    uploads = [u for u in uploads if u]
    if len(uploads) > MAX_ATTACHMENTS:
        raise NoticeError(_("At most %(n)s attachments.") % {"n": MAX_ATTACHMENTS}, "attachments")
    for upload in uploads:
        attachment_check(upload)
    _check_window(data)
    if data.kind == Notice.Kind.REGIONAL:
        if not (actor.is_superuser or directory_scope(actor).any):
            raise NoticeError(_("Only regulators publish notices to enterprises."), "region")
        enterprises = _regional_enterprises(actor=actor, data=data)
        jobs = None
    elif data.kind == Notice.Kind.ENTERPRISE:
        jobs = _enterprise_jobs(actor=actor, data=data)
        enterprises = None
    else:
        raise NoticeError(_("Choose who the notice is for."))

    notice = Notice(
        kind=data.kind,
        title=data.title.strip(),
        body=_clean_body(data.body),
        publisher=actor,
        publisher_name=_publisher_name(actor, data),
        region=data.region if data.kind == Notice.Kind.REGIONAL else None,
        include_staff=data.include_staff if data.kind == Notice.Kind.REGIONAL else False,
        enterprise=data.enterprise if data.kind == Notice.Kind.ENTERPRISE else None,
        posts=list(data.posts) if jobs is not None else [],
        categories=list(data.categories) if jobs is not None else [],
        publish_from=data.publish_from,
        publish_until=data.publish_until,
        must_acknowledge=data.must_acknowledge,
        ack_deadline=data.ack_deadline if data.must_acknowledge else None,
    )
    notice.full_clean()
    if enterprises is not None:
        receipts = _regional_receipts(
            notice=notice, enterprises=enterprises, staff=data.include_staff
        )
    else:
        assert jobs is not None  # an enterprise's notice: its jobs were chosen above
        receipts_map: dict = {}
        _add_people(notice, jobs, receipts_map, {})
        receipts = list(receipts_map.values())
    if not receipts:
        raise NoticeError(_("Nobody is in this audience: widen the choice."))
    notice.save()
    if data.kind == Notice.Kind.REGIONAL:
        notice.industries.set(data.industries)
    else:
        notice.departments.set(data.departments)
    for upload in uploads:
        NoticeAttachment.objects.create(
            notice=notice, document=_store_document(upload=upload, actor=actor)
        )
    for receipt in receipts:
        receipt.joined_at = notice.publish_from  # in the audience from its start
    NoticeReceipt.objects.bulk_create(receipts, batch_size=500)
    audit_record(
        actor=actor,
        action="notice.publish",
        target=notice,
        summary=notice.title,
        receipts=len(receipts),
    )
    return notice


# --------------------------------------------------------------------------- after publishing


def notice_check_changer(*, actor: User, notice: Notice) -> None:
    """Only the publisher changes or withdraws a notice, and only while it is still in their
    scope (a regulator moved to another county, an admin who left the enterprise, may not)."""
    if notice.publisher_id != actor.pk:
        raise NoticeError(_("Only the publisher may change or withdraw this notice."))
    if notice.kind == Notice.Kind.REGIONAL:
        in_scope = notice.region is not None and directory_scope(actor).covers_region(
            notice.region.path
        )
    else:
        in_scope = (
            notice.enterprise_id is not None
            and administered_enterprises(user=actor).filter(pk=notice.enterprise_id).exists()
        )
    if not in_scope:
        raise NoticeError(_("This notice's audience is no longer in your scope."))
    if notice.withdrawn_at is not None:
        raise NoticeError(_("This notice has been withdrawn."))


@dataclass
class NoticeChange:
    title: str
    body: str
    publish_until: dt.datetime | None
    must_acknowledge: bool
    ack_deadline: dt.datetime | None
    # Ask everyone to acknowledge again (their earlier acknowledgement no longer counts).
    ask_again: bool = False


@transaction.atomic
def notice_edit(*, actor: User, notice: Notice, change: NoticeChange) -> Notice:
    """Change a published notice's text and dates. Its audience and attachments stay (the
    receipts are who was told); readers see when it was changed. Acknowledgements stay
    unless the publisher asks again, which also puts it back among their unread notices."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    notice_check_changer(actor=actor, notice=notice)
    if not change.title.strip():
        raise NoticeError(_("Give the notice a title."), "title")
    if not (change.body or "").strip():
        raise NoticeError(_("Write the text of the notice."), "body")
    now = timezone.now()
    window = NoticeData(
        kind=notice.kind,
        title=change.title,
        body=change.body,
        publish_from=notice.publish_from,
        publish_until=change.publish_until,
        must_acknowledge=change.must_acknowledge,
        ack_deadline=change.ack_deadline,
    )
    if change.publish_until is not None and change.publish_until <= now:
        raise NoticeError(
            _("The end of the window must be in the future; to stop showing it, withdraw it."),
            "publish_until",
        )
    _check_window(window)
    asking_again = change.ask_again and change.must_acknowledge
    if asking_again and (change.ack_deadline is None or change.ack_deadline <= now):
        raise NoticeError(
            _("To ask again, give a deadline in the future."),
            "ack_deadline",
        )
    deadline_moved = change.ack_deadline != notice.ack_deadline
    notice.title = change.title.strip()
    notice.body = _clean_body(change.body)
    notice.publish_until = change.publish_until
    notice.must_acknowledge = change.must_acknowledge
    notice.ack_deadline = change.ack_deadline if change.must_acknowledge else None
    notice.edited_at = now
    notice.full_clean()
    notice.save()
    # Late joiners' own deadlines move with the notice's (notices.audience.ack_due).
    ack_due_refresh(notice)
    asked_again = 0
    if asking_again:
        asked_again = notice.receipts.filter(acknowledged_at__isnull=False).count()
        notice.receipts.update(acknowledged_at=None, read_at=None, overdue_notified_at=None)
    elif deadline_moved:
        # A new deadline: whoever has not acknowledged is reminded again if they miss it.
        notice.receipts.filter(acknowledged_at__isnull=True).update(overdue_notified_at=None)
    audit_record(
        actor=actor,
        action="notice.edit",
        target=notice,
        summary=notice.title,
        asked_again=asking_again,
        acknowledgements_cleared=asked_again,
    )
    return notice


@transaction.atomic
def notice_withdraw(*, actor: User, notice: Notice, reason: str = "") -> Notice:
    """Withdraw (撤回) a notice: readers no longer see it nor are reminded of it; the
    publisher keeps it and its receipts, and the figures count it as withdrawn."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    notice_check_changer(actor=actor, notice=notice)
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise NoticeError(_("At most 300 characters."), "reason")
    notice.withdrawn_at = timezone.now()
    notice.withdrawn_reason = reason
    notice.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    audit_record(
        actor=actor,
        action="notice.withdraw",
        target=notice,
        summary=notice.title,
        reason=reason,
    )
    return notice


def _own_receipts(*, user: User, notice: Notice) -> QuerySet[NoticeReceipt]:
    q = Q(user=user)
    if user.person_id:
        q |= Q(person_id=user.person_id)
    return NoticeReceipt.objects.filter(q, notice=notice, left_at__isnull=True)


@transaction.atomic
def notice_mark_read(*, user: User, notice: Notice) -> int:
    """Opening a notice marks the reader's own receipts read (first time only)."""
    now = timezone.now()
    own = _own_receipts(user=user, notice=notice)
    # A receipt made before the person had an account is theirs now.
    own.filter(user__isnull=True).update(user=user)
    return own.filter(read_at__isnull=True).update(read_at=now)


@transaction.atomic
def notice_acknowledge(*, actor: User, receipt: NoticeReceipt) -> NoticeReceipt:
    """The reader acknowledges for themself only; someone else's receipt is refused."""
    receipt = NoticeReceipt.objects.select_for_update().select_related("notice").get(pk=receipt.pk)
    mine = receipt.user_id == actor.pk or (
        actor.person_id is not None and receipt.person_id == actor.person_id
    )
    if not mine:
        raise NoticeError(_("You may acknowledge a notice only for yourself."))
    if receipt.left_at is not None:
        raise NoticeError(_("You are no longer among this notice's readers."))
    notice = receipt.notice
    if not notice.must_acknowledge:
        raise NoticeError(_("This notice does not ask for an acknowledgement."))
    now = timezone.now()
    if now < notice.publish_from:
        raise NoticeError(_("This notice is not published yet."))
    # Readers no longer see a withdrawn notice or one past its window; an acknowledgement
    # posted for it by receipt id would count in the figures for a notice nobody is shown.
    if notice.withdrawn_at is not None:
        raise NoticeError(_("This notice has been withdrawn."))
    if notice.publish_until is not None and now >= notice.publish_until:
        raise NoticeError(_("This notice is no longer shown."))
    if receipt.acknowledged_at is None:
        receipt.acknowledged_at = now
        receipt.read_at = receipt.read_at or now
        receipt.user = receipt.user or actor
        receipt.save(update_fields=["acknowledged_at", "read_at", "user"])
        audit_record(actor=actor, action="notice.acknowledge", target=notice, summary=notice.title)
    return receipt


def notice_overdue_notify(*, now: dt.datetime | None = None) -> int:
    """Tell each reader whose acknowledgement is overdue, and each enterprise's admins how
    many of their people are; every receipt is told once (marked in the same transaction,
    rows locked), so running it twice, or on two workers, sends nothing twice."""
    now = now or timezone.now()
    told = 0
    overdue_notices = (
        Notice.objects.filter(must_acknowledge=True, ack_deadline__lt=now, withdrawn_at=None)
        .filter(
            # Each reader's own deadline: a late joiner's comes after the notice's.
            Q(receipts__ack_due_at__lt=now) | Q(receipts__ack_due_at__isnull=True),
            receipts__acknowledged_at__isnull=True,
            receipts__overdue_notified_at__isnull=True,
            receipts__left_at__isnull=True,
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    for notice_id in list(overdue_notices):
        told += _notify_notice(notice_id, now)
    return told


def _local_minute(when: dt.datetime | None) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""


@transaction.atomic
def _notify_notice(notice_id: int, now: dt.datetime) -> int:
    notice = Notice.objects.get(pk=notice_id)
    if notice.withdrawn_at is not None:
        return 0
    receipts = list(
        NoticeReceipt.objects.select_for_update()
        .filter(
            notice=notice,
            acknowledged_at__isnull=True,
            overdue_notified_at__isnull=True,
            # Whoever left the audience owes nothing any more.
            left_at__isnull=True,
        )
        .filter(Q(ack_due_at__lt=now) | Q(ack_due_at__isnull=True))
        .select_related("enterprise")
    )
    if not receipts:
        return 0
    url = f"/notices/{notice.pk}/"
    deadline = _local_minute(notice.ack_deadline)
    per_enterprise: dict[int, list[NoticeReceipt]] = {}
    for receipt in receipts:
        per_enterprise.setdefault(receipt.enterprise_id, []).append(receipt)
        if receipt.user_id:
            Notification.objects.create(
                user_id=receipt.user_id,
                title=_("Acknowledgement overdue: %(title)s") % {"title": notice.title[:150]},
                body=_("Please read and acknowledge this notice; it was due by %(when)s.")
                % {"when": _local_minute(receipt.ack_due_at or notice.ack_deadline)},
                url=url,
            )
    admins = RoleGrant.objects.filter(
        role=Role.ENTERPRISE_ADMIN, enterprise_id__in=list(per_enterprise)
    ).values_list("enterprise_id", "user_id")
    for enterprise_id, user_id in admins:
        late = per_enterprise[enterprise_id]
        names = "、".join(r.name for r in late[:20]) + ("…" if len(late) > 20 else "")
        Notification.objects.create(
            user_id=user_id,
            title=(
                _("%(n)s of your people have not acknowledged: %(title)s")
                % {"n": len(late), "title": notice.title}
            )[:200],
            body=_("Due by %(when)s. Not yet acknowledged: %(names)s")
            % {"when": deadline, "names": names},
            url=url,
        )
    NoticeReceipt.objects.filter(pk__in=[r.pk for r in receipts]).update(overdue_notified_at=now)
    return len(receipts)


# --------------------------------------------------------------------------- the library


@dataclass
class KnowledgeData:
    kind: str
    title: str
    source: str
    doc_number: str
    issued_on: dt.date
    body: str = ""
    region: Region | None = None
    enterprise: Enterprise | None = None


def _scope_industries(scope: DirectoryScope, region_path: str) -> frozenset[int] | None:
    """The industries a regulator regulates in this region (None: every industry): the
    union over the grants whose area holds it; one grant of every industry there wins."""
    if scope.everything:
        return None
    found: set[int] = set()
    for area, industries in scope.areas:
        if region_path.startswith(area):
            if industries is None:
                return None
            found |= industries
    return frozenset(found)


@transaction.atomic
def knowledge_publish(
    *, actor: User, data: KnowledgeData, upload: File | None = None
) -> KnowledgeItem:
    """A regulator publishes to a region subtree within its grants; an enterprise admin to
    their own enterprise's people; the system admin anywhere (no region: everyone)."""
    if data.enterprise is not None and data.region is not None:
        raise NoticeError(_("Choose a region or an enterprise, not both."), "region")
    if data.enterprise is not None:
        if not administered_enterprises(user=actor).filter(pk=data.enterprise.pk).exists():
            raise NoticeError(_("You do not administer this enterprise."), "enterprise")
    elif data.region is not None:
        if not directory_scope(actor).covers_region(data.region.path):
            raise NoticeError(
                _("The region %(name)s is outside your scope.") % {"name": data.region.name},
                "region",
            )
    elif not actor.is_superuser:
        raise NoticeError(_("Choose the region or the enterprise it is for."), "region")
    if data.issued_on > timezone.localdate():
        raise NoticeError(_("The date issued cannot be in the future."), "issued_on")
    if not (data.body or "").strip() and upload is None:
        raise NoticeError(_("Give the text or attach the document."), "body")
    if upload is not None:
        attachment_check(upload, field_name="attachment")
    item = KnowledgeItem(
        kind=data.kind,
        title=data.title.strip(),
        source=data.source.strip(),
        doc_number=data.doc_number.strip(),
        issued_on=data.issued_on,
        body=_clean_body(data.body) if (data.body or "").strip() else "",
        region=data.region,
        enterprise=data.enterprise,
        published_by=actor,
    )
    item.full_clean(exclude=["attachment", "published_by"])
    if upload is not None:
        item.attachment = _store_document(upload=upload, actor=actor)
    item.save()
    if data.region is not None:
        industries = _scope_industries(directory_scope(actor), data.region.path)
        if industries is not None:
            item.industries.set(sorted(industries))
    audit_record(actor=actor, action="knowledge.publish", target=item, summary=item.title)
    return item
