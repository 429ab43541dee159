"""Transfer requests (调入申请): the list both sides read, and the three decisions.

Thin: roster.selectors says which requests a user reaches and may decide; roster.services
.transfers decides, checks again and refuses with a RosterError. A request the user cannot
reach is 404; one they reach but may not act on (the asking side accepting, say) is 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roster.choices import Role
from roster.models import TransferRequest
from roster.selectors import transfer_incoming, transfer_outgoing, user_has_role
from roster.services import RosterError, audit_record
from roster.services.transfers import transfer_accept, transfer_cancel, transfer_refuse

from .common import staff_scope_required

PENDING = TransferRequest.Status.PENDING
_RECENT = 50  # decided requests shown below the waiting ones


def _require_transfer_role(user) -> None:
    if not user_has_role(user, Role.ENTERPRISE_ADMIN, Role.REGULATOR):
        raise PermissionDenied(_("Transfer requests are for enterprise admins and regulators."))


@staff_scope_required
def transfer_list(request):
    user = request.user
    _require_transfer_role(user)
    incoming = transfer_incoming(user=user)
    waiting = list(incoming.filter(status=PENDING).order_by("requested_at", "pk"))
    decided = list(incoming.exclude(status=PENDING).order_by("-decided_at", "-pk")[:_RECENT])
    # The system admin reaches every request as "incoming" already.
    outgoing = [] if user.is_superuser else list(transfer_outgoing(user=user)[:_RECENT])
    audit_record(
        actor=user,
        action="transfer.list",
        request=request,
        waiting=len(waiting),
        decided=len(decided),
        outgoing=len(outgoing),
    )
    return render(
        request,
        "roster/transfer_list.html",
        {
            "waiting": waiting,
            "decided": decided,
            "outgoing": outgoing,
            # transfer_incoming and transfer_outgoing are the same rules the services check
            # (transfer_may_decide, transfer_may_cancel): every waiting request listed here
            # is the user's to decide, every pending one they sent theirs to withdraw.
            "may_decide": {t.pk for t in waiting},
            "may_cancel": {t.pk for t in outgoing if t.status == PENDING},
        },
    )


def _reachable(request, pk: int) -> TransferRequest:
    """A request on either side of the user's enterprises (or regulated pair), else 404."""
    user = request.user
    visible = Q(pk__in=transfer_incoming(user=user).values("pk")) | Q(
        pk__in=transfer_outgoing(user=user).values("pk")
    )
    transfer = TransferRequest.objects.filter(visible, pk=pk).first()
    if transfer is None:
        raise Http404(_("No such transfer request in your scope."))
    return transfer


def _act(request, pk: int, run, done: str):
    _require_transfer_role(request.user)
    transfer = _reachable(request, pk)
    try:
        run(transfer)
    except RosterError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        # The name as the asking enterprise wrote it: the one both sides already know.
        messages.success(request, done % {"name": transfer.name})
    return redirect("roster:transfers")


@staff_scope_required
@require_POST
def transfer_accept_view(request, pk: int):
    return _act(
        request,
        pk,
        lambda t: transfer_accept(actor=request.user, transfer=t, request=request),
        _("Accepted: %(name)s moves to the asking enterprise."),
    )


@staff_scope_required
@require_POST
def transfer_refuse_view(request, pk: int):
    return _act(
        request,
        pk,
        lambda t: transfer_refuse(
            actor=request.user,
            transfer=t,
            reason=request.POST.get("reason", ""),
            request=request,
        ),
        _("Refused: %(name)s stays. The asking enterprise can read your reason."),
    )


@staff_scope_required
@require_POST
def transfer_cancel_view(request, pk: int):
    return _act(
        request,
        pk,
        lambda t: transfer_cancel(actor=request.user, transfer=t, request=request),
        _("Withdrawn: the request for %(name)s."),
    )
