"""错题本: the questions a person got wrong, kept until they answer them right."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import F
from django.utils import timezone

from question_banks.models import WrongAnswer


def wrong_book_record(*, person_id: int, right: Collection[int], wrong: Collection[int]) -> None:
    """Questions answered right leave the book; those answered wrong enter it, or count once
    more. A few statements for a whole paper (a thousand papers are submitted at 11:00),
    not one per question. A question both right and wrong in one go counts as right."""
    mine = WrongAnswer.objects.filter(person_id=person_id)
    wrong = set(wrong) - set(right)
    if right:
        mine.filter(question_id__in=right).delete()
    if not wrong:
        return
    known = set(mine.filter(question_id__in=wrong).values_list("question_id", flat=True))
    if known:
        mine.filter(question_id__in=known).update(
            times_wrong=F("times_wrong") + 1, last_wrong_at=timezone.now()
        )
    WrongAnswer.objects.bulk_create(
        [WrongAnswer(person_id=person_id, question_id=pk) for pk in sorted(wrong - known)],
        ignore_conflicts=True,  # the same person's other tab got there first
    )
