"""Setting up a contest and its rounds (the organiser's writes).

Each service checks, inside its transaction, that the actor may organise for this contest
(services/scope.py) and that the change is one the contest's state allows: a round is an
exam session, and once it has opened its paper, window and attempts stay as they were
(papers already drawn from it must stay alike, and people's deadlines were set by it).

A round's paper is a paper rule of the exam engine made here on one of the contest's banks:
N questions of each type, optionally from some categories, split over the difficulties in
proportion to what that part of the bank holds, so every paper has the same mix
(ARCHITECTURE rule 4). A part the source cannot fill is refused beside its field, saying
how many it holds; the engine's own check (paper_rule_validate) then runs on the saved rule.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.models import Contest, ContestRound
from contests.services.scope import contest_banks, contest_can_manage, may_organise_for, require
from question_banks.models import (
    Attempt,
    Category,
    Difficulty,
    ExamSession,
    PaperRule,
    PaperSection,
    Question,
    QuestionBank,
    QuestionType,
)
from question_banks.services.rules import paper_rule_validate
from roster.choices import PersonnelCategory
from roster.models import Enterprise, Industry, Region, User
from roster.services.audit import audit_record

PART_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.JUDGE)


@dataclass(frozen=True)
class Part:
    qtype: str
    count: int
    points: Decimal


@dataclass(frozen=True)
class ContestData:
    name: str
    organiser_region: Region | None
    organiser_enterprise: Enterprise | None
    organiser_name: str = ""
    description: str = ""
    regions: tuple[Region, ...] = ()
    industries: tuple[Industry, ...] = ()
    enterprises: tuple[Enterprise, ...] = ()
    categories: tuple[str, ...] = ()
    winners_count: int = 10
    daily_bank: QuestionBank | None = None
    daily_parts: tuple[Part, ...] = ()
    daily_starts_on: dt.date | None = None
    daily_ends_on: dt.date | None = None


@dataclass(frozen=True)
class RoundData:
    title: str
    kind: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    duration_minutes: int
    attempts_allowed: int
    bank: QuestionBank
    categories: tuple[Category, ...] = ()
    parts: tuple[Part, ...] = field(default=())
    final_top_n: int = 0


# ---------------------------------------------------------------- papers


def _source(bank: QuestionBank, categories: tuple[Category, ...], qtype: str) -> QuerySet[Question]:
    qs = Question.objects.filter(
        bank=bank, qtype=qtype, is_active=True, current_version__isnull=False
    )
    if categories:
        q = Q(pk__in=[])
        for c in categories:
            q |= Q(category__path__startswith=c.path)
        qs = qs.filter(q)
    return qs


def _split(
    bank: QuestionBank, categories: tuple[Category, ...], part: Part, prefix: str
) -> dict[int, int]:
    """N questions of a type over the difficulties, in proportion to what the source holds
    (largest remainder); refused beside the field when the source holds fewer than N."""
    available = dict(
        _source(bank, categories, part.qtype).values_list("difficulty").annotate(n=Count("pk"))
    )
    total = sum(available.values())
    if total < part.count:
        raise ValidationError(
            {
                f"{prefix}count_{part.qtype}": _(
                    "The chosen source holds only %(have)d %(type)s questions, fewer than "
                    "the %(need)d asked: choose at most %(have)d."
                )
                % {"have": total, "need": part.count, "type": QuestionType(part.qtype).label}
            }
        )
    shares = {d: part.count * available.get(d, 0) / total for d in Difficulty.values}
    counts = {d: int(share) for d, share in shares.items()}
    by_remainder = sorted(Difficulty.values, key=lambda d: shares[d] - counts[d], reverse=True)
    for d in by_remainder[: part.count - sum(counts.values())]:
        counts[d] += 1
    return counts


def _write_rule(
    *,
    rule: PaperRule | None,
    name: str,
    bank: QuestionBank,
    categories: tuple[Category, ...],
    parts: tuple[Part, ...],
    duration_minutes: int,
    prefix: str = "",
) -> PaperRule:
    parts = tuple(p for p in parts if p.count > 0)
    if not parts:
        raise ValidationError(
            {f"{prefix}count_single": _("Give the number of questions of at least one type.")}
        )
    for part in parts:
        if part.points <= 0:
            raise ValidationError(
                {f"{prefix}points_{part.qtype}": _("Points per question must be more than zero.")}
            )
    if any(c.bank_id != bank.pk for c in categories):
        raise ValidationError({f"{prefix}categories": _("Choose categories of the chosen bank.")})
    splits = [(part, _split(bank, categories, part, prefix)) for part in parts]
    if rule is None:
        rule = PaperRule(code=f"JS-{uuid.uuid4().hex[:12]}")
    rule.name = name[:200]
    rule.bank = bank
    rule.duration_minutes = duration_minutes
    # A contest ranks by score; nobody "fails" a round.
    rule.pass_mark = Decimal(0)
    rule.full_clean()
    rule.save()
    rule.sections.all().delete()
    for position, (part, counts) in enumerate(splits):
        section = PaperSection.objects.create(
            rule=rule,
            position=position,
            title=str(QuestionType(part.qtype).label),
            qtype=part.qtype,
            points_each=part.points,
            easy_count=counts[Difficulty.EASY],
            medium_count=counts[Difficulty.MEDIUM],
            hard_count=counts[Difficulty.HARD],
        )
        section.categories.set(categories)
    paper_rule_validate(rule=rule)
    return rule


# ---------------------------------------------------------------- contests


def _check_contest(actor: User | None, data: ContestData, contest: Contest | None) -> None:
    if not data.name.strip():
        raise ValidationError({"name": _("Give the contest a name.")})
    require(
        may_organise_for(
            actor,
            region=data.organiser_region,
            enterprise=data.organiser_enterprise,
            industry_ids={i.pk for i in data.industries},
        ),
        _(
            "You may organise contests only for your own region (and industries) or your own "
            "enterprise."
        ),
    )
    if data.organiser_region is not None:
        outside = [r for r in data.regions if not r.path.startswith(data.organiser_region.path)]
        if outside:
            raise ValidationError(
                {"regions": _("%(name)s is outside the organiser's region.") % {"name": outside[0]}}
            )
        beyond = [
            e for e in data.enterprises if not e.region.path.startswith(data.organiser_region.path)
        ]
        if beyond:
            raise ValidationError(
                {
                    "enterprises": _("%(name)s is outside the organiser's region.")
                    % {"name": beyond[0].name}
                }
            )
    bad = [c for c in data.categories if c not in PersonnelCategory.values]
    if bad:
        raise ValidationError({"categories": _("Choose personnel categories from the list.")})
    if data.winners_count < 1:
        raise ValidationError({"winners_count": _("Name at least one winner.")})
    if data.daily_starts_on and data.daily_ends_on and data.daily_ends_on < data.daily_starts_on:
        raise ValidationError(
            {"daily_ends_on": _("The daily questions must end on or after their first day.")}
        )


def contest_save(
    *, actor: User | None, data: ContestData, contest: Contest | None = None
) -> Contest:
    """Create a contest, or save changes to one the actor may change; all or nothing."""
    with transaction.atomic():
        if contest is not None:
            contest = Contest.objects.select_for_update().get(pk=contest.pk)
            require(contest_can_manage(actor, contest))
        _check_contest(actor, data, contest)
        if contest is None:
            contest = Contest(created_by=actor)
        contest.name = data.name.strip()
        contest.description = data.description
        contest.organiser_region = data.organiser_region
        contest.organiser_enterprise = data.organiser_enterprise
        contest.organiser_name = data.organiser_name.strip()
        contest.categories = list(data.categories)
        contest.winners_count = data.winners_count
        contest.daily_starts_on = data.daily_starts_on
        contest.daily_ends_on = data.daily_ends_on
        contest.full_clean(exclude=["daily_rule"])
        contest.save()
        contest.regions.set(data.regions)
        contest.industries.set(data.industries)
        contest.enterprises.set(data.enterprises)
        if data.daily_bank is not None and any(p.count for p in data.daily_parts):
            require(
                contest_banks(contest).filter(pk=data.daily_bank.pk).exists(),
                _("Choose a question bank this contest may draw on."),
            )
            rule = contest.daily_rule
            if rule is not None and Attempt.objects.filter(rule=rule).exists():
                rule = None  # papers drawn from the old one stay as they were
            contest.daily_rule = _write_rule(
                rule=rule,
                name=_("%(name)s · daily questions") % {"name": contest.name},
                bank=data.daily_bank,
                categories=(),
                parts=data.daily_parts,
                duration_minutes=10,
                prefix="daily_",
            )
        else:
            contest.daily_rule = None
        contest.save(update_fields=["daily_rule"])
        audit_record(actor=actor, action="contest.save", target=contest)
    return contest


# ---------------------------------------------------------------- rounds


def _overlapping(contest: Contest, data: RoundData, exclude: int | None) -> ContestRound | None:
    qs = ContestRound.objects.filter(
        contest=contest,
        session__opens_at__lt=data.closes_at,
        session__closes_at__gt=data.opens_at,
    ).select_related("session")
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("session__opens_at").first()


OPENS_NOW_GRACE = dt.timedelta(minutes=5)


def _check_round(
    contest: Contest, data: RoundData, current: ContestRound | None, now: dt.datetime
) -> None:
    if not data.title.strip():
        raise ValidationError({"title": _("Give the round a name.")})
    if data.kind not in ContestRound.Kind.values:
        raise ValidationError({"kind": _("Choose the kind of round.")})
    if data.closes_at <= data.opens_at:
        raise ValidationError({"closes_at": _("The round must close after it opens.")})
    # The form takes whole minutes, and an organiser who types the current minute submits
    # some time later: "now" is a few minutes wide.
    if current is None and data.opens_at <= now - OPENS_NOW_GRACE:
        raise ValidationError({"opens_at": _("A new round cannot open in the past.")})
    if data.duration_minutes < 1:
        raise ValidationError({"duration_minutes": _("Give the time allowed in minutes.")})
    if data.attempts_allowed < 1:
        raise ValidationError({"attempts_allowed": _("Allow at least one attempt.")})
    clash = _overlapping(contest, data, current.pk if current else None)
    if clash is not None:
        raise ValidationError(
            {
                "opens_at": _(
                    "This window overlaps the round “%(name)s” (%(start)s – %(end)s): rounds "
                    "of a contest must not overlap."
                )
                % {
                    "name": clash.title,
                    "start": timezone.localtime(clash.session.opens_at).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(clash.session.closes_at).strftime("%Y-%m-%d %H:%M"),
                }
            }
        )
    if data.kind == ContestRound.Kind.FINAL:
        if data.final_top_n < 1:
            raise ValidationError(
                {"final_top_n": _("Say how many of the best of earlier rounds enter the final.")}
            )
        earlier = ContestRound.objects.filter(
            contest=contest, kind=ContestRound.Kind.TIMED, session__closes_at__lte=data.opens_at
        )
        if current is not None:
            earlier = earlier.exclude(pk=current.pk)
        if not earlier.exists():
            raise ValidationError(
                {"kind": _("A final round comes after at least one earlier round.")}
            )


def contest_round_save(
    *,
    actor: User | None,
    contest: Contest,
    data: RoundData,
    round: ContestRound | None = None,
    now: dt.datetime | None = None,
) -> ContestRound:
    """Add a round (an exam session of purpose CONTEST with its own paper rule), or change one
    that has not opened yet; all or nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        require(contest_can_manage(actor, contest))
        if round is not None:
            round = ContestRound.objects.select_related("session__rule").get(
                pk=round.pk, contest=contest
            )
            if now >= round.session.opens_at or round.session.attempts.exists():
                raise ValidationError(
                    _("This round has opened: it can no longer change. Add a new round instead.")
                )
        _check_round(contest, data, round, now)
        require(
            contest_banks(contest).filter(pk=data.bank.pk).exists(),
            _("Choose a question bank this contest may draw on."),
        )
        full_name = f"{contest.name} · {data.title.strip()}"[:200]
        rule = _write_rule(
            rule=round.session.rule if round else None,
            name=full_name,
            bank=data.bank,
            categories=data.categories,
            parts=data.parts,
            duration_minutes=data.duration_minutes,
        )
        session = round.session if round else ExamSession(code=f"JS-{uuid.uuid4().hex[:12]}")
        session.name = full_name
        session.rule = rule
        session.purpose = ExamSession.Purpose.CONTEST
        session.mode = ExamSession.Mode.ONLINE
        session.opens_at = data.opens_at
        session.closes_at = data.closes_at
        session.duration_minutes = data.duration_minutes
        session.attempts_allowed = data.attempts_allowed
        session.score_policy = ExamSession.ScorePolicy.HIGHEST
        session.pass_mark = Decimal(0)
        session.show_result = ExamSession.ResultPolicy.IMMEDIATELY
        # Fairness: no key shows until the round has closed, and nobody of the round may
        # practise on its bank while it is held.
        session.show_answers = ExamSession.ResultPolicy.AFTER_CLOSE
        session.closes_practice = True
        session.is_published = True
        owner = None if contest.organiser_region_id else contest.organiser_enterprise
        session.region = owner.region if owner is not None else contest.organiser_region
        if session.created_by_id is None:
            session.created_by = actor
        session.full_clean()
        session.save()
        if round is None:
            round = ContestRound(contest=contest, session=session)
        round.title = data.title.strip()
        round.kind = data.kind
        round.final_top_n = data.final_top_n if data.kind == ContestRound.Kind.FINAL else 0
        round.full_clean()
        round.save()
        audit_record(actor=actor, action="contest.round_save", target=contest, round=round.pk)
    return round


