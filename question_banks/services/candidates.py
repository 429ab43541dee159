"""Who sits an exam session: people chosen from the actor's roster by a filter or by pasted
ID numbers, seats, and removing someone before they start.

Every write checks the session is the actor's (services/permissions.py) and adds only people
the actor's roster scope reaches (roster.selectors), in one transaction: a pasted list with
one bad line adds nobody, so the trainer fixes the line and sends the same list again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _

from question_banks.models import Attempt, Candidate, ExamSession
from question_banks.providers import candidacy_problems, training_plan_people
from question_banks.services.permissions import is_system, require, session_can_change
from roster.identity import IdentityError, normalize_id_number, parse_id_number
from roster.models import Department, Enterprise, Person, User
from roster.selectors import employment_list, person_list
from roster.services.audit import audit_record

# A pasted list longer than this is an upload, not a paste (the roster import takes files).
MAX_PASTED_LINES = 2000


@dataclass(frozen=True)
class CandidateFilter:
    """A choice of people from the roster; empty parts do not narrow it."""

    enterprise: Enterprise | None = None
    department: Department | None = None
    post: str = ""
    category: str = ""
    plan_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.enterprise or self.department or self.post or self.category or self.plan_id
        )


def candidate_pool(*, actor: User, choice: CandidateFilter) -> QuerySet[Person]:
    """The people now employed in the actor's roster scope who match the filter."""
    rows = employment_list(user=actor, enterprise=choice.enterprise, category=choice.category)
    if choice.department is not None:
        rows = rows.filter(department=choice.department)
    if choice.post:
        rows = rows.filter(post__icontains=choice.post.strip())
    if choice.plan_id:
        # A training plan's people, as the courses app offers them (question_banks.providers).
        assigned = training_plan_people(user=actor, plan_id=choice.plan_id)
        rows = rows.filter(person_id__in=assigned) if assigned is not None else rows.none()
    return Person.objects.filter(pk__in=rows.values("person_id")).order_by("name", "pk")


@dataclass(frozen=True)
class LineProblem:
    line: int
    value: str
    reason: str


def candidates_from_id_numbers(
    *, actor: User, session: ExamSession, text: str
) -> tuple[list[Person], list[LineProblem]]:
    """Read pasted ID numbers, one a line; every bad line is named with its reason:
    malformed, unknown, out of the actor's scope, or a duplicate (in the paste or already
    on the list)."""
    lines = text.splitlines()
    if len(lines) > MAX_PASTED_LINES:
        raise ValidationError(_("Paste at most %(n)d lines at a time.") % {"n": MAX_PASTED_LINES})
    wanted: list[tuple[int, str]] = []
    problems: list[LineProblem] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        value = normalize_id_number(raw)
        if not value:
            continue
        try:
            value = parse_id_number(value).value
        except IdentityError as exc:
            problems.append(LineProblem(number, raw.strip(), str(exc)))
            continue
        if value in seen:
            problems.append(
                LineProblem(
                    number, value, _("Already on line %(line)d above.") % {"line": seen[value]}
                )
            )
            continue
        seen[value] = number
        wanted.append((number, value))
    numbers = [v for _n, v in wanted]
    known = {p.id_number: p for p in Person.objects.filter(id_number__in=numbers)}
    reachable = (
        set(known)
        if is_system(actor)
        else set(
            person_list(user=actor)
            .filter(id_number__in=numbers)
            .values_list("id_number", flat=True)
        )
    )
    listed = set(session.candidates.values_list("person__id_number", flat=True))
    refused = candidacy_problems(
        people=[known[v] for _n, v in wanted if v in reachable and v not in listed],
        session=session,
    )
    people = []
    for number, value in wanted:
        if value not in known:
            problems.append(
                LineProblem(number, value, _("Nobody with this ID number is in the roster."))
            )
        elif value not in reachable:
            problems.append(
                LineProblem(number, value, _("This person is not in your roster's scope."))
            )
        elif value in listed:
            problems.append(LineProblem(number, value, _("Already on this session's list.")))
        elif known[value].pk in refused:
            problems.append(LineProblem(number, value, refused[known[value].pk]))
        else:
            people.append(known[value])
    problems.sort(key=lambda p: p.line)
    return people, problems


def session_give_seats(session: ExamSession) -> None:
    """Seats for everyone on the list without one, after the highest seat given so far."""
    last = session.candidates.aggregate(m=Max("seat"))["m"] or 0
    unseated = list(session.candidates.filter(seat__isnull=True).order_by("pk"))
    for offset, candidate in enumerate(unseated, start=1):
        candidate.seat = last + offset
    Candidate.objects.bulk_update(unseated, ["seat"])


def candidate_remove(*, actor: User | None, candidate: Candidate) -> None:
    """Take someone off the list before they start; a paper drawn ahead for them goes too."""
    with transaction.atomic():
        session = (
            ExamSession.objects.select_for_update(of=("self",))
            .select_related("region")
            .get(pk=candidate.session_id)
        )
        require(session_can_change(actor, session))
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        attempts = Attempt.objects.filter(session=session, person_id=candidate.person_id)
        if attempts.filter(started_at__isnull=False).exists():
            raise ValidationError(
                _("This person has started the exam: they stay on the list and their paper counts.")
            )
        attempts.delete()  # papers drawn ahead, never opened
        audit_record(
            actor=actor,
            action="exam.candidate_remove",
            target=session,
            person=candidate.person_id,
            seat=candidate.seat,
        )
        candidate.delete()
