"""The enterprise admin names the operation item of a special operator's job whose post maps
to no item of the catalogue (the gap list's "请设置操作项目"). The service decides who may."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from certificates.forms import OperationItemForm
from certificates.models import OperationAssignment
from certificates.services.issuing import CertificateError
from certificates.services.operation_items import (
    employment_operation_item_set,
    may_set_operation_item,
)
from roster.models import Employment
from roster.selectors import employment_list
from roster.views.common import staff_scope_required


@staff_scope_required
def operation_item(request, pk: int):
    try:
        employment = (
            employment_list(user=request.user).select_related("person", "enterprise").get(pk=pk)
        )
    except Employment.DoesNotExist as exc:
        raise Http404 from exc
    if not may_set_operation_item(user=request.user, employment=employment):
        raise PermissionDenied
    form = OperationItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ctype = form.cleaned_data["certificate_type"]
        try:
            employment_operation_item_set(actor=request.user, employment=employment, ctype=ctype)
        except CertificateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(name)s now needs the certificate for %(item)s.")
                % {"name": employment.person.name, "item": ctype.operation_item},
            )
            url = reverse("certificates:holders")
            return redirect(f"{url}?enterprise={employment.enterprise.uscc}#gaps")
    assigned = OperationAssignment.objects.filter(employment=employment).select_related(
        "certificate_type"
    )
    return render(
        request,
        "certificates/operation_item.html",
        {"employment": employment, "form": form, "assigned": assigned},
    )
