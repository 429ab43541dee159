"""The exam page's cards and answer sheet, rendered once per paper and kept (AttemptPage).

At 9:00 a thousand examinees open their page, each their own paper once, so nothing of a
paper could be kept between two views of it in a process: the cards (a hundred questions)
and their texts cost about half of the page's CPU (bench/bench_requests.py --only page
--profile). A paper is frozen when drawn (ARCHITECTURE rule 3): until something is
answered or flagged its cards are the same at every view, so they are rendered when the
paper is drawn ahead (session_predraw, before exam day) or at the first view of a paper
drawn at its start, and the page shows the kept ones while nothing is answered or flagged
and the request's language is theirs. Otherwise it renders them as before; both are the
same functions over the same rows (tests/question_banks/test_exam_page_kept.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.utils import translation

from question_banks.models import Attempt, AttemptPage
from question_banks.presentation import exam_cards, exam_sheet
from question_banks.selectors import ExamPageItem, attempt_items_for_exam_page, exam_texts


def exam_page_parts(items: Sequence[ExamPageItem]) -> tuple[str, str]:
    """(cards, sheet) of the exam page for these items, in the active language."""
    texts = exam_texts({item.version_id for item in items})
    return exam_cards(items, texts), exam_sheet(items)


def untouched(items: Iterable[ExamPageItem]) -> bool:
    """Nothing answered or flagged: the cards are as drawn."""
    return all(item.answer_seq == 0 and not item.flagged for item in items)


def attempt_page_keep(
    *, attempt_id: int, items: Sequence[ExamPageItem], cards: str, sheet: str, language: str
) -> bool:
    """Keep the cards of a paper just rendered for its page, if nothing in it is answered
    or flagged (else they would show answers to a later view). Whether they were kept; a
    paper kept already keeps its first ones (the same, or in another language)."""
    if not untouched(items):
        return False
    AttemptPage.objects.bulk_create(
        [AttemptPage(attempt_id=attempt_id, language=language, cards=cards, sheet=sheet)],
        ignore_conflicts=True,
    )
    return True


def attempt_pages_render(*, attempt_ids: Iterable[int], language: str | None = None) -> int:
    """Render and keep the pages of papers just drawn (session_predraw), in the site's
    language unless told: what most examinees' browsers negotiate. How many were kept."""
    pages = []
    with translation.override(language or settings.LANGUAGE_CODE):
        language = translation.get_language()
        for attempt_id in attempt_ids:
            items = attempt_items_for_exam_page(Attempt(pk=attempt_id))
            if not items or not untouched(items):
                continue
            cards, sheet = exam_page_parts(items)
            pages.append(
                AttemptPage(attempt_id=attempt_id, language=language, cards=cards, sheet=sheet)
            )
    AttemptPage.objects.bulk_create(pages, batch_size=100, ignore_conflicts=True)
    return len(pages)
