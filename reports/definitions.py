"""What every figure on the regulator's pages means: one place, read by the code that computes
the figures (reports/figures.py), the pages, the exports' header block and the API schema.

Who counts: every employment in force on the report date, whatever the employment form
(正式, 劳务派遣, 外包, 临时 and 灵活用工 all count as the enterprise's people). An employment is
in force on a date when the person took the post on or before it (hire date, or the date the
record was made when no hire date is known) and had not left by then. A person employed by
two enterprises on the same date counts at both, so the parts of a table always add up to its
total. Category and post are the ones recorded now.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

WHO_COUNTS = _(
    "People counted: everyone employed on the report date (hired on or before it, not yet "
    "left), in every employment form: regular, labour dispatch, outsourced, temporary and "
    "flexible workers all count as the enterprise's people. Someone employed by two "
    "enterprises counts at each. Personnel category and post are as recorded now."
)

DATE_RULE = _(
    "Dates: each figure is computed as of the report date (default today); yearly figures "
    "count from 1 January of that date's year up to and including the date. Past months in "
    "the trend are the figures as of each month's last day, recomputed every night."
)


@dataclass(frozen=True)
class Count:
    code: str
    label: Promise
    definition: Promise


@dataclass(frozen=True)
class Rate:
    code: str
    label: Promise
    numerator: str  # a Count code
    denominator: str  # a Count code
    definition: Promise


COUNTS = [
    Count("people", _("People"), _("Employments in force on the date.")),
    Count(
        "required",
        _("Need a certificate"),
        _(
            "People whose post or personnel category needs a certificate type (the post "
            "requirements table: 持证上岗)."
        ),
    ),
    Count(
        "holding",
        _("Holding"),
        _(
            "Of those, people holding every certificate type their post needs, in force on the "
            "date: valid status, within validity, review not overdue."
        ),
    ),
    Count(
        "must_train",
        _("Must be trained"),
        _(
            "People who owe training hours (学时) this year: the yearly retraining of their "
            "category, or, when they took the post this year or less than a year before it "
            "began, the initial / pre-job hours."
        ),
    ),
    Count(
        "trained",
        _("Trained this year"),
        _("Of those, people credited with any training hours this year up to the date."),
    ),
    Count(
        "hours_ok",
        _("Hours complete"),
        _(
            "Of those, people with every hours rule due this year met by the date (the same "
            "rules as each person's training file)."
        ),
    ),
    Count(
        "exams_sat",
        _("Exams sat"),
        _(
            "Official exams sat this year: one per person and exam session whose first attempt "
            "was graded this year up to the date."
        ),
    ),
    Count(
        "exams_first_pass",
        _("Passed at the first attempt"),
        _("Of those, exams whose first attempt passed."),
    ),
    Count(
        "exams_passed",
        _("Passed in the end"),
        _("Of those, exams passed at any attempt graded by the date."),
    ),
    Count(
        "expiring_30",
        _("Due within 30 days"),
        _(
            "Certificates in force on the date whose validity ends or whose review falls due "
            "within the next 30 days, counted at the holder's employer."
        ),
    ),
    Count(
        "expiring_90",
        _("Due within 90 days"),
        _("The same within the next 90 days (includes the 30 days)."),
    ),
    Count(
        "review_overdue",
        _("Reviews overdue"),
        _("Certificates still valid but whose review date has passed without a review."),
    ),
    Count(
        "violations_open",
        _("三违 not yet retrained"),
        _(
            "People taken off the job for a 三违 (violating rules, orders or discipline) on or "
            "before the date who were not back by it: retraining and its exam still open."
        ),
    ),
]

RATES = [
    Rate(
        "certification_rate",
        _("Certification rate (持证率)"),
        "holding",
        "required",
        _("Holding / need a certificate."),
    ),
    Rate(
        "participation_rate",
        _("Participation rate (参训率)"),
        "trained",
        "must_train",
        _("Trained this year / must be trained."),
    ),
    Rate(
        "hours_rate",
        _("Hours compliance (学时达标率)"),
        "hours_ok",
        "must_train",
        _("Hours complete / must be trained."),
    ),
    Rate(
        "first_pass_rate",
        _("First-attempt pass rate"),
        "exams_first_pass",
        "exams_sat",
        _("Passed at the first attempt / exams sat."),
    ),
    Rate(
        "final_pass_rate",
        _("Final pass rate"),
        "exams_passed",
        "exams_sat",
        _("Passed in the end / exams sat."),
    ),
]

COUNT_CODES = [c.code for c in COUNTS]
RATE_CODES = [r.code for r in RATES]
COUNTS_BY_CODE = {c.code: c for c in COUNTS}
RATES_BY_CODE = {r.code: r for r in RATES}
RATE_DECIMALS = 4


def rate(numerator: int, denominator: int) -> float | None:
    """A rate rounded to 4 decimals; None (shown as "—") when nobody is in the denominator."""
    if not denominator:
        return None
    return round(numerator / denominator, RATE_DECIMALS)


def with_rates(counts: dict[str, int]) -> dict[str, int | float | None]:
    """The counts plus every rate computed from them."""
    row = dict(counts)
    for r in RATES:
        row[r.code] = rate(counts.get(r.numerator, 0), counts.get(r.denominator, 0))
    return row


# Knowledge contests (the contests app), on /reports/contests/ (reports/contests.py).
CONTEST_COUNTS = [
    Count(
        "contest_eligible",
        _("May take part"),
        _(
            "People employed now at an enterprise in your scope that the contest is open to "
            "(its region, industries, enterprises and personnel categories)."
        ),
    ),
    Count(
        "contest_participants",
        _("Took part"),
        _(
            "People of enterprises in your scope who finished at least one round of the "
            "contest or answered its daily questions at least once."
        ),
    ),
]
CONTEST_RATES = [
    Rate(
        "contest_participation_rate",
        _("Contest participation rate (参与率)"),
        "contest_participants",
        "contest_eligible",
        _("Took part / may take part."),
    ),
]
CONTEST_SCORE_DEFINITION = _(
    "Average score: the mean total score (each round's best attempt, summed) of those who "
    "finished at least one round."
)
