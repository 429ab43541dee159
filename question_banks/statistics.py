"""Item analysis after a session: facility, discrimination and option counts per question.

Definitions (classical test theory, as training bodies use them):
- facility index (难度/通过率) = mean item score / item points, 0..1;
- discrimination index (区分度) = facility in the top 27 % of examinees by total score minus
  facility in the bottom 27 %;
- a question is flagged when facility < 0.2 (too hard, or a wrong key), > 0.95 (too easy)
  or discrimination < 0.2 (does not separate those who know from those who do not; a
  negative value usually means a wrong key).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from question_banks.models import Attempt, AttemptItem, ExamSession

FACILITY_LOW, FACILITY_HIGH, DISCRIMINATION_LOW = 0.2, 0.95, 0.2


@dataclass
class QuestionStats:
    question_id: int
    version_id: int
    stem: str
    qtype: str
    answered: int
    facility: float
    discrimination: float | None
    option_counts: dict[str, int] = field(default_factory=dict)
    right_keys: str = ""
    flags: list[str] = field(default_factory=list)


def session_statistics(session: ExamSession) -> list[QuestionStats]:
    attempts = list(
        Attempt.objects.filter(session=session, status__in=["submitted", "expired"])
        .order_by("-score", "pk")
        .values_list("pk", "score")
    )
    if not attempts:
        return []
    group = max(1, round(len(attempts) * 0.27))
    upper = {pk for pk, _ in attempts[:group]}
    lower = {pk for pk, _ in attempts[-group:]}
    items = AttemptItem.objects.filter(attempt_id__in=[pk for pk, _ in attempts]).select_related(
        "version__question"
    )
    by_question: dict[int, list[AttemptItem]] = defaultdict(list)
    for item in items:
        by_question[item.version.question_id].append(item)
    stats = []
    for question_id, rows in by_question.items():
        version = rows[0].version
        share = [float((i.score or Decimal(0)) / i.points) if i.points else 0.0 for i in rows]
        facility = sum(share) / len(share)

        def mean_in(members, rows=rows):
            values = [
                float((i.score or 0) / i.points)
                for i in rows
                if i.attempt_id in members and i.points
            ]
            return sum(values) / len(values) if values else None

        high, low = mean_in(upper), mean_in(lower)
        discrimination = None if high is None or low is None or len(attempts) < 4 else high - low
        counts: Counter = Counter()
        for i in rows:
            if isinstance(i.answer, list):
                counts.update(i.answer)
        flags = []
        if facility < FACILITY_LOW:
            flags.append("too_hard")
        if facility > FACILITY_HIGH:
            flags.append("too_easy")
        if discrimination is not None and discrimination < DISCRIMINATION_LOW:
            flags.append("low_discrimination" if discrimination >= 0 else "negative_discrimination")
        stats.append(
            QuestionStats(
                question_id=question_id,
                version_id=version.pk,
                stem=version.plain_stem[:120],
                qtype=version.question.qtype,
                answered=sum(1 for i in rows if i.answer),
                facility=round(facility, 3),
                discrimination=None if discrimination is None else round(discrimination, 3),
                option_counts={o["key"]: counts.get(o["key"], 0) for o in version.options},
                right_keys=version.answer_key,
                flags=flags,
            )
        )
    return sorted(stats, key=lambda s: (not s.flags, s.facility))


@dataclass
class BankQuestionFigures:
    """A question's figures over every session of its bank: each session's figures weighted
    by how many examinees had the question there, flagged by the same thresholds."""

    facility: float
    discrimination: float | None
    flags: list[str]


def bank_question_figures(bank_id: int) -> dict[int, BankQuestionFigures]:
    """Question id -> its figures, for the bank's question list and its filters. Sessions
    of a bank number in the tens; each is analysed as on its own statistics page."""
    sessions = ExamSession.objects.filter(
        attempts__items__version__question__bank_id=bank_id
    ).distinct()
    pooled: dict[int, list[tuple[int, float, float | None]]] = defaultdict(list)
    for session in sessions:
        for s in session_statistics(session):
            pooled[s.question_id].append((max(s.answered, 1), s.facility, s.discrimination))
    figures = {}
    for question_id, rows in pooled.items():
        weight = sum(w for w, _f, _d in rows)
        facility = sum(w * f for w, f, _d in rows) / weight
        known = [(w, d) for w, _f, d in rows if d is not None]
        discrimination = sum(w * d for w, d in known) / sum(w for w, _d in known) if known else None
        flags = []
        if facility < FACILITY_LOW:
            flags.append("too_hard")
        if facility > FACILITY_HIGH:
            flags.append("too_easy")
        if discrimination is not None and discrimination < DISCRIMINATION_LOW:
            flags.append("low_discrimination" if discrimination >= 0 else "negative_discrimination")
        figures[question_id] = BankQuestionFigures(
            round(facility, 3),
            None if discrimination is None else round(discrimination, 3),
            flags,
        )
    return figures
