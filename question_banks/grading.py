"""Scoring one answer. Pure: the attempt services and regrading call the same functions."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from question_banks.choices import QuestionType

CENT = Decimal("0.01")


def _keys(answer) -> set[str]:
    if answer is None:
        return set()
    if isinstance(answer, str):
        return {answer}
    return {str(a) for a in answer}


def score_choice(
    *, qtype: str, correct: set[str], answer, points: Decimal, policy: str = "all"
) -> Decimal:
    """judge/single: right or nothing. multiple: by the rule's partial-credit policy."""
    chosen = _keys(answer)
    if not chosen:
        return Decimal(0)
    if qtype != QuestionType.MULTIPLE or chosen == correct:
        return points if chosen == correct else Decimal(0)
    wrong = chosen - correct
    if policy == "half":
        return (points / 2).quantize(CENT, ROUND_HALF_UP) if not wrong else Decimal(0)
    if policy == "proportional":
        right = len(chosen & correct) - len(wrong)
        if right <= 0:
            return Decimal(0)
        return (points * right / len(correct)).quantize(CENT, ROUND_HALF_UP)
    return Decimal(0)


def correct_keys(options: Sequence[dict]) -> set[str]:
    return {o["key"] for o in options if o.get("correct")}


def score_item(
    *, qtype: str, options, sub_questions, answer, points: Decimal, policy: str
) -> Decimal:
    """Score one attempt item. A case question shares its points equally between its parts."""
    if qtype != QuestionType.CASE:
        return score_choice(
            qtype=qtype, correct=correct_keys(options), answer=answer, points=points, policy=policy
        )
    if not sub_questions:
        return Decimal(0)
    share = points / len(sub_questions)
    answers = answer if isinstance(answer, dict) else {}
    total = sum(
        (
            score_choice(
                qtype=sub["qtype"],
                correct=correct_keys(sub["options"]),
                answer=answers.get(str(i)),
                points=share,
                policy=policy,
            )
            for i, sub in enumerate(sub_questions)
        ),
        Decimal(0),
    )
    return total.quantize(CENT, ROUND_HALF_UP)
