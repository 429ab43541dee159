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
            "requirements table: 持证上岗), and every special operator (特种作业人员): one "
            "whose post names no operation item counts as needing one, not yet held."
        ),
    ),
    Count(
        "holding",
        _("Holding"),
        _(
            "Of those, people holding every certificate type their post needs (or an item "
            "that a 特种作业操作证 lists), in force on the date: valid status, within "
            "validity, review not overdue."
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
            "was graded this year up to the date (knowledge contest rounds are not exams)."
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
    Count(
        "dispatch_forbidden",
        _("Dispatched workers in forbidden posts"),
        _(
            "People whose employment form their enterprise's industry may not use in their "
            "post: a mine (煤矿, 非煤矿山) employing 劳务派遣 workers in 特种作业 or underground "
            "(井下) posts. Which industries, forms, categories and posts are forbidden is "
            "the table of forbidden posts (kept by the system administrator)."
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

# Breakdowns that are not a filter of their own: the groups of `?by=form` and `?by=hired`.
HIRED_THIS_YEAR = "this_year"
HIRED_EARLIER = "earlier"
HIRED_GROUPS = [
    (HIRED_THIS_YEAR, _("Hired this year")),
    (HIRED_EARLIER, _("Hired before this year")),
]
HIRED_RULE = _(
    "Hired this year: took the post from 1 January of the report date's year up to the date "
    "(the hire date, or the date the record was made when no hire date is known: the same "
    "date the pre-job hours count from). Everyone else employed on the date was hired "
    "before this year. The two rows add up to the total."
)

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


_RATE_PARTS = [(r.code, r.numerator, r.denominator) for r in RATES]


def with_rates(counts: dict[str, int]) -> dict[str, int | float | None]:
    """The counts plus every rate computed from them (as rate() does; inlined, since a
    province's table by enterprise computes it for 50,000 rows)."""
    row: dict[str, int | float | None] = dict(counts)
    for code, numerator, denominator in _RATE_PARTS:
        below = counts.get(denominator, 0)
        row[code] = round(counts.get(numerator, 0) / below, RATE_DECIMALS) if below else None
    return row


# --------------------------------------------------------------------------- notices (通知公告)
# The acknowledgement figures of /reports/notices/ (reports/notice_figures.py).

NOTICE_WHO_COUNTS = _(
    "Readers counted: everyone a notice that must be acknowledged was sent to, at the "
    "enterprise they received it for (its safety admins, and its employees when the notice "
    "was sent to them too), for notices shown on or before the report date. A person who "
    "received several such notices counts once per notice."
)

NOTICE_COUNTS = [
    Count(
        "notice_receipts",
        _("Readers to acknowledge"),
        _("Receipts of notices that must be acknowledged, shown on or before the date."),
    ),
    Count("notice_read", _("Read"), _("Of those, receipts opened by the reader by the date.")),
    Count(
        "notice_acknowledged",
        _("Acknowledged"),
        _("Of those, receipts the reader acknowledged by the date (late ones included)."),
    ),
    Count(
        "notice_due",
        _("Deadline passed"),
        _("Of those, receipts whose acknowledgement deadline fell on or before the date."),
    ),
    Count(
        "notice_on_time",
        _("Acknowledged on time"),
        _("Of the receipts whose deadline passed, those acknowledged by the deadline."),
    ),
    Count(
        "notice_overdue",
        _("Overdue"),
        _("Of the receipts whose deadline passed, those not acknowledged by the date."),
    ),
    Count(
        "notice_withdrawn",
        _("Withdrawn"),
        _(
            "Receipts of notices the publisher withdrew by the date: not counted in the "
            "columns before, since nobody is asked to acknowledge them any more."
        ),
    ),
]

NOTICE_RATES = [
    Rate(
        "notice_ack_rate",
        _("Acknowledgement rate"),
        "notice_acknowledged",
        "notice_receipts",
        _("Acknowledged / readers to acknowledge."),
    ),
    Rate(
        "notice_on_time_rate",
        _("On-time acknowledgement rate"),
        "notice_on_time",
        "notice_due",
        _("Acknowledged on time / deadline passed."),
    ),
    Rate(
        "notice_read_rate",
        _("Read rate"),
        "notice_read",
        "notice_receipts",
        _("Read / readers to acknowledge."),
    ),
]

NOTICE_COUNT_CODES = [c.code for c in NOTICE_COUNTS]


def with_notice_rates(counts: dict[str, int]) -> dict[str, int | float | None]:
    """The notice counts plus every notice rate computed from them."""
    row = dict(counts)
    for r in NOTICE_RATES:
        row[r.code] = rate(counts.get(r.numerator, 0), counts.get(r.denominator, 0))
    return row


# --------------------------------------------------------------------------- emergency drills
# The regulator's drill figures (/reports/drills/, its export and /api/reports/drills): what
# each column counts, over the enterprises in the user's scope and filters.

DRILL_RULE = _(
    "Drills: what each enterprise owes comes from the drill frequency rules (kept by the "
    "system administrator, seeded from 生产安全事故应急预案管理办法 art. 33 and 公安部令第61号 "
    "art. 40). An obligation is one rule for one period (a year or a half year); it is "
    "overdue when its period ended before the report date with fewer drills of the kinds "
    "the rule names than it asks. Only the last ended period and the running one are "
    "counted, and no period that ended before the enterprise was registered."
)

DRILL_COUNTS = [
    Count("enterprises", _("Enterprises"), _("Active enterprises in scope.")),
    Count(
        "drills_held",
        _("Drills held"),
        _("Drill records dated from 1 January of the report date's year up to the date."),
    ),
    Count(
        "participants",
        _("Drill participants"),
        _("People recorded as taking part in those drills (each drill counts its own)."),
    ),
    Count(
        "obligations_overdue",
        _("Obligations overdue"),
        _("Rule periods ended short of drills on the report date."),
    ),
    Count(
        "enterprises_overdue",
        _("Enterprises overdue"),
        _("Enterprises with at least one overdue obligation."),
    ),
    Count(
        "actions_open",
        _("Open follow-up actions"),
        _("Actions from drill evaluations not closed on the report date."),
    ),
]
DRILL_COUNT_CODES = [c.code for c in DRILL_COUNTS]
# --------------------------------------------------------------------------- warning education
# /reports/warning/: per enterprise, over the report's year (1 January to the date). Targets
# come from campaigns.WarningTarget (data: "不少于6次" a year by default).

WARNING_COUNTS = [
    Count(
        "cases_assigned",
        _("Cases assigned"),
        _("Warning cases assigned to the enterprise's people this year, one per person and case."),
    ),
    Count(
        "cases_read",
        _("Cases read"),
        _("Of those, read to the end: the reading time of the rule credited (90 per cent of it)."),
    ),
    Count(
        "cases_overdue",
        _("Cases overdue"),
        _(
            "Of those, unread after the reader's own deadline: the assignment's, or for "
            "someone who joined later, the day they joined plus the time it gave everyone."
        ),
    ),
    Count("readers", _("People assigned"), _("People with at least one case assigned this year.")),
    Count(
        "readers_on_target",
        _("People reading enough"),
        _("Of those, people who read at least the yearly target of cases."),
    ),
    Count("meetings", _("Meetings held"), _("Warning-education meetings held this year.")),
    Count(
        "cases_discussed",
        _("Cases discussed"),
        _("Different cases discussed at this year's meetings."),
    ),
    Count("enterprises", _("Enterprises"), _("Enterprises in scope.")),
    Count(
        "enterprises_on_target",
        _("Enterprises meeting the meeting target"),
        _("Enterprises that held at least the yearly target of meetings."),
    ),
]

WARNING_RATES = [
    Rate("read_rate", _("Read rate"), "cases_read", "cases_assigned", _("Cases read / assigned.")),
    Rate(
        "reader_target_rate",
        _("People on the reading target"),
        "readers_on_target",
        "readers",
        _("People reading enough / people assigned."),
    ),
    Rate(
        "meeting_target_rate",
        _("Enterprises on the meeting target"),
        "enterprises_on_target",
        "enterprises",
        _("Enterprises meeting the meeting target / enterprises."),
    ),
]

# --------------------------------------------------------------------------- rotation training
# /reports/campaigns/<id>/: one campaign's members in scope now (people who left its scope
# are not counted), by region, industry or enterprise, against the campaign's target.

CAMPAIGN_COUNTS = [
    Count("members", _("People to train"), _("Campaign members in scope now.")),
    Count(
        "participated",
        _("Took part"),
        _("Of those, people recorded present at one session or more."),
    ),
    Count("examined", _("Examined"), _("Of those, people with a closing exam result.")),
    Count("passed", _("Passed"), _("Of those, people who passed the closing exam.")),
]

CAMPAIGN_RATES = [
    Rate(
        "campaign_participation_rate",
        _("Participation rate (参训率)"),
        "participated",
        "members",
        _("Took part / people to train; compared with the campaign's target."),
    ),
    Rate(
        "campaign_pass_rate",
        _("Pass rate (合格率)"),
        "passed",
        "examined",
        _("Passed / examined."),
    ),
    Rate(
        "campaign_completion_rate",
        _("Trained and passed"),
        "passed",
        "members",
        _("Passed / people to train; compared with the campaign's target."),
    ),
]

# --------------------------------------------------------------------------- campaign months

MONTH_COUNTS = [
    Count(
        "safety_activities",
        _("Work Safety Month activities"),
        _("Activities of 安全生产月 recorded for the year."),
    ),
    Count(
        "fire_activities",
        _("Fire Safety Publicity Month activities"),
        _("Activities of 消防宣传月 recorded for the year."),
    ),
    Count(
        "participants",
        _("People taking part"),
        _("Different people of the roster recorded as taking part in the year's activities."),
    ),
    Count("evidence", _("Evidence files"), _("Photos and documents kept with the activities.")),
    Count("enterprises", _("Enterprises"), _("Enterprises in scope.")),
    Count(
        "enterprises_active",
        _("Enterprises with activities"),
        _("Enterprises that recorded at least one activity in the year."),
    ),
]

MONTH_RATES = [
    Rate(
        "month_coverage_rate",
        _("Enterprises with activities"),
        "enterprises_active",
        "enterprises",
        _("Enterprises with activities / enterprises."),
    ),
]


def with_rates_of(counts: dict[str, int], rates: list[Rate]) -> dict[str, int | float | None]:
    """The counts plus the given rates (for the figure sets other than the dashboard's)."""
    row = dict(counts)
    for r in rates:
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


# The per-employment columns the inner query (reports/figures.py) selects and
# the maintained figures (reports/models.py) keep; `holding` is needs minus lacks.
FLAGS = [
    "needs",
    "lacks",
    "must_train",
    "trained",
    "hours_ok",
    "exams_sat",
    "exams_first_pass",
    "exams_passed",
    "expiring_30",
    "expiring_90",
    "review_overdue",
    "violations_open",
    "dispatch_forbidden",
]
