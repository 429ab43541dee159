"""A rotation's closing exam held as an exam session (question_banks): the organiser links
the session to one of the campaign's sessions, and each member's graded result (the attempt
that counts, by the exam session's own score policy) becomes their closing-exam record:
the score as a share of the paper's points (out of 100, as a score typed in by hand), the
day it was finished, and passed as the exam graded it (its own pass mark).

Results arrive two ways: when an attempt is graded (question_banks.signals.attempt_finished,
inside the grading's transaction, so the record commits or rolls back with the grade), and
on asking ("take results"), for a session graded before it was linked. Both go through
`_take`, so a result taken twice is the same result."""

from __future__ import annotations

from collections.abc import Collection
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import CampaignMember, CampaignSession
from campaigns.selectors import linkable_exam_sessions, may_manage_campaign
from question_banks.models import Attempt, ExamSession
from question_banks.services.attempts import session_result_for
from roster.models import User
from roster.services import audit_record

from . import CampaignError


def _percent(attempt: Attempt) -> Decimal | None:
    if attempt.score is None or not attempt.total_points:
        return None
    share = Decimal(attempt.score) * 100 / Decimal(attempt.total_points)
    return min(Decimal(100), share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _take(session: CampaignSession, person_ids: Collection[int] | None = None) -> int:
    """Each member (still in the campaign) who is a candidate of the linked exam session and
    has a graded attempt: their record from the attempt that counts. Returns how many."""
    exam = session.exam_session
    if exam is None:
        return 0
    members = CampaignMember.objects.select_for_update(of=("self",)).filter(
        campaign_id=session.campaign_id,
        left_on__isnull=True,
        person__exam_candidacies__session=exam,
    )
    if person_ids is not None:
        members = members.filter(person_id__in=list(person_ids))
    taken = 0
    for member in members.select_related("person"):
        attempt = session_result_for(session=exam, person=member.person)
        score = _percent(attempt) if attempt is not None else None
        if attempt is None or score is None:
            continue
        exam_on = timezone.localdate(attempt.finished_at)
        passed = bool(attempt.passed)
        if (member.exam_score, member.exam_on, member.exam_passed) != (score, exam_on, passed):
            member.exam_score, member.exam_on, member.exam_passed = score, exam_on, passed
            member.save(update_fields=["exam_score", "exam_on", "exam_passed"])
        taken += 1
    return taken


def campaign_session_exam_link(*, actor: User, session: CampaignSession, exam: ExamSession) -> int:
    """Link the closing exam's session and take the results graded so far. Only who runs
    the campaign, and only an exam session of their scope in the campaign's region and
    period (campaigns.selectors.linkable_exam_sessions). Returns the results taken."""
    campaign = session.campaign
    if not may_manage_campaign(user=actor, campaign=campaign):
        raise CampaignError(_("Only the regulators running this campaign may change it."))
    if (
        exam is None
        or not linkable_exam_sessions(user=actor, campaign=campaign).filter(pk=exam.pk).exists()
    ):
        raise CampaignError(
            _(
                "Choose an exam session of your scope, held in the campaign's region during "
                "its period."
            ),
            "exam_session",
        )
    with transaction.atomic():
        session = CampaignSession.objects.select_for_update().get(pk=session.pk)
        session.exam_session = exam
        session.save(update_fields=["exam_session"])
        taken = _take(session)
        audit_record(
            actor=actor,
            action="rotation.exam_link",
            target=session,
            summary=f"{exam.code} {exam.name}"[:300],
            results=taken,
        )
    return taken


def campaign_session_exam_take(*, actor: User, session: CampaignSession) -> int:
    """Take the linked exam session's results now (graded before the link, or regraded)."""
    if not may_manage_campaign(user=actor, campaign=session.campaign):
        raise CampaignError(_("Only the regulators running this campaign may change it."))
    # As stored now (the caller's copy may predate the link).
    session = CampaignSession.objects.select_related("exam_session").get(pk=session.pk)
    if session.exam_session_id is None:
        raise CampaignError(_("Link the closing exam's session first."), "exam_session")
    with transaction.atomic():
        taken = _take(session)
        audit_record(
            actor=actor,
            action="rotation.exam_take",
            target=session,
            summary=str(session.exam_session),
            results=taken,
        )
    return taken


def closing_exam_result_follow(*, attempt: Attempt) -> None:
    """A graded official attempt of a linked exam session: its examinee's record follows
    (one indexed query for every other attempt the engine grades)."""
    if not attempt.session_id or attempt.kind != Attempt.Kind.OFFICIAL:
        return
    for session in CampaignSession.objects.filter(exam_session_id=attempt.session_id):
        _take(session, person_ids=[attempt.person_id])
