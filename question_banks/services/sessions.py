"""Setting up exam sessions: the session itself, eligible people, overrides, publishing.

Every service here checks, inside its transaction, that the actor may change the session
(services/permissions.py: the session's training body and region, or its enterprise) and
that the change is one its state still allows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.providers import candidacy_problems
from question_banks.services.banks import assign_owner
from question_banks.services.candidates import session_give_seats
from question_banks.services.permissions import (
    grant_regions,
    is_system,
    require,
    rule_fits_session,
    session_can_change,
    session_can_delete,
    session_locked_fields,
)
from question_banks.services.rules import paper_rule_validate
from roster.models import Employment, Enterprise, Person, User
from roster.selectors import enterprise_list, person_list
from roster.services.audit import audit_record

# The columns a save compares (who made it and when never change).
_COMPARED = [
    f for f in ExamSession._meta.concrete_fields if f.name not in {"id", "created_at", "created_by"}
]


def _changed(stored: ExamSession, session: ExamSession) -> set[str]:
    return {f.name for f in _COMPARED if getattr(stored, f.attname) != getattr(session, f.attname)}


def _locked_message(fields: Iterable[str]) -> dict[str, str]:
    message = _(
        "This cannot change any more: the exam has opened, or someone has started it. "
        "Make a new session instead."
    )
    return {name: message for name in sorted(fields)}


def _default_region(actor: User | None, session: ExamSession) -> None:
    """An internal exam is held where its enterprise is; a body's session, where the actor's
    only grant for that body is (otherwise they say where)."""
    if session.enterprise_id:
        session.region_id = Enterprise.objects.values_list("region_id", flat=True).get(
            pk=session.enterprise_id
        )
        return
    if session.region_id or not session.training_body_id or is_system(actor):
        return
    regions = grant_regions(actor, session.training_body_id)
    if len(regions) != 1:
        raise ValidationError({"region": _("Say where the exam is held.")})
    session.region_id = regions.pop()


def _new_code(now: dt.datetime) -> str:
    """A session's code when its maker gives none: the day and a random part (the code is
    in URLs and on admission tickets; a guessable sequence would tell how many exist)."""
    return f"S{timezone.localtime(now):%Y%m%d}-{secrets.token_hex(3).upper()}"


def session_save(
    *, actor: User | None, session: ExamSession, now: dt.datetime | None = None
) -> ExamSession:
    """Create a session, or save the changes made to it: only the actor's own, only with a
    rule of the owner's own banks, and never a field its state has locked."""
    now = now or timezone.now()
    with transaction.atomic():
        if session.pk is None:
            if not session.code:
                session.code = _new_code(now)
            assign_owner(actor=actor, obj=session)
            if session.created_by_id is None and actor is not None:
                session.created_by = actor
        else:
            stored = (
                ExamSession.objects.select_for_update(of=("self",))
                .select_related("region")
                .get(pk=session.pk)
            )
            require(session_can_change(actor, stored))
            locked = _changed(stored, session) & session_locked_fields(stored, now)
            if locked:
                raise ValidationError(_locked_message(locked))
        _default_region(actor, session)
        require(
            session_can_change(actor, session),
            _("The session would no longer be yours: hold it in your own region."),
        )
        if session.rule_id is not None and not rule_fits_session(session.rule, session):
            raise ValidationError({"rule": _("Choose a paper rule of your own question banks.")})
        session.full_clean()
        session.save()
    return session


def session_delete(*, actor: User | None, session: ExamSession) -> None:
    with transaction.atomic():
        session = (
            ExamSession.objects.select_for_update(of=("self",))
            .select_related("region")
            .get(pk=session.pk)
        )
        require(session_can_change(actor, session))
        if not session_can_delete(actor, session):
            raise ValidationError(
                _("Someone has started this exam: it cannot be deleted, its results stay.")
            )
        session.delete()


def session_add_candidates(
    *,
    session: ExamSession,
    actor: User | None,
    people: Iterable[Person] = (),
    enterprise_ids: Iterable[int] = (),
    categories: Iterable[str] = (),
) -> int:
    """Add people by list, or everyone now employed at enterprises (optionally by category).

    Only to the actor's own session, and only people and enterprises the actor's roster
    scope reaches."""
    require(session_can_change(actor, session))
    ids = {p.pk for p in people}
    enterprise_ids = list(enterprise_ids)
    if actor is not None and not is_system(actor):  # (no actor: the system, unlimited)
        reachable = set(person_list(user=actor).filter(pk__in=ids).values_list("pk", flat=True))
        require(ids <= reachable, _("Some of these people are not in your roster's scope."))
        reachable = set(
            enterprise_list(user=actor).filter(pk__in=enterprise_ids).values_list("pk", flat=True)
        )
        require(
            set(enterprise_ids) <= reachable,
            _("Some of these enterprises are not in your roster's scope."),
        )
    if enterprise_ids:
        employments = Employment.objects.current().filter(enterprise_id__in=enterprise_ids)
        categories = list(categories)
        if categories:
            employments = employments.filter(category__in=categories)
        ids |= set(employments.values_list("person_id", flat=True))
    with transaction.atomic():
        existing = set(session.candidates.values_list("person_id", flat=True))
        # A rule of the apps above (one resit, then retrain) may refuse someone: then
        # nobody is added, and the refusal names each person and what they need.
        refused = candidacy_problems(
            people=Person.objects.filter(pk__in=ids - existing).order_by("name", "pk"),
            session=session,
        )
        if refused:
            raise ValidationError(list(refused.values()))
        new = [Candidate(session=session, person_id=pk) for pk in sorted(ids - existing)]
        Candidate.objects.bulk_create(new)
        session_give_seats(session)
        if new:
            audit_record(actor=actor, action="exam.candidates_add", target=session, count=len(new))
    return len(new)