# ---------------------------------------------------------------- deleting


def _started(sessions: list[int]) -> bool:
    """Whether anyone has started a paper of these rounds (a paper drawn as a person entered
    and not yet started does not count: it is deleted with the round)."""
    return (
        Attempt.objects.filter(session__in=sessions).exclude(status=Attempt.Status.READY).exists()
    )


def _round_remove(round: ContestRound) -> None:
    session, rule = round.session, round.session.rule
    round.delete()
    session.delete()  # its list and the papers drawn ahead (nobody started them)
    rule.delete()  # made for this round alone


def contest_round_delete(*, actor: User | None, round: ContestRound) -> None:
    """Delete a round nobody has started (its exam session, list, papers drawn ahead and paper
    rule with it); refused once anyone has."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=round.contest_id)
        require(contest_can_manage(actor, contest))
        round = ContestRound.objects.select_related("session__rule").get(
            pk=round.pk, contest=contest
        )
        # Starts take the session's row lock-free; locking the round's own papers makes a
        # start that is under way either finish first (and be seen) or wait for this.
        list(Attempt.objects.select_for_update().filter(session_id=round.session_id))
        if _started([round.session_id]):
            raise ValidationError(
                _(
                    "Contestants have started this round: it can no longer be deleted. Its "
                    "results stand."
                )
            )
        audit_record(
            actor=actor, action="contest.round_delete", target=contest, summary=round.title
        )
        _round_remove(round)


def contest_delete(*, actor: User | None, contest: Contest) -> None:
    """Delete a contest nobody has taken part in yet (no round started, no daily questions
    answered), with its rounds; refused otherwise."""
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        require(contest_can_manage(actor, contest))
        rounds = list(ContestRound.objects.select_related("session__rule").filter(contest=contest))
        sessions = [r.session_id for r in rounds]
        list(Attempt.objects.select_for_update().filter(session_id__in=sessions))
        if _started(sessions) or contest.daily_sets.exists() or contest.entries.exists():
            raise ValidationError(
                _(
                    "People have taken part in this contest: it can no longer be deleted. "
                    "Its results stand."
                )
            )
        audit_record(actor=actor, action="contest.delete", target=contest, summary=contest.name)
        for round in rounds:
            _round_remove(round)
        daily_rule = contest.daily_rule
        contest.delete()
        if daily_rule is not None and not daily_rule.attempts.exists():
            daily_rule.delete()
