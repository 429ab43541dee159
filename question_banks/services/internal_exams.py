"""An enterprise's own exams (内部考试): 全员考试, 三级教育 exams and the 三违 return exam.

An enterprise admin holds them without a trainer, on the enterprise's own banks or on a
training body's bank shared with it (QuestionBank docstring), through the same services a
trainer's session goes through (sessions.py, rules.py), each checking ownership per object:
- the enterprise must be one the actor administers (permissions.enterprises_for);
- the bank one of its own or shared with it, the rule one the session may use
  (permissions.rule_fits_session);
- the people those employed at the enterprise now.

The standing 三违 return exam (返岗考试): an enterprise keeps one published session whose
purpose is VIOLATION_RETURN and that has not closed; recording a 三违
(courses.services.records.violation_record) puts the person on its list at once, so the
trainee finds it on their exam list without anyone else acting. A long window (a year by
default on the form) keeps it standing. Without one, the page that records the 三违 says so
and links here; when one is published later, the people already off the job and waiting
are put on its list and linked (the courses app registers that step with
`on_return_exam_published`, as it registers exam prerequisites, so this app does not
import the one above it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from question_banks.models import (
    Attempt,
    Candidate,
    Difficulty,
    ExamSession,
    PaperRule,
    PaperSection,
    Question,
    QuestionBank,
    QuestionType,
)
from question_banks.services.permissions import (
    banks_shared_with,
    enterprises_for,
    require,
    rule_fits_session,
    session_can_change,
)
from question_banks.services.rules import paper_rule_save
from question_banks.services.sessions import session_add_candidates, session_publish, session_save
from roster.models import Employment, Enterprise, Person, User

Purpose = ExamSession.Purpose

# The types a simple paper is made of, in the order a paper shows them.
SIMPLE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.JUDGE)

_return_exam_hooks: list[Callable[..., int]] = []


def on_return_exam_published(hook: Callable[..., int]) -> Callable[..., int]:
    """Register a step run when a 三违 return exam is published: ``hook(session=, actor=)``
    enrols the people waiting for it and returns how many."""
    _return_exam_hooks.append(hook)
    return hook


# ---------------------------------------------------------------- reads


def internal_enterprises(*, actor: User) -> QuerySet[Enterprise]:
    """The enterprises whose internal exams the actor runs."""
    return enterprises_for(actor).select_related("region").order_by("name")


def internal_banks(*, enterprise: Enterprise) -> QuerySet[QuestionBank]:
    """The enterprise's own banks and the training bodies' banks shared with it."""
    shared = banks_shared_with(enterprise).values("pk")
    return (
        QuestionBank.objects.filter(Q(enterprise=enterprise) | Q(pk__in=shared))
        .select_related("training_body")
        .order_by("name")
    )


def internal_rules(*, enterprise: Enterprise) -> QuerySet[PaperRule]:
    """The paper rules an internal exam of the enterprise may use: those of its banks (its
    own bank's, or the body's rules on a shared bank) and its own papers."""
    return (
        PaperRule.objects.filter(bank__in=internal_banks(enterprise=enterprise))
        .filter(Q(enterprise__isnull=True) | Q(enterprise=enterprise))
        .select_related("bank")
        .order_by("bank__name", "name")
    )


def internal_exam_list(*, enterprise: Enterprise) -> QuerySet[ExamSession]:
    """The enterprise's internal exams with their counts (one query)."""
    return (
        ExamSession.objects.filter(enterprise=enterprise)
        .select_related("rule")
        .annotate(
            candidate_count=Count("candidates", distinct=True),
            passed_count=Count(
                "attempts__person",
                filter=Q(attempts__passed=True, attempts__kind=Attempt.Kind.OFFICIAL),
                distinct=True,
            ),
            taken_count=Count(
                "attempts__person",
                filter=Q(attempts__finished_at__isnull=False),
                distinct=True,
            ),
        )
        .order_by("-created_at")
    )


def internal_exam_get(*, actor: User, code: str) -> ExamSession:
    """One internal exam the actor may change; DoesNotExist otherwise (a stranger's is 404)."""
    session = (
        ExamSession.objects.select_related("rule__bank", "enterprise", "region")
        .filter(code=code, enterprise__isnull=False)
        .first()
    )
    if session is None or not session_can_change(actor, session):
        raise ExamSession.DoesNotExist
    return session