def candidate_grant(
    *,
    candidate: Candidate,
    actor: User,
    reason: str,
    extra_minutes: int | None = None,
    extra_attempts: int | None = None,
) -> Candidate:
    """Extra time (an accommodation) or an extra attempt, always with who and why, by one
    who may change the session."""
    require(session_can_change(actor, candidate.session))
    if not reason.strip():
        raise ValidationError(_("Say why the extra time or attempt is granted."))
    with transaction.atomic():
        if extra_minutes is not None:
            # Someone writing now gets the difference on the deadline fixed at their start.
            added = dt.timedelta(minutes=extra_minutes - candidate.extra_minutes)
            for attempt in Attempt.objects.select_for_update().filter(
                session_id=candidate.session_id,
                person_id=candidate.person_id,
                status=Attempt.Status.IN_PROGRESS,
            ):
                assert attempt.deadline is not None  # in progress, so started
                attempt.deadline += added
                attempt.save(update_fields=["deadline"])
            candidate.extra_minutes = extra_minutes
        if extra_attempts is not None:
            candidate.extra_attempts = extra_attempts
        candidate.override_reason = reason.strip()[:200]
        candidate.override_by = actor
        candidate.save()
        audit_record(
            actor=actor,
            action="exam.candidate_grant",
            target=candidate.session,
            summary=reason[:200],
            person=candidate.person_id,
            extra_minutes=candidate.extra_minutes,
            extra_attempts=candidate.extra_attempts,
        )
    return candidate


def session_publish(
    *, session: ExamSession, actor: User | None, predraw: bool = True, allow_empty: bool = False
) -> ExamSession:
    """Check the rule against the bank, open the session, and draw papers ahead on commit.
    ``allow_empty``: a standing session people join later (an enterprise's 三违 return exam).
    Only a draft whose window has not ended is published: publishing again (a second click,
    a replayed request) or a session that has closed is refused and changes nothing."""
    require(session_can_change(actor, session))
    paper_rule_validate(rule=session.rule)
    if not allow_empty and not session.candidates.exists():
        raise ValidationError(_("Add the people who take this exam before publishing it."))
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        if session.is_published:
            raise ValidationError(_("This session is already published."))
        if session.closes_at <= timezone.now():
            raise ValidationError(_("This session has already closed."))
        session.is_published = True
        session.save(update_fields=["is_published"])
        audit_record(actor=actor, action="exam.session_publish", target=session)
        if predraw:
            from config.celery import send_on_commit
            from question_banks.tasks import session_predraw_task

            send_on_commit(
                session_predraw_task,
                session.pk,
                run_if_down=False,
                sweep="each attempt drawing its own paper at start",
            )
    return session


def session_unpublish(*, session: ExamSession, actor: User | None) -> ExamSession:
    """Withdraw a published session before anyone has started it: the candidates no longer
    see it and the papers drawn ahead are discarded (publishing again draws new ones).
    Refused once someone has started a paper: from then on it can only be closed."""
    with transaction.atomic():
        session = ExamSession.objects.select_for_update(of=("self",)).get(pk=session.pk)
        require(session_can_change(actor, session))
        if not session.is_published:
            raise ValidationError(_("This session is not published."))
        if Attempt.objects.filter(session=session, started_at__isnull=False).exists():
            raise ValidationError(
                _("Someone has started this exam: it can no longer be withdrawn, only closed.")
            )
        discarded, __ = Attempt.objects.filter(
            session=session, status=Attempt.Status.READY, started_at__isnull=True
        ).delete()
        session.is_published = False
        session.save(update_fields=["is_published"])
        audit_record(
            actor=actor, action="exam.session_unpublish", target=session, discarded=discarded
        )
    return session


def session_close(
    *, session: ExamSession, actor: User | None, reason: str, now: dt.datetime | None = None
) -> ExamSession:
    """Close an open session now: nobody may start any more, and those writing have until
    now (plus any extra time granted to them); their papers are graded with what they
    saved, by the periodic task or on their next request."""
    now = now or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the exam closes early.")})
    with transaction.atomic():
        session = (
            ExamSession.objects.select_for_update(of=("self",))
            .select_related("region")
            .get(pk=session.pk)
        )
        require(session_can_change(actor, session))
        if not session.is_published or now <= session.opens_at:
            raise ValidationError(_("This session has not opened: change its window instead."))
        if now >= session.closes_at:
            raise ValidationError(_("This session has already closed."))
        extra = dict(session.candidates.values_list("person_id", "extra_minutes"))
        for attempt in Attempt.objects.select_for_update().filter(
            session=session, status=Attempt.Status.IN_PROGRESS
        ):
            cap = now + dt.timedelta(minutes=extra.get(attempt.person_id, 0))
            if attempt.deadline is None or attempt.deadline > cap:
                attempt.deadline = cap
                attempt.save(update_fields=["deadline"])
        was = session.closes_at
        # A direct update: the window is locked against edits once someone started, and
        # closing is the one change of it that stays allowed (with its own audit row).
        ExamSession.objects.filter(pk=session.pk).update(closes_at=now)
        session.closes_at = now
        audit_record(
            actor=actor,
            action="exam.session_close",
            target=session,
            summary=reason.strip()[:200],
            was=was.isoformat(),
        )
    return session
