"""Rotation training pages (集中轮训): campaigns, their members, sessions, attendance and the
closing exam. Regulators running a campaign change it; others in scope read their part."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns import selectors
from campaigns.forms import CampaignForm, ExamForm, ExamLinkForm, PeopleForm, SessionForm
from campaigns.models import CampaignSession, RotationCampaign
from campaigns.services import CampaignError
from campaigns.services.closing_exam import campaign_session_exam_link, campaign_session_exam_take
from campaigns.services.rotation import (
    campaign_members_sync,
    campaign_session_create,
    campaign_session_schedule,
    member_exam_record,
    people_from_id_numbers,
    rotation_campaign_create,
    session_attendance_from_course,
    session_attendance_record,
)
from roster.models import Enterprise, Person
from roster.selectors import region_subtree
from roster.services import audit_record

from .warning import form_error, staff_required


def _campaign(request, pk: int) -> RotationCampaign:
    try:
        return selectors.campaign_get(user=request.user, pk=pk)
    except RotationCampaign.DoesNotExist as exc:
        raise Http404(_("No such campaign in your scope.")) from exc


def _session(request, pk: int) -> CampaignSession:
    try:
        return selectors.session_get(user=request.user, pk=pk)
    except CampaignSession.DoesNotExist as exc:
        raise Http404(_("No such session in your scope.")) from exc


def _manager(request, campaign: RotationCampaign) -> None:
    if not selectors.may_manage_campaign(user=request.user, campaign=campaign):
        raise PermissionDenied(_("Only the regulators running this campaign may change it."))


@staff_required
def campaign_list_view(request):
    return render(
        request,
        "campaigns/rotation_list.html",
        {
            "campaigns": selectors.campaign_list(user=request.user).prefetch_related("industries"),
            "can_define": selectors.may_define_campaign(request.user),
        },
    )


@staff_required
def campaign_create_view(request):
    if not selectors.may_define_campaign(request.user):
        raise PermissionDenied(_("Only a regulator may define a rotation training campaign."))
    form = CampaignForm(request.POST or None, regions=region_subtree(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = rotation_campaign_create(
                actor=request.user,
                title=data["title"],
                region=data["region"],
                industries=list(data["industries"]),
                categories=data["categories"],
                target_rate=data["target_percent"] / Decimal(100),
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                pass_mark=data["pass_mark"],
            )
        except CampaignError as exc:
            form_error(form, exc)
        else:
            messages.success(
                request,
                _("Campaign defined: %(n)s people from the rosters.")
                % {"n": campaign.members.count()},
            )
            return redirect("campaigns:rotation_detail", pk=campaign.pk)
    return render(request, "campaigns/rotation_form.html", {"form": form})


def _detail_context(request, campaign: RotationCampaign) -> dict:
    members = list(
        selectors.campaign_members(user=request.user, campaign=campaign).annotate(
            attended=Count("attendance", filter=Q(attendance__present=True))
        )
    )
    manage = selectors.may_manage_campaign(user=request.user, campaign=campaign)
    return {
        "campaign": campaign,
        "members": members,
        "active_count": sum(1 for m in members if m.left_on is None),
        "sessions": campaign.sessions.select_related("course").annotate(
            scheduled=Count("members", distinct=True),
            present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
        ),
        "manage": manage,
        "session_form": SessionForm() if manage else None,
        "exam_form": ExamForm() if manage else None,
    }


@staff_required
def campaign_detail_view(request, pk: int):
    campaign = _campaign(request, pk)
    audit_record(
        actor=request.user,
        action="rotation.members_view",
        target=campaign,
        request=request,
        summary=campaign.title[:300],
    )
    return render(request, "campaigns/rotation_detail.html", _detail_context(request, campaign))


@require_POST
@staff_required
def campaign_sync_view(request, pk: int):
    campaign = _campaign(request, pk)
    _manager(request, campaign)
    added, left = campaign_members_sync(actor=request.user, campaign=campaign)
    messages.success(
        request,
        _("Members updated from the rosters: %(added)s joined, %(left)s no longer in scope.")
        % {"added": added, "left": left},
    )
    return redirect("campaigns:rotation_detail", pk=campaign.pk)


@require_POST
@staff_required
def session_create_view(request, pk: int):
    campaign = _campaign(request, pk)
    _manager(request, campaign)
    form = SessionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            session = campaign_session_create(
                actor=request.user,
                campaign=campaign,
                kind=data["kind"],
                title=data["title"],
                held_on=data["held_on"],
                place=data["place"],
                capacity=data["capacity"],
                course=data["course"],
            )
        except CampaignError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Session scheduled."))
            return redirect("campaigns:session_detail", pk=session.pk)
    context = _detail_context(request, campaign)
    context["session_form"] = form
    return render(request, "campaigns/rotation_detail.html", context, status=400)


@require_POST
@staff_required
def exam_record_view(request, pk: int):
    campaign = _campaign(request, pk)
    _manager(request, campaign)
    form = ExamForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(id_number=data["id_number"].strip().upper()).first()
        try:
            if person is None:
                raise CampaignError(
                    _("Not in this campaign: %(names)s.") % {"names": data["id_number"]},
                    "id_number",
                )
            member = member_exam_record(
                actor=request.user,
                campaign=campaign,
                person=person,
                score=data["score"],
                exam_on=data["exam_on"],
            )
        except CampaignError as exc:
            if exc.field == "people":
                exc.field = "id_number"
            form_error(form, exc)
        else:
            messages.success(
                request,
                (_("%(name)s passed.") if member.exam_passed else _("%(name)s did not pass."))
                % {"name": person.name},
            )
            return redirect("campaigns:rotation_detail", pk=campaign.pk)
    context = _detail_context(request, campaign)
    context["exam_form"] = form
    return render(request, "campaigns/rotation_detail.html", context, status=400)


def _people(form: PeopleForm, session: CampaignSession) -> list[Person]:
    data = form.cleaned_data
    people: list[Person] = []
    if data.get("enterprise"):
        people += [
            m.person
            for m in session.campaign.members.filter(
                enterprise=data["enterprise"], left_on__isnull=True
            ).select_related("person")
        ]
    if (data.get("id_numbers") or "").strip():
        people += people_from_id_numbers(data["id_numbers"].splitlines())
    unique = {p.pk: p for p in people}
    return list(unique.values())


@staff_required
def session_detail_view(request, pk: int):
    session = _session(request, pk)
    campaign = session.campaign
    manage = selectors.may_manage_campaign(user=request.user, campaign=campaign)
    enterprises = Enterprise.objects.filter(
        pk__in=campaign.members.filter(left_on__isnull=True).values("enterprise_id")
    ).order_by("name")
    schedule_form = PeopleForm(prefix="schedule", enterprises=enterprises)
    attend_form = PeopleForm(prefix="attend", enterprises=enterprises)
    exams = selectors.linkable_exam_sessions(user=request.user, campaign=campaign)
    exam_form = ExamLinkForm(
        prefix="exam", sessions=exams, initial={"exam_session": session.exam_session_id}
    )
    status = 200
    if request.method == "POST":
        _manager(request, campaign)
        action = request.POST.get("action")
        try:
            if action == "from_course":
                n = session_attendance_from_course(actor=request.user, session=session)
                messages.success(request, _("%(n)s people recorded present.") % {"n": n})
                return redirect("campaigns:session_detail", pk=session.pk)
            if action in ("link_exam", "take_exam"):
                return _closing_exam(request, session, action, exams)
            form = PeopleForm(
                request.POST,
                prefix="schedule" if action == "schedule" else "attend",
                enterprises=enterprises,
            )
            if action == "schedule":
                schedule_form = form
            else:
                attend_form = form
            if form.is_valid():
                people = _people(form, session)
                if action == "schedule":
                    n = campaign_session_schedule(
                        actor=request.user, session=session, people=people
                    )
                    messages.success(request, _("%(n)s people scheduled.") % {"n": n})
                else:
                    n = session_attendance_record(
                        actor=request.user, session=session, people=people
                    )
                    messages.success(request, _("%(n)s people recorded present.") % {"n": n})
                return redirect("campaigns:session_detail", pk=session.pk)
            status = 400
        except CampaignError as exc:
            if action in ("link_exam", "take_exam"):
                exam_form = ExamLinkForm(request.POST, prefix="exam", sessions=exams)
                exam_form.is_valid()
                exam_form.add_error(None, exc.message)
            else:
                target = attend_form if action != "schedule" else schedule_form
                target.add_error("id_numbers" if exc.field == "people" else None, exc.message)
            status = 400
    visible = selectors.campaign_members(user=request.user, campaign=campaign)
    scheduled = visible.filter(sessions=session).annotate(
        here=Count("attendance", filter=Q(attendance__session=session, attendance__present=True))
    )
    return render(
        request,
        "campaigns/session_detail.html",
        {
            "session": session,
            "campaign": campaign,
            "scheduled": scheduled,
            "manage": manage,
            "schedule_form": schedule_form,
            "attend_form": attend_form,
            "exam_form": exam_form,
        },
        status=status,
    )


def _closing_exam(request, session: CampaignSession, action: str, exams):
    """Link the closing exam's session (taking its results), or take them again; a
    refusal (CampaignError) goes back to the page with the form."""
    if action == "take_exam":
        n = campaign_session_exam_take(actor=request.user, session=session)
    else:
        form = ExamLinkForm(request.POST, prefix="exam", sessions=exams)
        if not form.is_valid():
            raise CampaignError(
                _(
                    "Choose an exam session of your scope, held in the campaign's region "
                    "during its period."
                ),
                "exam_session",
            )
        n = campaign_session_exam_link(
            actor=request.user, session=session, exam=form.cleaned_data["exam_session"]
        )
    messages.success(request, _("Closing exam results taken: %(n)s.") % {"n": n})
    return redirect("campaigns:session_detail", pk=session.pk)
