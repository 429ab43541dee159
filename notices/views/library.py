"""The shared library (法律法规、标准规范、政策文件、事故案例): list with search, an item, its
file, and the form regulators and enterprise admins publish with. Accident cases of the
warning-education pages are listed beside the library's own, linked, not copied."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import selectors
from ..forms import KnowledgeForm
from ..models import KnowledgeItem
from ..services import KnowledgeData, NoticeError, knowledge_publish

PAGE_ROWS = 100


@login_required
def library(request):
    query = request.GET.get("q", "").strip()[:100]
    kind = request.GET.get("kind", "")
    if kind not in KnowledgeItem.Kind.values:
        kind = ""
    items = selectors.knowledge_list(user=request.user, kind=kind, query=query)[:PAGE_ROWS]
    cases = []
    if kind in ("", KnowledgeItem.Kind.CASE):
        cases = selectors.warning_cases(query=query)[:PAGE_ROWS]
    context = {
        "items": items,
        "cases": cases,
        "query": query,
        "kind": kind,
        "kinds": KnowledgeItem.Kind.choices,
        "may_publish": _may_publish(request.user),
    }
    return render(request, "notices/library.html", context)


def _may_publish(user) -> bool:
    return (
        user.is_superuser
        or selectors.may_publish_regional(user)
        or selectors.may_publish_enterprise(user)
    )


@login_required
def knowledge_detail(request, pk: int):
    try:
        item = selectors.knowledge_get(user=request.user, pk=pk)
    except KnowledgeItem.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "notices/knowledge_detail.html", {"item": item})


@login_required
def knowledge_file(request, pk: int):
    try:
        item = selectors.knowledge_get(user=request.user, pk=pk)
    except KnowledgeItem.DoesNotExist as exc:
        raise Http404 from exc
    if item.attachment is None:
        raise Http404
    document = item.attachment
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.filename)


@login_required
def knowledge_create(request):
    user = request.user
    if not _may_publish(user):
        raise PermissionDenied
    regions = list(selectors.knowledge_publish_regions(user=user))
    enterprises = list(selectors.knowledge_publish_enterprises(user=user).order_by("name"))
    form = KnowledgeForm(
        request.POST or None, request.FILES or None, regions=regions, enterprises=enterprises
    )
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        data = KnowledgeData(
            kind=c["kind"],
            title=c["title"],
            source=c["source"],
            doc_number=c["doc_number"],
            issued_on=c["issued_on"],
            body=c["body"],
            region=c.get("region"),
            enterprise=c.get("enterprise"),
        )
        try:
            item = knowledge_publish(actor=user, data=data, upload=c["attachment"])
        except NoticeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Published to the library."))
            return redirect("notices:knowledge_detail", pk=item.pk)
    return render(
        request, "notices/knowledge_form.html", {"form": form}, status=400 if form.errors else 200
    )
