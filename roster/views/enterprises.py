from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from roster.choices import PersonnelCategory
from roster.dispatch import forbidden_employments
from roster.models import Enterprise
from roster.selectors import enterprise_get, enterprise_list, region_subtree

from .common import staff_scope_required


@staff_scope_required
def enterprise_list_view(request):
    qs = enterprise_list(user=request.user).annotate(
        headcount=Count("employments", filter=Q(employments__ended_on__isnull=True))
    )
    region_code = request.GET.get("region", "")
    if region_code:
        region = region_subtree(user=request.user).filter(code=region_code).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    search = request.GET.get("q", "").strip()[:50]
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(uscc=search.upper()))
    page = Paginator(qs.order_by("name"), settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "roster/enterprise_list.html",
        {
            "page": page,
            "regions": region_subtree(user=request.user).order_by("path")[:300],
            "region_code": region_code,
            "search": search,
        },
    )


@staff_scope_required
def enterprise_detail(request, uscc: str):
    try:
        enterprise = enterprise_get(user=request.user, uscc=uscc)
    except Enterprise.DoesNotExist as exc:
        raise Http404(_("No such enterprise in your scope.")) from exc
    by_category = (
        enterprise.employments.filter(ended_on__isnull=True)
        .values("category")
        .annotate(n=Count("pk"))
        .order_by("category")
    )
    labels = dict(PersonnelCategory.choices)
    by_category = [
        {**row, "category_label": labels.get(row["category"], row["category"])}
        for row in by_category
    ]
    return render(
        request,
        "roster/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "by_category": by_category,
            "departments": enterprise.departments.order_by("name"),
            "forbidden": list(forbidden_employments(enterprise=enterprise)),
        },
    )
