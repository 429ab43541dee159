"""The enterprise admin's drill pages: what is owed, the plan, records with participants and
evidence, the check-in code, the evaluation and the follow-up actions. Thin: forms parse,
drills.services decides and writes, drills.selectors reads within the admin's enterprises."""

from __future__ import annotations

import datetime as dt
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roster.models import Enterprise
from roster.services import audit_record

from .. import selectors, services
from ..forms import (
    ActionForm,
    CloseForm,
    EvaluationForm,
    EvidenceForm,
    PlannedDrillForm,
    RecordForm,
)
from ..models import DrillAction, DrillParticipant, DrillRecord, PlannedDrill

CHECKIN_SCAN = "drills.checkin_scan"  # the session key of a scan made before signing in


def _enterprise(request) -> Enterprise:
    """The enterprise the page is for: the admin's (or ?enterprise=USCC among theirs)."""
    enterprises = selectors.drill_enterprises(user=request.user)
    uscc = request.POST.get("enterprise") or request.GET.get("enterprise")
    if uscc:
        enterprise = enterprises.filter(uscc=uscc).first()
        if enterprise is None:
            raise Http404(_("No such enterprise of yours."))
        return enterprise
    enterprise = enterprises.order_by("name").first()
    if enterprise is None:
        raise PermissionDenied(_("Only enterprise admins keep drills."))
    return enterprise


def _record(request, pk: int) -> DrillRecord:
    try:
        return selectors.record_get(user=request.user, pk=pk)
    except DrillRecord.DoesNotExist as exc:
        raise Http404(_("No such drill of your enterprise.")) from exc


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def index(request):
    enterprise = _enterprise(request)
    today = timezone.localdate()
    year = today.year
    return render(
        request,
        "drills/index.html",
        {
            "enterprise": enterprise,
            "obligations": selectors.enterprise_obligations(enterprise=enterprise, on=today),
            "plan": selectors.plan_get_or_none(enterprise=enterprise, year=year),
            "year": year,
            "records": selectors.records_of(enterprise=enterprise)[:50],
            "open_actions": selectors.actions_of(enterprise=enterprise, status="open").count(),
        },
    )


