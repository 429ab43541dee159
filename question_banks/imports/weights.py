"""Which answers of a Moodle multichoice question are right, read from their weights.

Moodle gives every answer a fraction of the mark (GIFT ``~%50%``, XML ``fraction="50"``) and
grades a single-answer question by the chosen answer's fraction, a multiple-answer one by the
sum of the chosen fractions (clamped to 0..1). This product marks an answer right or wrong and
grades all-or-nothing, so a question is imported only where that keeps Moodle's meaning:

- exactly one answer worth 100 %: a single-choice question with that answer right, whether
  Moodle shows it with radio buttons or checkboxes. Partial credit on the other answers and
  negative marks are not kept: a partly credited answer counts as wrong, so the examinee who
  picks the right answer alone is marked right (never several partly credited answers marked
  right, which would fail that examinee);
- no answer worth 100 %, a multiple-answer question, and the positive weights of two or more
  answers add up to 100 % (Moodle's own rule for saving such a question, rounded to 2 decimals
  as Moodle rounds): a multiple-choice question whose right answers are exactly those;
- anything else (several answers worth 100 %, positive weights that do not add up to 100 %, no
  answer worth anything) cannot be said with right and wrong answers: the question is reported
  with the reason and left out.

Weights must also be one of Moodle's grade options (``question_bank::fraction_options_full``),
as Moodle's importer refuses others (``matchgrades = error``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from question_banks.choices import QuestionType

# Moodle's question_bank::fraction_options_full() (positive half; negatives mirror it).
GRADES = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
    0.0,
)
_EPSILON = 1e-5


def is_grade_option(fraction: float) -> bool:
    """True when `fraction` (1.0 = 100 %) is one of Moodle's grade options, or its negative."""
    return any(abs(abs(fraction) - grade) < _EPSILON for grade in GRADES)


def percent(fraction: float) -> str:
    """0.3333333 → "33.33%", 1.0 → "100%": how a weight is shown in a report."""
    return f"{round(fraction * 100, 2):g}%"


@dataclass(frozen=True)
class Decision:
    """`kind` ("single"/"multiple") and which answers are right, or `code`/`reason` why the
    question cannot be imported."""

    kind: str = ""
    correct: tuple[bool, ...] = ()
    code: str = ""
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.code


def decide(fractions: list[float], *, single: bool) -> Decision:
    """The product's question for answers weighted `fractions`; `single` is Moodle's flag."""
    full = [abs(f - 1.0) < _EPSILON for f in fractions]
    positive = [f > _EPSILON for f in fractions]
    total = sum(f for f in fractions if f > 0)
    if sum(full) == 1:
        return Decision(QuestionType.SINGLE, tuple(full))
    if sum(full) > 1 and single:
        return Decision(
            code="several_full_marks",
            reason=_(
                "%(count)s answers are each worth 100%%, so in Moodle any one of them gets full "
                "marks; a single-choice question here has exactly one right answer."
            )
            % {"count": sum(full)},
        )
    if not any(positive):
        return Decision(
            code="no_right_answer",
            reason=_("No answer is worth any marks, so no answer would be right."),
        )
    if single:
        return Decision(
            code="no_full_marks",
            reason=_(
                "No answer is worth 100%, so in Moodle nobody can get full marks; a "
                "single-choice question here needs one right answer."
            ),
        )
    if round(total, 2) == 1 and sum(positive) >= 2:
        return Decision(QuestionType.MULTIPLE, tuple(positive))
    return Decision(
        code="weights_do_not_add_up",
        reason=_(
            "The answers worth marks add up to %(total)s, not 100%%: right and wrong answers "
            "cannot say which choices get full marks."
        )
        % {"total": percent(total)},
    )
