"""The organiser's pages: contests, rounds, leaderboards, winners and honour certificates.
Thin: forms parse, contests/services decide and write, contests/selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.documents import honour_certificates_pdf, winners_xlsx
from contests.forms import ContestForm, RoundForm
from contests.models import Contest, ContestRound
from contests.selectors import (
    BOARDS,
    contest_rounds,
    leaderboard,
    participation_summary,
    winners,
)
from contests.services.contests import (
    contest_delete,
    contest_round_delete,
    contest_round_save,
    contest_save,
)
from contests.services.scope import contest_get_managed, managed_contests, may_organise
from roster.services.audit import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _organiser(view):
    @login_required
    def wrapped(request, *args, **kwargs):
        if not may_organise(request.user):
            raise PermissionDenied(_("Only regulators and enterprise admins organise contests."))
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _contest(request, pk: int) -> Contest:
    try:
        return contest_get_managed(actor=request.user, pk=pk)
    except Contest.DoesNotExist as exc:
        raise Http404(_("No such contest of yours.")) from exc


def _add_errors(form, exc: ValidationError) -> None:
    """A service's refusal beside the field it names, or above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@_organiser
def contest_list(request):
    contests = managed_contests(request.user).prefetch_related("rounds__session")
    return render(request, "contests/list.html", {"contests": contests, "now": timezone.now()})


def _contest_form(request, contest: Contest | None):
    form = ContestForm(request.POST or None, actor=request.user, contest=contest)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                contest = contest_save(
                    actor=request.user, data=form.data_for_service(), contest=contest
                )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The contest is saved."))
            return redirect("contests:detail", pk=contest.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "contests/form.html", {"form": form, "contest": contest}, status=status)


@_organiser
def contest_create(request):
    return _contest_form(request, None)


@_organiser
def contest_edit(request, pk: int):
    return _contest_form(request, _contest(request, pk))


@_organiser
def contest_detail(request, pk: int):
    contest = _contest(request, pk)
    return render(
        request,
        "contests/detail.html",
        {
            "contest": contest,
            "rounds": contest_rounds(contest),
            "summary": participation_summary(contest=contest),
            "top": leaderboard(contest=contest, board="person", limit=10),
            "now": timezone.now(),
        },
    )


def _round_form(request, contest: Contest, round: ContestRound | None):
    form = RoundForm(request.POST or None, contest=contest, round=round)
    if request.method == "POST" and form.is_valid():
        try:
            contest_round_save(
                actor=request.user, contest=contest, data=form.data_for_service(), round=round
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The round is saved."))
            return redirect("contests:detail", pk=contest.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "contests/round_form.html",
        {"form": form, "contest": contest, "round": round},
        status=status,
    )


@_organiser
def round_create(request, pk: int):
    return _round_form(request, _contest(request, pk), None)


@_organiser
def round_edit(request, pk: int, round_pk: int):
    contest = _contest(request, pk)
    round = (
        ContestRound.objects.select_related("session__rule")
        .filter(pk=round_pk, contest=contest)
        .first()
    )
    if round is None:
        raise Http404(_("No such round of this contest."))
    return _round_form(request, contest, round)


@_organiser
def contest_leaderboard(request, pk: int):
    contest = _contest(request, pk)
    board = request.GET.get("by", "person")
    board = board if board in BOARDS else "person"
    order = "rate" if request.GET.get("order") == "rate" else "score"
    rows = leaderboard(contest=contest, board=board, order=order, limit=100)
    return render(
        request,
        "contests/leaderboard.html",
        {"contest": contest, "rows": rows, "board": board, "order": order},
    )


@_organiser
def winners_export(request, pk: int):
    contest = _contest(request, pk)
    rows = winners(contest=contest)
    audit_record(
        actor=request.user, action="contest.winners_export", target=contest, request=request
    )
    response = HttpResponse(winners_xlsx(contest, rows), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="contest-{contest.pk}-winners.xlsx"'
    return response


@_organiser
def honours_pdf(request, pk: int):
    contest = _contest(request, pk)
    rows = winners(contest=contest)
    audit_record(actor=request.user, action="contest.honours_pdf", target=contest, request=request)
    response = HttpResponse(honour_certificates_pdf(contest, rows), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="contest-{contest.pk}-honours.pdf"'
    return response


def _confirm_delete(request, *, contest: Contest, round: ContestRound | None, delete, done):
    """GET: what will go; POST: the service deletes it, or its refusal is shown here."""
    error = None
    if request.method == "POST":
        try:
            delete()
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Deleted."))
            return done()
    return render(
        request,
        "contests/confirm_delete.html",
        {"contest": contest, "round": round, "error": error},
        status=409 if error else 200,
    )


@_organiser
def contest_delete_view(request, pk: int):
    contest = _contest(request, pk)
    return _confirm_delete(
        request,
        contest=contest,
        round=None,
        delete=lambda: contest_delete(actor=request.user, contest=contest),
        done=lambda: redirect("contests:list"),
    )


@_organiser
def round_delete_view(request, pk: int, round_pk: int):
    contest = _contest(request, pk)
    round = ContestRound.objects.filter(pk=round_pk, contest=contest).first()
    if round is None:
        raise Http404(_("No such round of this contest."))
    return _confirm_delete(
        request,
        contest=contest,
        round=round,
        delete=lambda: contest_round_delete(actor=request.user, round=round),
        done=lambda: redirect("contests:detail", pk=contest.pk),
    )