@login_required
def plan(request, year: int):
    enterprise = _enterprise(request)
    if not 2000 <= year <= 2100:
        raise Http404
    form = PlannedDrillForm(request.POST or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.planned_drill_add(
                actor=request.user,
                enterprise=enterprise,
                year=year,
                data=services.PlannedData(
                    kind=d["kind"],
                    form=d["form"],
                    scenario=d["scenario"],
                    planned_on=d["planned_on"],
                    staff_notified_on=d["staff_notified_on"],
                    departments=list(d["departments"]),
                    people=list(d["people"]),
                ),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The drill is in the plan."))
            return redirect(reverse("drills:plan", args=[year]) + f"?enterprise={enterprise.uscc}")
    return render(
        request,
        "drills/plan.html",
        {
            "enterprise": enterprise,
            "year": year,
            "plan": selectors.plan_get_or_none(enterprise=enterprise, year=year),
            "form": form,
            "roster": selectors.roster_people(enterprise=enterprise),
            "chosen": {str(v) for v in form["people"].value() or []},
        },
    )


@login_required
@require_POST
def planned_remove(request, pk: int):
    planned = get_object_or_404(
        PlannedDrill.objects.select_related("plan__enterprise"),
        pk=pk,
        plan__enterprise__in=selectors.drill_enterprises(user=request.user),
    )
    year, uscc = planned.plan.year, planned.plan.enterprise.uscc
    services.planned_drill_remove(actor=request.user, planned=planned)
    messages.success(request, _("The drill was taken out of the plan."))
    return redirect(reverse("drills:plan", args=[year]) + f"?enterprise={uscc}")


def _record_form(request, enterprise, record: DrillRecord | None):
    if request.method == "POST":
        return RecordForm(request.POST, request.FILES, enterprise=enterprise)
    initial = {}
    if record is not None:
        initial = {
            name: getattr(record, name)
            for name in (
                "kind",
                "form",
                "held_on",
                "place",
                "duration_minutes",
                "organiser",
                "scenario",
                "hours_credited",
                "planned",
            )
        }
        initial["participants"] = [
            p.person_id for p in record.participants.filter(method=DrillParticipant.Method.PICKED)
        ]
    else:
        planned = PlannedDrill.objects.filter(
            plan__enterprise=enterprise, pk=request.GET.get("planned") or 0
        ).first()
        if planned is not None:
            initial = {
                "planned": planned,
                "kind": planned.kind,
                "form": planned.form,
                "scenario": planned.scenario,
                "participants": list(planned.people.values_list("pk", flat=True)),
            }
    return RecordForm(initial=initial, enterprise=enterprise)


def _record_edit(request, enterprise, record: DrillRecord | None):
    form = _record_form(request, enterprise, record)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            record = services.record_save(
                actor=request.user,
                enterprise=enterprise,
                record=record,
                data=services.RecordData(
                    kind=d["kind"],
                    form=d["form"],
                    held_on=d["held_on"],
                    place=d["place"],
                    duration_minutes=d["duration_minutes"],
                    organiser=d["organiser"],
                    scenario=d["scenario"],
                    hours_credited=d["hours_credited"],
                    planned=d["planned"],
                ),
                participants=list(d["participants"]),
                evidence=d["evidence"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The drill is recorded."))
            return redirect("drills:record", record.pk)
    chosen = {str(v) for v in (form["participants"].value() or [])}
    roster = selectors.roster_people(enterprise=enterprise)
    return render(
        request,
        "drills/record_form.html",
        {
            "enterprise": enterprise,
            "record": record,
            "form": form,
            "roster": roster,
            "chosen": chosen,
            "departments": sorted({e.department.name for e in roster if e.department_id}),
            "max_mb": services.settings.DRILL_EVIDENCE_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
def record_new(request):
    return _record_edit(request, _enterprise(request), None)


@login_required
def record_edit(request, pk: int):
    record = _record(request, pk)
    return _record_edit(request, record.enterprise, record)


def _detail(request, record, *, action_form=None, evidence_form=None, status=200):
    return render(
        request,
        "drills/record.html",
        {
            "record": record,
            "enterprise": record.enterprise,
            "participants": record.participants.select_related("person"),
            "evidence": record.evidence.all(),
            "actions": record.actions.select_related("owner"),
            "action_form": action_form
            or ActionForm(people=selectors.roster_people(enterprise=record.enterprise)),
            "evidence_form": evidence_form or EvidenceForm(),
            "close_form": CloseForm(),
        },
        status=status,
    )


@login_required
def record_detail(request, pk: int):
    record = _record(request, pk)
    audit_record(actor=request.user, action="drills.view", target=record, request=request)
    return _detail(request, record)


@login_required
@require_POST
def evidence_add(request, pk: int):
    record = _record(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = services.evidence_add(
                actor=request.user, record=record, files=form.cleaned_data["evidence"]
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(count)s files added.") % {"count": count})
            return redirect("drills:record", record.pk)
    return _detail(request, record, evidence_form=form, status=400)


@login_required
def checkin_code(request, pk: int):
    """The code shown at the drill on a screen: phones scan it to check in. It changes every
    time step (services.checkin_token), and the page reloads itself as it does."""
    record = _record(request, pk)
    now = timezone.now()
    url = request.build_absolute_uri(
        reverse("drills:checkin", args=[services.checkin_token(record, now)])
    )
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    svg = svg[svg.index("<svg") :]  # the XML declaration has no place inside HTML
    return render(
        request,
        "drills/checkin_code.html",
        {
            "record": record,
            "url": url,
            "svg": mark_safe(svg),
            "expires": services.checkin_expires(now),
            "refresh": services.checkin_refresh_seconds(now),
            "step": settings.DRILL_CHECKIN_STEP_SECONDS,
            "audience": services.checkin_audience(record),
            "checked_in": record.participants.filter(
                method=DrillParticipant.Method.CHECK_IN
            ).count(),
        },
    )


@login_required
def evaluation(request, pk: int):
    record = _record(request, pk)
    form = EvaluationForm(
        request.POST or None,
        initial={"problems_found": record.problems_found, "plan_changes": record.plan_changes},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_file(
                actor=request.user,
                record=record,
                problems_found=form.cleaned_data["problems_found"],
                plan_changes=form.cleaned_data["plan_changes"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The evaluation report is filed."))
            return redirect("drills:record", record.pk)
    return render(request, "drills/evaluation.html", {"record": record, "form": form})


@login_required
@require_POST
def action_add(request, pk: int):
    record = _record(request, pk)
    form = ActionForm(request.POST, people=selectors.roster_people(enterprise=record.enterprise))
    if form.is_valid():
        try:
            services.action_add(
                actor=request.user,
                record=record,
                description=form.cleaned_data["description"],
                owner=form.cleaned_data["owner"],
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("The action is added."))
            return redirect("drills:record", record.pk)
    return _detail(request, record, action_form=form, status=400)


@login_required
def actions(request):
    enterprise = _enterprise(request)
    status = request.GET.get("status", "open")
    if status not in ("open", "closed", "all"):
        status = "open"
    return render(
        request,
        "drills/actions.html",
        {
            "enterprise": enterprise,
            "status": status,
            "actions": selectors.actions_of(
                enterprise=enterprise, status="" if status == "all" else status
            ),
            "close_form": CloseForm(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def action_close(request, pk: int):
    action = get_object_or_404(
        DrillAction.objects.select_related("record__enterprise"),
        pk=pk,
        record__enterprise__in=selectors.drill_enterprises(user=request.user),
    )
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.action_close(
                actor=request.user, action=action, note=form.cleaned_data["closing_note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The action is closed."))
    else:
        messages.error(request, _("Write what was done to close it."))
    back = request.POST.get("next", "")
    if back == "record":
        return redirect("drills:record", action.record_id)
    return redirect(reverse("drills:actions") + f"?enterprise={action.record.enterprise.uscc}")


def checkin(request, token: str):
    """A phone opened the drill's code: the signed-in person is recorded once. Someone not
    signed in yet is sent to sign in; the moment they scanned a fresh code is kept in their
    session, so the code changing meanwhile does not turn them away."""
    now = timezone.now()
    pending = request.session.get(CHECKIN_SCAN, {})
    if not request.user.is_authenticated:
        if services.checkin_fresh(token, now):
            request.session[CHECKIN_SCAN] = {"token": token, "at": now.timestamp()}
        return redirect_to_login(request.get_full_path())
    scanned_at = None
    if pending.get("token") == token:
        scanned_at = dt.datetime.fromtimestamp(pending["at"], tz=dt.UTC)
    try:
        record, created = services.record_check_in(
            user=request.user, token=token, now=now, scanned_at=scanned_at
        )
    except services.CheckInError as exc:
        return render(request, "drills/checkin.html", {"error": str(exc)}, status=403)
    request.session.pop(CHECKIN_SCAN, None)
    return render(request, "drills/checkin.html", {"record": record, "created": created})
