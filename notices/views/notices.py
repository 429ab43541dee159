"""Notice pages: readers' inbox and notice, acknowledging; the publisher's form, list,
receipts and their export. Thin: forms parse, services write, selectors read and scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from documents import xlsx
from roster.models import Department, Enterprise, Industry
from roster.selectors import administered_enterprises
from roster.services import audit_record

from .. import selectors
from ..forms import EnterpriseNoticeForm, NoticeEditForm, NoticeWithdrawForm, RegionalNoticeForm
from ..models import Notice, NoticeReceipt
from ..services import (
    NoticeChange,
    NoticeData,
    NoticeError,
    notice_acknowledge,
    notice_check_changer,
    notice_edit,
    notice_mark_read,
    notice_publish,
    notice_withdraw,
)

REGION_CHOICES = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def inbox(request):
    receipts = list(selectors.receipts_of(user=request.user))
    # One notice may reach a person twice (as admin and as employee): show it once.
    seen, rows = set(), []
    for receipt in receipts:
        if receipt.notice_id not in seen:
            seen.add(receipt.notice_id)
            rows.append(receipt)
    rows.sort(key=lambda r: r.read_at is not None)
    context = {
        "rows": rows,
        "may_publish": selectors.may_publish_regional(request.user)
        or selectors.may_publish_enterprise(request.user),
    }
    return render(request, "notices/inbox.html", context)


def _notice_for(user, pk: int):
    """(notice, the user's own receipt or None, may the user see receipts)."""
    # notice__pk, not notice_id: an id past any column in the address is then "no such row"
    # (Django's integer lookups know the column's range; a foreign key's own does not).
    receipt = selectors.receipts_of(user=user).filter(notice__pk=pk).first()
    managed = selectors.managed_notices(user=user).filter(pk=pk).first()
    if receipt is None and managed is None:
        raise Http404
    notice = receipt.notice if receipt else managed
    return notice, receipt, managed is not None


@login_required
def detail(request, pk: int):
    notice, receipt, manages = _notice_for(request.user, pk)
    first_read = receipt.read_at if receipt is not None else None
    if receipt is not None and receipt.read_at is None:
        notice_mark_read(user=request.user, notice=notice)
        receipt.refresh_from_db()
    context = {
        "notice": notice,
        "receipt": receipt,
        "manages": manages,
        "may_change": manages and selectors.may_change(user=request.user, notice=notice),
        # Changed after this reader first opened it (on an earlier visit).
        "changed_since_read": receipt is not None
        and notice.edited_at is not None
        and first_read is not None
        and first_read < notice.edited_at,
        "attachments": notice.attachments.select_related("document"),
        # The reader's own deadline: later than the notice's for someone who joined its
        # audience after it was published (notices.audience.ack_due).
        "ack_due": selectors.receipt_ack_due(receipt),
        "joined_late": receipt is not None
        and receipt.ack_due_at is not None
        and notice.ack_deadline is not None
        and receipt.ack_due_at > notice.ack_deadline,
        "overdue": notice.must_acknowledge
        and receipt is not None
        and receipt.acknowledged_at is None
        and (selectors.receipt_ack_due(receipt) or notice.ack_deadline) < timezone.now(),
    }
    return render(request, "notices/detail.html", context)


@require_POST
@login_required
def acknowledge(request, pk: int):
    receipt_id = request.POST.get("receipt", "")
    receipt = None
    if receipt_id.isdigit():
        receipt = NoticeReceipt.objects.filter(pk=int(receipt_id), notice__pk=pk).first()
    if receipt is None:
        receipt = selectors.receipts_of(user=request.user).filter(notice__pk=pk).first()
    if receipt is None:
        raise Http404
    try:
        notice_acknowledge(actor=request.user, receipt=receipt)
    except NoticeError as exc:
        return render(request, "notices/refused.html", {"message": exc.message}, status=403)
    messages.success(request, _("Acknowledged. Thank you."))
    return redirect("notices:detail", pk=pk)


@login_required
def attachment(request, pk: int, attachment_pk: int):
    notice, _receipt, _manages = _notice_for(request.user, pk)
    item = notice.attachments.select_related("document").filter(pk=attachment_pk).first()
    if item is None:
        raise Http404
    document = item.document
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


# --------------------------------------------------------------------------- publishers


def _changeable(request, pk: int) -> Notice:
    """A notice the user manages (404 otherwise); the service decides whether they may change
    it, and says why not."""
    try:
        return selectors.notice_for_manager(user=request.user, pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc


def _local(value):
    return timezone.localtime(value).replace(second=0, microsecond=0) if value else None


@login_required
def edit(request, pk: int):
    notice = _changeable(request, pk)
    try:
        notice_check_changer(actor=request.user, notice=notice)
    except NoticeError as exc:
        return render(request, "notices/refused.html", {"message": exc.message}, status=403)
    initial = {
        "title": notice.title,
        "body": notice.body,
        "publish_until": _local(notice.publish_until),
        "must_acknowledge": notice.must_acknowledge,
        "ack_deadline": _local(notice.ack_deadline),
    }
    form = NoticeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            notice_edit(
                actor=request.user,
                notice=notice,
                change=NoticeChange(
                    title=c["title"],
                    body=c["body"],
                    publish_until=c["publish_until"],
                    must_acknowledge=c["must_acknowledge"],
                    ack_deadline=c["ack_deadline"],
                    ask_again=c["ask_again"],
                ),
            )
        except NoticeError as exc:
            if exc.field not in form.fields:
                return render(request, "notices/refused.html", {"message": exc.message}, status=403)
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("The notice has been changed."))
            return redirect("notices:receipts", pk=notice.pk)
    status = 400 if form.errors else 200
    return render(request, "notices/edit.html", {"form": form, "notice": notice}, status=status)


@require_POST
@login_required
def withdraw(request, pk: int):
    notice = _changeable(request, pk)
    form = NoticeWithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else request.POST.get("reason", "")
    try:
        notice_withdraw(actor=request.user, notice=notice, reason=reason)
    except NoticeError as exc:
        return render(request, "notices/refused.html", {"message": exc.message}, status=403)
    messages.success(request, _("The notice has been withdrawn: readers no longer see it."))
    return redirect("notices:receipts", pk=notice.pk)


def _kind(request) -> str:
    user = request.user
    wanted = request.GET.get("kind") or request.POST.get("kind") or ""
    regional = selectors.may_publish_regional(user)
    enterprise = selectors.may_publish_enterprise(user)
    if wanted == Notice.Kind.ENTERPRISE and enterprise:
        return wanted
    if wanted == Notice.Kind.REGIONAL and regional:
        return wanted
    if regional:
        return Notice.Kind.REGIONAL
    if enterprise:
        return Notice.Kind.ENTERPRISE
    raise PermissionDenied


def _form(request, kind: str, data=None, files=None):
    user = request.user
    if kind == Notice.Kind.REGIONAL:
        regions = selectors.publish_regions(user=user)
        if regions.count() > REGION_CHOICES:
            # A province holds thousands of townships: the list stops at counties there.
            regions = regions.filter(level__lte=3)
        return RegionalNoticeForm(
            data,
            files,
            regions=regions,
            industries=Industry.objects.order_by("sort_order", "code"),
            initial={"publish_from": timezone.localtime().replace(second=0, microsecond=0)},
        )
    enterprises = administered_enterprises(user=user).order_by("name")
    return EnterpriseNoticeForm(
        data,
        files,
        enterprises=enterprises,
        departments=Department.objects.filter(enterprise__in=enterprises)
        .select_related("enterprise")
        .order_by("enterprise__name", "name"),
        initial={
            "publish_from": timezone.localtime().replace(second=0, microsecond=0),
            "enterprise": enterprises.first(),
        },
    )


@login_required
def create(request):
    kind = _kind(request)
    form = _form(request, kind, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        data = NoticeData(
            kind=kind,
            title=c["title"],
            body=c["body"],
            publish_from=c["publish_from"],
            publish_until=c["publish_until"],
            must_acknowledge=c["must_acknowledge"],
            ack_deadline=c["ack_deadline"],
            region=c.get("region"),
            industries=list(c.get("industries") or []),
            include_staff=bool(c.get("include_staff")),
            enterprise=c.get("enterprise"),
            departments=list(c.get("departments") or []),
            posts=c.get("posts") or [],
            categories=c.get("categories") or [],
        )
        try:
            notice = notice_publish(actor=request.user, data=data, uploads=c["attachments"])
        except NoticeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Published to %(n)s readers.") % {"n": notice.receipts.count()},
            )
            return redirect("notices:receipts", pk=notice.pk)
    context = {
        "form": form,
        "kind": kind,
        "other_kind": (
            Notice.Kind.ENTERPRISE
            if kind == Notice.Kind.REGIONAL and selectors.may_publish_enterprise(request.user)
            else Notice.Kind.REGIONAL
            if kind == Notice.Kind.ENTERPRISE and selectors.may_publish_regional(request.user)
            else ""
        ),
    }
    return render(request, "notices/form.html", context, status=400 if form.errors else 200)


@login_required
def published(request):
    user = request.user
    if not (
        selectors.may_publish_regional(user)
        or selectors.may_publish_enterprise(user)
        or selectors.managed_notices(user=user).exists()
    ):
        raise PermissionDenied
    # Who left the audience without acknowledging (or reading) counts nowhere
    # (notices.audience.counted_q, here for every notice in one query).
    counted = (
        Q(receipts__left_at__isnull=True)
        | Q(receipts__acknowledged_at__isnull=False)
        | Q(must_acknowledge=False, receipts__read_at__isnull=False)
    )
    notices = selectors.managed_notices(user=user).annotate(
        total=Count("receipts", filter=counted, distinct=True),
        read=Count("receipts", filter=counted & Q(receipts__read_at__isnull=False), distinct=True),
        acknowledged=Count(
            "receipts", filter=Q(receipts__acknowledged_at__isnull=False), distinct=True
        ),
    )[:200]
    return render(request, "notices/published.html", {"notices": notices})


def _receipts_context(request, notice):
    pending = request.GET.get("pending", "")
    if pending not in ("", "read", "ack"):
        pending = ""
    enterprise = None
    uscc = request.GET.get("enterprise", "")
    if uscc:
        enterprise = Enterprise.objects.filter(
            uscc=uscc, pk__in=notice.receipts.values("enterprise_id")
        ).first()
    return {
        "notice": notice,
        "pending": pending,
        "enterprise": enterprise,
        "by_enterprise": selectors.receipts_by_enterprise(notice=notice),
        "rows": selectors.receipt_list(notice=notice, enterprise=enterprise, pending=pending),
    }


@login_required
def receipts(request, pk: int):
    try:
        notice = selectors.notice_for_manager(user=request.user, pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc
    context = _receipts_context(request, notice)
    context["may_change"] = selectors.may_change(user=request.user, notice=notice)
    context["withdraw_form"] = NoticeWithdrawForm()
    # A county-wide notice reaches thousands: the page shows them 100 at a time.
    context["page"] = Paginator(context["rows"], 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context["querystring"] = query.urlencode()
    audit_record(
        actor=request.user,
        action="notice.receipts_view",
        target=notice,
        summary=notice.title,
        request=request,
    )
    return render(request, "notices/receipts.html", context)


@login_required
def receipts_xlsx(request, pk: int):
    try:
        notice = selectors.notice_for_manager(user=request.user, pk=pk)
    except Notice.DoesNotExist as exc:
        raise Http404 from exc
    context = _receipts_context(request, notice)
    book = xlsx.workbook()
    sheet = xlsx.add_sheet(book, _("Receipts"), widths=[30, 20, 14, 12, 18, 18, 12], freeze="A3")
    xlsx.append(sheet, [notice.title], font=xlsx.BOLD)
    xlsx.append(
        sheet,
        [
            _("Enterprise"),
            _("Unified social credit code"),
            _("Name"),
            _("As"),
            _("Read at"),
            _("Acknowledged at"),
            _("Status"),
        ],
        font=xlsx.BOLD,
    )

    def when(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    for r in context["rows"]:
        if r.left_at and not r.acknowledged_at:
            status = _("Left the audience")
        elif r.acknowledged_at:
            status = _("Acknowledged")
        elif r.read_at:
            status = _("Read, not acknowledged") if notice.must_acknowledge else _("Read")
        else:
            status = _("Not read")
        xlsx.append(
            sheet,
            [
                r.enterprise.name,
                r.enterprise.uscc,
                r.name,
                r.get_role_display(),
                when(r.read_at),
                when(r.acknowledged_at),
                status,
            ],
        )
    audit_record(
        actor=request.user,
        action="notice.receipts_export",
        target=notice,
        summary=notice.title,
        request=request,
    )
    response = HttpResponse(xlsx.to_bytes(book), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="notice-{notice.pk}-receipts.xlsx"'
    return response
