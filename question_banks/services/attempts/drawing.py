"""Drawing papers: one attempt's paper from its rule, or every candidate's ahead of a
session (ARCHITECTURE rule 3: an attempt pins its versions, their order and each option
order, drawn from a stored seed)."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.db import IntegrityError, transaction

from question_banks.drawing import PoolQuestion, draw_paper, fixed_paper
from question_banks.models import Attempt, AttemptItem, ExamSession, PaperRule
from question_banks.services.exam_page import attempt_pages_render
from question_banks.services.paper_slots import paper_slots_warm
from question_banks.services.rules import pool_for_bank, section_specs, to_pool_question
from roster.models import Person


def _previous_questions(person: Person, rule: PaperRule) -> set[int]:
    last = (
        Attempt.objects.filter(person=person, rule=rule)
        .exclude(status=Attempt.Status.READY)
        .order_by("-drawn_at")
        .first()
    )
    if last is None:
        return set()
    return set(last.items.values_list("version__question_id", flat=True))


def attempt_draw(
    *,
    person: Person,
    rule: PaperRule,
    session: ExamSession | None,
    kind: str,
    number: int = 1,
    seed: int | None = None,
    pool: list[PoolQuestion] | None = None,
) -> Attempt:
    """Draw and persist one paper (READY). `pool` may be passed in when drawing many at once."""
    seed = secrets.randbits(62) if seed is None else seed
    if rule.kind == PaperRule.Kind.FIXED:
        fixed = list(
            rule.fixed_items.select_related("question__current_version", "question__category")
        )
        items = fixed_paper([(to_pool_question(f.question), f.points) for f in fixed], seed)
    else:
        avoid = _previous_questions(person, rule) if rule.avoid_previous else set()
        items = draw_paper(
            section_specs(rule),
            pool if pool is not None else pool_for_bank(rule.bank_id),
            seed,
            avoid,
        )
    with transaction.atomic():
        attempt = Attempt.objects.create(
            person=person,
            rule=rule,
            session=session,
            kind=kind,
            number=number,
            seed=seed,
            total_points=sum((i.points for i in items), Decimal(0)),
        )
        AttemptItem.objects.bulk_create(
            AttemptItem(
                attempt=attempt,
                position=n,
                section=i.section,
                version_id=i.version_id,
                points=i.points,
                option_order=i.option_order,
            )
            for n, i in enumerate(items, start=1)
        )
    return attempt


def session_predraw(*, session: ExamSession) -> int:
    """Draw every candidate's first paper ahead, so a thousand starts at 9:00 cost a read."""
    pool = pool_for_bank(session.rule.bank_id)
    have = set(Attempt.objects.filter(session=session).values_list("person_id", flat=True))
    drawn = []
    for candidate in session.candidates.select_related("person").exclude(person_id__in=have):
        try:
            attempt = attempt_draw(
                person=candidate.person,
                rule=session.rule,
                session=session,
                kind=Attempt.Kind.OFFICIAL,
                pool=pool,
            )
            drawn.append(attempt.pk)
        except IntegrityError:
            continue  # drawn meanwhile by the person starting early
    # Cached now, so the first saves of exam day read no paper.
    paper_slots_warm(drawn, until=session.closes_at)
    # And their exam pages' cards, so the thousand first views at 9:00 render none.
    attempt_pages_render(attempt_ids=drawn)
    return len(drawn)