def return_exam_open(
    *, enterprise: Enterprise, person: Person | None = None, now: dt.datetime | None = None
) -> ExamSession | None:
    """The enterprise's standing 三违 return exam: published, not closed, the one that
    closes last. For a person, one they have not passed is preferred; one they passed is
    still theirs after a new 三违, which enrols them again (return_exam_enrol) so they must
    pass it again."""
    now = now or timezone.now()
    sessions = ExamSession.objects.filter(
        enterprise=enterprise,
        purpose=Purpose.VIOLATION_RETURN,
        is_published=True,
        closes_at__gt=now,
    ).order_by("-closes_at", "-pk")
    if person is not None:
        passed = Attempt.objects.filter(person=person, passed=True).values("session_id")
        return sessions.exclude(pk__in=passed).first() or sessions.first()
    return sessions.first()


def enterprise_posts(*, enterprise: Enterprise) -> list[str]:
    return sorted(
        set(
            Employment.objects.current()
            .filter(enterprise=enterprise)
            .exclude(post="")
            .values_list("post", flat=True)
        )
    )


def enterprise_people(*, enterprise: Enterprise) -> QuerySet[Person]:
    return Person.objects.filter(
        employments__enterprise=enterprise, employments__ended_on__isnull=True
    ).order_by("name")


# ---------------------------------------------------------------- writes


@dataclass(frozen=True)
class PaperPart:
    """N questions of one type, each worth `points`, in a simple paper."""

    qtype: str
    count: int
    points: Decimal


@dataclass(frozen=True)
class InternalExamData:
    name: str
    purpose: str
    bank: QuestionBank
    opens_at: dt.datetime
    closes_at: dt.datetime
    duration_minutes: int
    pass_mark: Decimal
    attempts_allowed: int
    rule: PaperRule | None = None  # an existing rule, or else the simple paper below
    parts: tuple[PaperPart, ...] = ()


@dataclass(frozen=True)
class CandidateChoice:
    """Who takes the exam: everyone employed now, or those matching every filter given,
    plus the people picked by name."""

    everyone: bool = False
    department_ids: tuple[int, ...] = ()
    posts: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    people: tuple[Person, ...] = field(default=())

    @property
    def filtered(self) -> bool:
        return bool(self.department_ids or self.posts or self.categories)


def _require_enterprise(actor: User, enterprise: Enterprise) -> None:
    require(
        enterprises_for(actor).filter(pk=enterprise.pk).exists(),
        _("Only the admins of this enterprise may run its internal exams."),
    )


def _split_by_difficulty(bank: QuestionBank, part: PaperPart) -> dict[int, int]:
    """N questions of a type over the difficulties, in proportion to what the bank holds
    (largest remainder), so every paper has the same mix (ARCHITECTURE rule 4)."""
    available = dict(
        Question.objects.filter(
            bank=bank, qtype=part.qtype, is_active=True, current_version__isnull=False
        )
        .values_list("difficulty")
        .annotate(n=Count("pk"))
    )
    total = sum(available.values())
    if total < part.count:
        raise ValidationError(
            {
                f"count_{part.qtype}": _(
                    "The bank has only %(have)d %(type)s questions; choose at most that many."
                )
                % {"have": total, "type": QuestionType(part.qtype).label}
            }
        )
    shares = {d: part.count * available.get(d, 0) / total for d in Difficulty.values}
    counts = {d: int(share) for d, share in shares.items()}
    by_remainder = sorted(Difficulty.values, key=lambda d: shares[d] - counts[d], reverse=True)
    for d in by_remainder[: part.count - sum(counts.values())]:
        counts[d] += 1
    return counts


def _simple_rule(*, actor: User, enterprise: Enterprise, data: InternalExamData) -> PaperRule:
    parts = [p for p in data.parts if p.count > 0]
    if not parts:
        raise ValidationError(
            {"count_single": _("Give the number of questions of at least one type.")}
        )
    for part in parts:
        if part.points <= 0:
            raise ValidationError(
                {f"points_{part.qtype}": _("Points per question must be more than zero.")}
            )
    rule = PaperRule.objects.create(
        code=f"NB-{uuid.uuid4().hex[:12]}",
        name=data.name[:200],
        bank=data.bank,
        enterprise=enterprise,
        duration_minutes=data.duration_minutes,
        pass_mark=data.pass_mark,
    )
    for position, part in enumerate(parts):
        counts = _split_by_difficulty(data.bank, part)
        PaperSection.objects.create(
            rule=rule,
            position=position,
            title=str(QuestionType(part.qtype).label),
            qtype=part.qtype,
            points_each=part.points,
            easy_count=counts[Difficulty.EASY],
            medium_count=counts[Difficulty.MEDIUM],
            hard_count=counts[Difficulty.HARD],
        )
    # Saved again through the rules service: its ownership check and the bank's check.
    return paper_rule_save(actor=actor, rule=rule)


