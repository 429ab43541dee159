"""Staff pages that change certificates: issue by hand, the batch of an exam session, and a
page per certificate with the lifecycle actions its status allows (review, suspend, reinstate,
revoke, cancel, renew, replace).

Who may act: the system admin, and the enterprise admin of the holder's current enterprise.
Other staff who can see the holder (regulators, trainers, a former employer's admin) get 403;
a certificate whose holder is outside the user's scope is 404, so its existence is not told.
Every change goes through certificates.services, which keeps the history with who and why; a
refusal there (CertificateError) is shown on the form and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certificates.forms import (
    IssueForm,
    RenewForm,
    ReplaceForm,
    ReviewForm,
    SessionIssueForm,
    StatusForm,
    sessions_for_batch,
)
from certificates.models import Certificate, CertificateEvent
from certificates.selectors import can_manage_certificates
from certificates.services.issuing import (
    CertificateError,
    certificate_issue,
    session_issue_certificates,
)
from certificates.services.lifecycle import (
    certificate_actions_allowed,
    certificate_change_status,
    certificate_renew,
    certificate_replace,
    certificate_review,
)
from roster.selectors import can_edit_person, person_list
from roster.services.audit import audit_record
from roster.views.common import staff_scope_required


@dataclass(frozen=True)
class Action:
    """One lifecycle step as the page offers it: its label, form and the service it calls.
    Which steps apply to a certificate, and for whom, the service says
    (certificate_actions_allowed)."""

    name: str
    label: str
    form_class: type[forms.Form]
    run: Callable[..., Certificate]
    danger: bool = False


def _review(certificate, data, actor):
    return certificate_review(
        certificate=certificate,
        actor=actor,
        on=data["on"],
        applied_on=data["applied_on"],
        reason=data["reason"],
    )


def _status(kind: str) -> Callable[..., Certificate]:
    def run(certificate, data, actor):
        return certificate_change_status(
            certificate=certificate, kind=kind, actor=actor, reason=data["reason"]
        )

    return run


def _renew(certificate, data, actor):
    return certificate_renew(
        certificate=certificate, actor=actor, reason=data["reason"], applied_on=data["applied_on"]
    )


def _replace(certificate, data, actor):
    return certificate_replace(
        certificate=certificate,
        actor=actor,
        reason=data["reason"],
        new_number=data["new_number"],
    )


Kind = CertificateEvent.Kind
ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "review",
            gettext_lazy("Record a review (复审)"),
            ReviewForm,
            _review,
        ),
        Action("renew", gettext_lazy("Renew (延续)"), RenewForm, _renew),
        Action(
            "replace",
            gettext_lazy("Replace the card (补证/换证)"),
            ReplaceForm,
            _replace,
        ),
        Action(
            "suspend",
            gettext_lazy("Suspend"),
            StatusForm,
            _status(Kind.SUSPENDED),
            danger=True,
        ),
        Action(
            "reinstate",
            gettext_lazy("Reinstate"),
            StatusForm,
            _status(Kind.REINSTATED),
        ),
        Action(
            "revoke",
            gettext_lazy("Revoke (撤销)"),
            StatusForm,
            _status(Kind.REVOKED),
            danger=True,
        ),
        Action(
            "cancel",
            gettext_lazy("Cancel (注销)"),
            StatusForm,
            _status(Kind.CANCELLED),
            danger=True,
        ),
    ]
}


def actions_for(user, certificate: Certificate) -> list[Action]:
    """The actions the service allows this user on the certificate now."""
    return [
        ACTIONS[name] for name in certificate_actions_allowed(actor=user, certificate=certificate)
    ]


def _require_manager(user) -> None:
    """Only the system admin and enterprise admins change certificates."""
    if not can_manage_certificates(user=user):
        raise PermissionDenied(_("Only enterprise admins and system admins manage certificates."))


def _certificate_or_deny(request, pk: int) -> Certificate:
    certificate = (
        Certificate.objects.select_related("certificate_type", "person", "enterprise")
        .filter(pk=pk)
        .first()
    )
    if (
        certificate is None
        or not person_list(user=request.user).filter(pk=certificate.person_id).exists()
    ):
        raise Http404(_("No such certificate in your scope."))
    if not can_edit_person(user=request.user, person=certificate.person):
        raise PermissionDenied(
            _("Only the system admin and the holder's enterprise admin manage this certificate.")
        )
    return certificate


def _detail(request, certificate: Certificate, bound: tuple[str, forms.Form] | None = None):
    action_forms = []
    bound_name = bound[0] if bound else None
    for action in actions_for(request.user, certificate):
        form = bound[1] if action.name == bound_name else action.form_class(prefix=action.name)
        action_forms.append((action, form))
    if bound and bound_name not in {a.name for a, _f in action_forms}:
        # A refused action that does not apply any more: still show why.
        action_forms.insert(0, (ACTIONS[bound_name], bound[1]))
    events = certificate.events.select_related("by").order_by("at", "pk")
    return render(
        request,
        "certificates/manage_certificate.html",
        {
            "certificate": certificate,
            "events": events,
            "action_forms": action_forms,
            "superseded_by": Certificate.objects.filter(supersedes=certificate).first(),
        },
    )


@staff_scope_required
def manage_index(request):
    """Where the admin starts: find a certificate by number, issue one, run a batch."""
    _require_manager(request.user)
    number = request.GET.get("number", "").strip()
    found = None
    if number:
        found = (
            Certificate.objects.filter(
                number__iexact=number, person__in=person_list(user=request.user)
            )
            .select_related("certificate_type", "person")
            .order_by("-issued_at")
        )
        audit_record(
            actor=request.user,
            action="certificate.lookup",
            summary=number,
            request=request,
            count=len(found),
        )
    return render(
        request,
        "certificates/manage_index.html",
        {"number": number, "found": found},
    )


@staff_scope_required
def certificate_manage(request, pk: int):
    _require_manager(request.user)
    certificate = _certificate_or_deny(request, pk)
    # The page shows a holder's personal data (and a 特种作业 number is the ID number).
    audit_record(
        actor=request.user,
        action="certificate.manage_view",
        target=certificate,
        summary=certificate.person.name,
        request=request,
    )
    return _detail(request, certificate)


@staff_scope_required
@require_POST
def certificate_action(request, pk: int, action: str):
    _require_manager(request.user)
    step = ACTIONS.get(action)
    if step is None:
        raise Http404
    certificate = _certificate_or_deny(request, pk)
    form = step.form_class(request.POST, prefix=step.name)
    if form.is_valid():
        try:
            result = step.run(certificate, form.cleaned_data, request.user)
        except CertificateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(action)s: done for %(number)s.")
                % {"action": step.label, "number": result.number},
            )
            return redirect("certificates_manage:certificate", pk=result.pk)
    certificate.refresh_from_db()
    return _detail(request, certificate, bound=(step.name, form))


@staff_scope_required
def issue(request):
    _require_manager(request.user)
    form = IssueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = certificate_issue(
                person=data["id_number"],
                ctype=data["certificate_type"],
                actor=request.user,
                reason=data["reason"],
                on=data["on"],
                elsewhere=form.exams_elsewhere(),
            )
        except CertificateError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Certificate %(number)s issued to %(name)s.")
                % {"number": certificate.number, "name": certificate.person.name},
            )
            return redirect("certificates_manage:certificate", pk=certificate.pk)
    return render(request, "certificates/manage_issue.html", {"form": form})


@staff_scope_required
def session_issue(request):
    """The certificates a session earned, issued at once; every person who gets none is
    listed with the reason."""
    _require_manager(request.user)
    if request.method == "POST":
        form = SessionIssueForm(request.POST, user=request.user)
    else:
        initial = {}
        chosen = request.GET.get("session", "")
        if chosen.isdigit():
            initial["session"] = sessions_for_batch(request.user).filter(pk=chosen).first()
        form = SessionIssueForm(initial=initial, user=request.user)
    outcome = None
    if request.method == "POST" and form.is_valid():
        session = form.cleaned_data["session"]
        try:
            issued, problems = session_issue_certificates(session=session, actor=request.user)
        except CertificateError as exc:
            form.add_error(None, exc.message)
        else:
            outcome = {"session": session, "issued": issued, "problems": problems}
    return render(
        request, "certificates/manage_session_issue.html", {"form": form, "outcome": outcome}
    )
