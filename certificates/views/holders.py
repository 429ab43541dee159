"""Staff pages: the holders' roster (with 持证上岗 gaps and what falls due), its .xlsx export
and a certificate's page with its history. Thin: selectors read, audit_record logs."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.exports import holders_workbook
from certificates.models import Certificate, CertificateState, CertificateType
from certificates.selectors import (
    HOLDER_STATES,
    can_manage_certificate,
    can_manage_certificates,
    certificate_get,
    certificate_list,
    expiring,
    holder_gaps,
    may_see_verifications,
    number_masked,
)
from roster.models import Enterprise, Person
from roster.selectors import administered_enterprises, enterprise_list, person_list
from roster.services import audit_record
from roster.views.common import staff_scope_required

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECTION_ROWS = 100  # the page shows this many gaps / due rows; the export has them all


@dataclass(frozen=True)
class HolderFilters:
    enterprise: Enterprise | None
    state: str
    type_code: str
    search: str
    problems: tuple[str, ...]
    # One holder's certificates (the link from a person's page); None: everyone's.
    person: Person | None = None

    def as_audit(self) -> dict[str, str]:
        values = {
            "enterprise": self.enterprise.uscc if self.enterprise else "",
            "state": self.state,
            "type": self.type_code,
            "search": self.search,
            "person": str(self.person.pk) if self.person else "",
        }
        return {k: v for k, v in values.items() if v}

    def certificates(self, *, user, on):
        """The certificates these filters select within the user's scope."""
        return certificate_list(
            user=user,
            enterprise=self.enterprise,
            state=self.state,
            type_code=self.type_code,
            search=self.search,
            person_id=self.person.pk if self.person else None,
            on=on,
        )


def holder_filters(request, params=None) -> HolderFilters:
    """The list's filters from the query string (the export and the PDF batch read the same
    ones). A value outside the choices is dropped with a message rather than silently
    matching nothing."""
    params = request.GET if params is None else params
    problems = []
    enterprise = None
    uscc = params.get("enterprise", "")
    if uscc:
        enterprise = enterprise_list(user=request.user).filter(uscc=uscc).first()
        if enterprise is None:
            problems.append(_("That enterprise is not in your scope."))
    state = params.get("state", "")
    if state and state not in CertificateState.values:
        problems.append(_("Unknown certificate state; showing every state."))
        state = ""
    type_code = params.get("type", "")
    if type_code and not CertificateType.objects.filter(code=type_code).exists():
        problems.append(_("Unknown certificate type; showing every type."))
        type_code = ""
    person = None
    person_pk = params.get("person", "")
    if person_pk:
        person = (
            person_list(user=request.user).filter(pk=person_pk).first()
            if person_pk.isdigit()
            else None
        )
        if person is None:
            problems.append(_("That person is not in your scope; showing everyone."))
    return HolderFilters(
        person=person,
        enterprise=enterprise,
        state=state,
        type_code=type_code,
        search=params.get("q", "")[:50],
        problems=tuple(problems),
    )


def _with_masked_numbers(certificates):
    for certificate in certificates:
        certificate.number_shown = number_masked(certificate)
    return certificates


@staff_scope_required
def holders(request):
    today = timezone.localdate()
    filters = holder_filters(request)
    for problem in filters.problems:
        messages.error(request, problem)
    rows = filters.certificates(user=request.user, on=today)
    page = Paginator(rows, settings.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    _with_masked_numbers(page.object_list)
    gaps = holder_gaps(user=request.user, enterprise=filters.enterprise, on=today)
    due = expiring(user=request.user, enterprise=filters.enterprise, on=today)
    due_count = due.count()
    due_rows = _with_masked_numbers(list(due[:SECTION_ROWS]))
    audit_record(
        actor=request.user,
        action="certificates.holders",
        request=request,
        summary=filters.enterprise.name if filters.enterprise else "",
        count=page.paginator.count,
        gaps=len(gaps),
        filters=filters.as_audit(),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "certificates/holders.html",
        {
            "today": today,
            "page": page,
            "filters": filters,
            "enterprises": enterprise_list(user=request.user).order_by("name")[:500],
            "states": [(s.value, s.label) for s in HOLDER_STATES],
            "types": CertificateType.objects.order_by("family", "code"),
            "gaps": gaps[:SECTION_ROWS],
            "gap_count": len(gaps),
            "due": due_rows,
            "due_count": due_count,
            "section_rows": SECTION_ROWS,
            "querystring": query.urlencode(),
            "can_manage": can_manage_certificates(user=request.user),
        },
    )


@staff_scope_required
def holders_export(request):
    """The list's certificates (same filters), all gaps and all due rows, as .xlsx; full ID
    numbers only for the enterprises the user administers."""
    today = timezone.localdate()
    filters = holder_filters(request)
    if filters.problems:
        # A file silently exported with other filters than the ones asked for would mislead.
        raise Http404(" ".join(filters.problems))
    certificates = filters.certificates(user=request.user, on=today)
    if request.user.is_superuser:
        unmasked = None
    else:
        unmasked = set(administered_enterprises(user=request.user).values_list("pk", flat=True))
    content, count = holders_workbook(
        certificates=certificates.iterator(chunk_size=2000),
        gaps=holder_gaps(user=request.user, enterprise=filters.enterprise, on=today),
        due=expiring(user=request.user, enterprise=filters.enterprise, on=today),
        unmasked_enterprises=unmasked,
        on=today,
    )
    audit_record(
        actor=request.user,
        action="certificates.export",
        request=request,
        summary=f"{count}",
        count=count,
        masked=unmasked is not None,
        filters=filters.as_audit(),
    )
    suffix = f"{filters.enterprise.uscc}-" if filters.enterprise else ""
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="certificates-{suffix}{today:%Y%m%d}.xlsx"'
    )
    response["Cache-Control"] = "no-store"  # personal data: no copies in caches
    return response


def certificate_or_404(request, pk: int) -> Certificate:
    try:
        return certificate_get(user=request.user, pk=pk)
    except Certificate.DoesNotExist as exc:
        raise Http404(_("No such certificate in your scope.")) from exc


@staff_scope_required
def certificate_detail(request, pk: int):
    certificate = certificate_or_404(request, pk)
    certificate.number_shown = number_masked(certificate)
    show_verifications = may_see_verifications(user=request.user, certificate=certificate)
    audit_record(
        actor=request.user,
        action="certificate.view",
        target=certificate,
        summary=f"{certificate.person.name} {certificate.certificate_type.code}",
        request=request,
    )
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "today": timezone.localdate(),
            "events": certificate.events.select_related("by").order_by("at", "pk"),
            "show_verifications": show_verifications,
            "can_manage": can_manage_certificate(user=request.user, certificate=certificate),
            "verifications": certificate.verifications.order_by("-at")[:200]
            if show_verifications
            else [],
        },
    )