def internal_exam_create(
    *, actor: User, enterprise: Enterprise, data: InternalExamData, now: dt.datetime | None = None
) -> ExamSession:
    """A draft internal exam with its paper (an existing rule or a simple one), not yet
    published; all or nothing."""
    _require_enterprise(actor, enterprise)
    require(
        internal_banks(enterprise=enterprise).filter(pk=data.bank.pk).exists(),
        _("Choose one of your own question banks or one shared with your enterprise."),
    )
    if data.purpose not in Purpose.values or data.purpose == Purpose.CONTEST:
        raise ValidationError({"purpose": _("Choose what the exam is for.")})
    if data.closes_at <= data.opens_at:
        raise ValidationError({"closes_at": _("The exam must close after it opens.")})
    if data.pass_mark <= 0:
        raise ValidationError({"pass_mark": _("The pass mark must be more than zero.")})
    with transaction.atomic():
        if data.rule is not None:
            if data.rule.bank_id != data.bank.pk:
                raise ValidationError({"rule": _("Choose a paper rule of the chosen bank.")})
            rule = data.rule
        else:
            rule = _simple_rule(actor=actor, enterprise=enterprise, data=data)
        session = ExamSession(
            code=f"NB-{uuid.uuid4().hex[:12]}",
            name=data.name,
            purpose=data.purpose,
            rule=rule,
            enterprise=enterprise,
            opens_at=data.opens_at,
            closes_at=data.closes_at,
            duration_minutes=data.duration_minutes,
            pass_mark=data.pass_mark,
            attempts_allowed=data.attempts_allowed,
            created_by=actor,
        )
        require(rule_fits_session(rule, session), _("Choose a paper rule you may use."))
        return session_save(actor=actor, session=session, now=now)


def _chosen_people(session: ExamSession, choice: CandidateChoice) -> set[int]:
    employed = Employment.objects.current().filter(enterprise_id=session.enterprise_id)
    picked = {p.pk for p in choice.people}
    if picked - set(employed.filter(person_id__in=picked).values_list("person_id", flat=True)):
        require(False, _("Some of these people are not employed at this enterprise."))
    ids = set(picked)
    if choice.everyone:
        ids |= set(employed.values_list("person_id", flat=True))
    elif choice.filtered:
        matching = employed
        if choice.department_ids:
            matching = matching.filter(department_id__in=choice.department_ids)
        if choice.posts:
            matching = matching.filter(post__in=choice.posts)
        if choice.categories:
            matching = matching.filter(category__in=choice.categories)
        ids |= set(matching.values_list("person_id", flat=True))
    return ids


def internal_exam_add_candidates(
    *, actor: User, session: ExamSession, choice: CandidateChoice
) -> int:
    """Put people of the enterprise on the exam's list; returns how many were added."""
    require(bool(session.enterprise_id) and session_can_change(actor, session))
    if not (choice.everyone or choice.filtered or choice.people):
        raise ValidationError(
            {"who": _("Choose everyone, a department, post or category, or pick people.")}
        )
    ids = _chosen_people(session, choice)
    if not ids:
        raise ValidationError({"who": _("Nobody employed now matches this choice.")})
    return session_add_candidates(
        session=session, actor=actor, people=Person.objects.filter(pk__in=ids)
    )


def internal_exam_publish(*, actor: User, session: ExamSession) -> ExamSession:
    """Publish: its people see it on their exam list. A 三违 return exam may be published
    with nobody on it yet (people join as violations are recorded); the people already
    waiting are enrolled first."""
    require(bool(session.enterprise_id) and session_can_change(actor, session))
    with transaction.atomic():
        is_return = session.purpose == Purpose.VIOLATION_RETURN
        session = session_publish(session=session, actor=actor, allow_empty=is_return)
        if is_return:
            for hook in _return_exam_hooks:
                hook(session=session, actor=actor)
    return session


def return_exam_enrol(*, session: ExamSession, person: Person, actor: User | None) -> Candidate:
    """Put a person taken off the job for 三违 on the enterprise's return exam. The caller
    (violation_record) has checked the person is employed at the session's enterprise.

    Someone already on its list who sat it before (after an earlier 三违) starts again:
    their earlier attempts, a pass among them, stop counting from now, so a new pass is
    needed and the full number of attempts is theirs again (Candidate.counts_from)."""
    require(session.enterprise_id is not None and session_can_change(actor, session))
    with transaction.atomic():
        candidate, created = Candidate.objects.select_for_update().get_or_create(
            session=session, person=person
        )
        if not created:
            sat = Attempt.objects.filter(
                session=session, person=person, finished_at__isnull=False
            ).exists()
            if sat:
                candidate.counts_from = timezone.now()
                candidate.save(update_fields=["counts_from"])
    return candidate
