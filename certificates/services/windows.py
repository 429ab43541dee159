"""The windows and bars of the certificate rules (CertificateRule rows, one per family):
checked by the lifecycle services before they write, and listed per person as "what, by when"
for the holder's page, their admin's page and the daily missed-window notice.

Each rule's figure is data; the refusals name the rule and the date it allows:
- review (复审) applied for at least N days before it is due (特种作业: 60);
- renewal applied for at least N days before expiry (合格证: 30), or within the N months
  before expiry (建筑施工: 3) and refused after an accident penalty or bad credit record;
- high-risk principals and safety managers assessed within N months of taking the post (6);
- revocation (撤销) bars a new application for N years (3);
- N months or more away from the post: the practical exam again (6);
- a theory pass is usable N months for taking the practical exam (12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateFamily,
    CertificateRule,
    CertificateStatus,
    CertificateType,
    ConductRecord,
    HealthCheck,
    PracticalExam,
)
from roster.choices import EmploymentStatus, PersonnelCategory
from roster.models import EmploymentEvent, Person

from .errors import CertificateError
from .person_reads import PersonReads

if TYPE_CHECKING:
    from question_banks.models import Attempt

# Who the assessment deadline concerns: the categories a 合格证 is for.
_ASSESSED = (PersonnelCategory.PRINCIPAL, PersonnelCategory.SAFETY_MANAGER)


def rule_for(family: str) -> CertificateRule | None:
    return CertificateRule.objects.filter(family=family).first()


def _iso(day: dt.date) -> str:
    return day.isoformat()


# ---- the checks the services make before they write -------------------------------------


def review_window_check(*, certificate: Certificate, applied_on: dt.date) -> None:
    """复审 applied for at least N days before it is due."""
    rule = rule_for(certificate.certificate_type.family)
    if rule is None or not rule.review_apply_days_before or certificate.next_review_on is None:
        return
    last = certificate.next_review_on - dt.timedelta(days=rule.review_apply_days_before)
    if applied_on > last:
        raise CertificateError(
            _(
                "Rule “review applied for at least %(days)s days before it is due”: the review "
                "due on %(due)s had to be applied for by %(last)s; applied on %(applied)s."
            )
            % {
                "days": rule.review_apply_days_before,
                "due": _iso(certificate.next_review_on),
                "last": _iso(last),
                "applied": _iso(applied_on),
            },
            "review_window",
        )


def renewal_window(
    certificate: Certificate, reads: PersonReads | None = None
) -> tuple[dt.date | None, dt.date | None] | None:
    """(first day, last day) a renewal may be applied for, or None when the family has no
    renewal window. `reads`: the holder's rows read once (person_reads)."""
    family = certificate.certificate_type.family
    rule = reads.rule(family) if reads is not None else rule_for(family)
    if rule is None or not (rule.renew_apply_days_before or rule.renew_window_months):
        return None
    opens = (
        certificate.valid_until - relativedelta(months=rule.renew_window_months)
        if rule.renew_window_months
        else None
    )
    last = (
        certificate.valid_until - dt.timedelta(days=rule.renew_apply_days_before)
        if rule.renew_apply_days_before
        else certificate.valid_until
    )
    return opens, last


def barring_records(*, person: Person, since: dt.date, on: dt.date) -> list[ConductRecord]:
    return list(
        ConductRecord.objects.filter(person=person, on__gte=since, on__lte=on).order_by("-on")
    )


@dataclass(frozen=True)
class TrainingShortfall:
    year: int
    required: Decimal
    done: Decimal


def renewal_training_shortfalls(
    *, certificate: Certificate, applied_on: dt.date, reads: PersonReads | None = None
) -> list[TrainingShortfall]:
    """Every whole calendar year of the validity, ended before the application, whose
    yearly training hours were not credited in the hours ledger (oldest first).

    The hours are the yearly rule (courses.HoursRule) of the type's personnel category (the
    construction three types: 20 学时) in the holder's industry; the year the card was issued
    is left out (that year's training was the one the exam followed)."""
    from courses.models import HoursRule
    from courses.services.compliance import applicable_rules, credited_hours

    ctype = certificate.certificate_type
    reads = reads or PersonReads(certificate.person)
    employment = reads.employment
    enterprise = employment.enterprise if employment is not None else certificate.enterprise
    if enterprise is not None:
        rules = applicable_rules(category=ctype.personnel_category, industry=enterprise.industry)
    else:
        rules = list(
            HoursRule.objects.filter(
                personnel_category=ctype.personnel_category, industry__isnull=True, high_risk=False
            )
        )
    yearly = [r for r in rules if r.period == HoursRule.Period.YEARLY and r.required_hours]
    out = []
    for year in range(certificate.valid_from.year + 1, applied_on.year):
        for rule in yearly:
            done = credited_hours(
                person=certificate.person,
                start=dt.date(year, 1, 1),
                end=dt.date(year, 12, 31),
                kinds=[rule.training_kind],
                settings=reads.study_settings,
            ).get(rule.training_kind, Decimal("0.0"))
            if done < rule.required_hours:
                out.append(TrainingShortfall(year, rule.required_hours, done))
                break
    return out


def renewal_training_shortfall(
    *, certificate: Certificate, applied_on: dt.date
) -> TrainingShortfall | None:
    """The first of renewal_training_shortfalls, or None: what the renewal is refused for."""
    short = renewal_training_shortfalls(certificate=certificate, applied_on=applied_on)
    return short[0] if short else None


def renewal_check(*, certificate: Certificate, applied_on: dt.date) -> None:
    """延续/extension inside its window, (建筑施工) no accident penalty or bad credit record
    during the validity, and (建筑施工) the yearly training done in each year of it."""
    window = renewal_window(certificate)
    if window is not None:
        opens, last = window
        if opens is not None and applied_on < opens:
            raise CertificateError(
                _(
                    "Rule “renewal applied for within the %(months)s months before expiry”: "
                    "the certificate expires on %(expiry)s, so a renewal may be applied for "
                    "from %(opens)s; applied on %(applied)s."
                )
                % {
                    "months": relativedelta(certificate.valid_until, opens).months
                    + 12 * relativedelta(certificate.valid_until, opens).years,
                    "expiry": _iso(certificate.valid_until),
                    "opens": _iso(opens),
                    "applied": _iso(applied_on),
                },
                "renew_window",
            )
        if last is not None and applied_on > last:
            raise CertificateError(
                _(
                    "Rule “renewal applied for at least %(days)s days before expiry”: the "
                    "certificate expiring on %(expiry)s had to be applied for by %(last)s; "
                    "applied on %(applied)s."
                )
                % {
                    "days": (certificate.valid_until - last).days,
                    "expiry": _iso(certificate.valid_until),
                    "last": _iso(last),
                    "applied": _iso(applied_on),
                },
                "renew_window",
            )
    rule = rule_for(certificate.certificate_type.family)
    if rule is not None and rule.renew_barred_by_records:
        records = barring_records(
            person=certificate.person, since=certificate.valid_from, on=applied_on
        )
        if records:
            record = records[0]
            raise CertificateError(
                _(
                    "Rule “no renewal after an accident penalty or bad credit record”: "
                    "%(kind)s of %(date)s (%(what)s)."
                )
                % {
                    "kind": record.get_kind_display(),
                    "date": _iso(record.on),
                    "what": record.description,
                },
                "barred_by_record",
            )
    if rule is not None and rule.renew_needs_yearly_training:
        short = renewal_training_shortfall(certificate=certificate, applied_on=applied_on)
        if short is not None:
            raise CertificateError(
                _(
                    "Rule “renewal granted when the yearly training was done”: %(year)s has "
                    "%(done)s of the %(required)s training hours (学时) in the hours ledger."
                )
                % {"year": short.year, "done": short.done, "required": short.required},
                "training_not_done",
            )


def revocation_bar(
    *, person: Person, family: str, on: dt.date, reads: PersonReads | None = None
) -> dt.date | None:
    """The first day the person may apply again after a revocation (撤销) in this family, or
    None when no bar holds on `on`."""
    rule = reads.rule(family) if reads is not None else rule_for(family)
    if rule is None or not rule.revocation_bar_years:
        return None
    revoked = CertificateEvent.objects.filter(
        certificate__person=person,
        certificate__certificate_type__family=family,
        kind=CertificateEvent.Kind.REVOKED,
    ).aggregate(last=Max("at"))["last"]
    if revoked is None:
        return None
    free_from = timezone.localtime(revoked).date() + relativedelta(years=rule.revocation_bar_years)
    return free_from if on < free_from else None


def revocation_check(*, person: Person, ctype: CertificateType, on: dt.date) -> None:
    free_from = revocation_bar(person=person, family=ctype.family, on=on)
    if free_from is not None:
        rule = rule_for(ctype.family)
        assert rule is not None
        raise CertificateError(
            _(
                "Rule “revocation bars a new application for %(years)s years”: %(name)s may "
                "apply again from %(date)s."
            )
            % {"years": rule.revocation_bar_years, "name": person.name, "date": _iso(free_from)},
            "revocation_bar",
        )


# ---- theory pass, practical exam and time away from the post ---------------------------


def theory_pass(*, person: Person, ctype: CertificateType, on: dt.date) -> Attempt | None:
    """The person's latest passed official exam for this type taken by `on` (the theory,
    安全生产知识, part), or None."""
    from question_banks.models import Attempt

    return (
        Attempt.objects.filter(
            person=person,
            kind=Attempt.Kind.OFFICIAL,
            passed=True,
            session__certificate_type_code=ctype.code,
            finished_at__date__lte=on,
        )
        .order_by("-finished_at")
        .first()
    )


def theory_usable_until(attempt: Attempt, rule: CertificateRule) -> dt.date:
    taken = timezone.localtime(attempt.finished_at).date()
    return taken + relativedelta(months=rule.theory_valid_months or 0)


def practical_pass_for(
    *, attempt: Attempt, ctype: CertificateType, rule: CertificateRule
) -> PracticalExam | None:
    """The passed practical exam that completes this theory pass: of the same item, taken
    from the theory's day to the end of its validity (the earliest, which the certificate's
    dates follow), or None."""
    taken = timezone.localtime(attempt.finished_at).date()
    return (
        PracticalExam.objects.filter(
            person_id=attempt.person_id,
            certificate_type=ctype,
            passed=True,
            taken_on__gte=taken,
            taken_on__lte=theory_usable_until(attempt, rule),
        )
        .order_by("taken_on", "pk")
        .first()
    )


@dataclass(frozen=True)
class Absence:
    since: dt.date
    back_on: dt.date | None  # None: still away


def long_absence(
    *, person: Person, months: int, on: dt.date, reads: PersonReads | None = None
) -> Absence | None:
    """The latest stretch away from the post (离岗) of the current employment that lasted, or
    has lasted by `on`, at least `months`."""
    employment = (reads or PersonReads(person)).employment
    if employment is None:
        return None
    found = None
    away_since: dt.date | None = None
    events = EmploymentEvent.objects.filter(
        employment=employment, kind=EmploymentEvent.Kind.STATUS, effective_on__lte=on
    ).order_by("effective_on", "created_at")
    for event in events:
        new_status = (event.changes.get("status") or [None, None])[-1]
        if new_status == EmploymentStatus.OFF_POST:
            away_since = away_since or event.effective_on
        elif away_since is not None:
            if event.effective_on >= away_since + relativedelta(months=months):
                found = Absence(away_since, event.effective_on)
            away_since = None
    if away_since is not None and on >= away_since + relativedelta(months=months):
        found = Absence(away_since, None)
    return found


def practical_needed_since(
    *,
    certificate: Certificate,
    on: dt.date,
    rule: CertificateRule | None = None,
    reads: PersonReads | None = None,
) -> Absence | None:
    """The long absence after which this holder has not yet passed the practical exam again,
    or None."""
    rule = rule or rule_for(certificate.certificate_type.family)
    if rule is None or not rule.away_practical_months:
        return None
    absence = long_absence(
        person=certificate.person, months=rule.away_practical_months, on=on, reads=reads
    )
    if absence is None:
        return None
    retaken = PracticalExam.objects.filter(
        person=certificate.person,
        certificate_type=certificate.certificate_type,
        passed=True,
        taken_on__gte=absence.back_on or absence.since,
        taken_on__lte=on,
    ).exists()
    return None if retaken else absence


def practical_check(*, certificate: Certificate, on: dt.date) -> None:
    absence = practical_needed_since(certificate=certificate, on=on)
    if absence is not None:
        rule = rule_for(certificate.certificate_type.family)
        assert rule is not None
        raise CertificateError(
            _(
                "Rule “%(months)s months or more away from the post means the practical exam "
                "again”: away from %(since)s; pass the practical exam again first."
            )
            % {"months": rule.away_practical_months, "since": _iso(absence.since)},
            "practical_again",
        )


# ---- review from the records (hours ledger, violations and accidents) ------------------


def review_hours_done(*, certificate: Certificate, on: dt.date) -> Decimal:
    """复审培训 学时 credited in the hours ledger since the last review (or the start of the
    validity) up to `on`."""
    from courses.models import TrainingKind
    from courses.services.compliance import credited_hours

    start = certificate.last_reviewed_on or certificate.valid_from
    hours = credited_hours(
        person=certificate.person, start=start, end=on, kinds=[TrainingKind.REVIEW]
    )
    return hours.get(TrainingKind.REVIEW, Decimal("0.0"))


def clean_years(*, person: Person, since: dt.date, on: dt.date) -> int:
    """Whole years from `since` (in the trade: the certificate's first issue) to `on` with no
    三违 record (courses.ViolationRetraining) and no accident or credit record in them."""
    from courses.models import ViolationRetraining

    last_violation = ViolationRetraining.objects.filter(
        person=person, off_job_from__lte=on
    ).aggregate(last=Max("off_job_from"))["last"]
    last_record = ConductRecord.objects.filter(person=person, on__lte=on).aggregate(last=Max("on"))[
        "last"
    ]
    start = since
    for bad in (last_violation, last_record):
        if bad is not None and bad >= start:
            start = bad + dt.timedelta(days=1)
    if start > on:
        return 0
    return relativedelta(on, start).years


def review_exam_check(
    *, certificate: Certificate, on: dt.date, attempt: Attempt | None
) -> Attempt | None:
    """复审 needs a passed review exam (review training + exam). The exam given, or else the
    holder's latest passed official exam of one of the card's items taken since the last
    review (or the start of the validity) up to the review date. Returns it, or refuses."""
    from question_banks.models import Attempt

    rule = rule_for(certificate.certificate_type.family)
    if rule is None or not rule.review_needs_exam:
        if attempt is not None and not attempt.passed:
            raise CertificateError(_("The review exam was not passed."), "not_passed")
        return attempt
    since = certificate.last_reviewed_on or certificate.valid_from
    name = _("Rule “a review needs a passed review exam”")
    if attempt is not None:
        if (
            attempt.person_id != certificate.person_id
            or attempt.kind != Attempt.Kind.OFFICIAL
            or not attempt.passed
        ):
            raise CertificateError(
                _("%(rule)s: the exam given was not passed by %(name)s.")
                % {"rule": name, "name": certificate.person.name},
                "not_passed",
            )
        return attempt
    codes = {certificate.certificate_type.code} | set(
        certificate.items.values_list("certificate_type__code", flat=True)
    )
    found = (
        Attempt.objects.filter(
            person_id=certificate.person_id,
            kind=Attempt.Kind.OFFICIAL,
            passed=True,
            session__certificate_type_code__in=codes,
            finished_at__date__gt=since,
            finished_at__date__lte=on,
        )
        .exclude(pk=certificate.attempt_id or 0)
        .order_by("-finished_at")
        .first()
    )
    if found is None:
        raise CertificateError(
            _(
                "%(rule)s: %(name)s has passed no exam of %(type)s since %(since)s; pass the "
                "review exam, then record the review by %(due)s."
            )
            % {
                "rule": name,
                "name": certificate.person.name,
                "type": certificate.certificate_type.name,
                "since": _iso(since),
                "due": _iso(certificate.next_review_on or certificate.valid_until),
            },
            "no_review_exam",
        )
    return found


def review_records_check(*, certificate: Certificate, on: dt.date) -> None:
    """复审 refused for a failed health check (the latest one up to the review date is
    unfit), for one serious violation or repeated ones (三违, courses.ViolationRetraining: as
    many as the rule says, of any severity) and for an accident penalty (ConductRecord)
    during the validity: the records clean_years reads."""
    from courses.models import ViolationRetraining

    rule = rule_for(certificate.certificate_type.family)
    if rule is None:
        return
    person = certificate.person
    since = certificate.valid_from
    if rule.review_refused_unfit:
        check = HealthCheck.objects.filter(person=person, on__lte=on).order_by("-on", "-pk").first()
        if check is not None and not check.fit:
            raise CertificateError(
                _(
                    "Rule “no review after a failed health check”: the health check of "
                    "%(date)s found %(name)s unfit; the review is possible once a later "
                    "health check finds them fit."
                )
                % {"date": _iso(check.on), "name": person.name},
                "health_unfit",
            )
    if rule.review_refused_serious_violation:
        serious = (
            ViolationRetraining.objects.filter(
                person=person,
                severity=ViolationRetraining.Severity.SERIOUS,
                off_job_from__gte=since,
                off_job_from__lte=on,
            )
            .order_by("-off_job_from")
            .first()
        )
        if serious is not None:
            raise CertificateError(
                _(
                    "Rule “no review after a serious violation in the validity”: %(date)s "
                    "%(what)s (the validity began on %(since)s)."
                )
                % {
                    "date": _iso(serious.off_job_from),
                    "what": serious.violation,
                    "since": _iso(since),
                },
                "serious_violation",
            )
    if rule.review_refused_violations:
        violations = list(
            ViolationRetraining.objects.filter(
                person=person, off_job_from__gte=since, off_job_from__lte=on
            )
            .order_by("off_job_from")
            .values_list("off_job_from", "violation")
        )
        if len(violations) >= rule.review_refused_violations:
            raise CertificateError(
                _(
                    "Rule “no review after %(n)s or more violations in the validity”: "
                    "%(list)s (the validity began on %(since)s)."
                )
                % {
                    "n": rule.review_refused_violations,
                    "list": "; ".join(f"{_iso(day)} {what}" for day, what in violations),
                    "since": _iso(since),
                },
                "violations",
            )
    if rule.review_refused_by_accident:
        accident = (
            ConductRecord.objects.filter(
                person=person,
                kind=ConductRecord.Kind.ACCIDENT_PENALTY,
                on__gte=since,
                on__lte=on,
            )
            .order_by("-on")
            .first()
        )
        if accident is not None:
            raise CertificateError(
                _(
                    "Rule “no review after an accident responsibility in the validity”: "
                    "%(what)s on %(date)s (the validity began on %(since)s)."
                )
                % {"what": accident.description, "date": _iso(accident.on), "since": _iso(since)},
                "accident",
            )


# ---- "one resit (补考), then retrain" ---------------------------------------------------


@dataclass(frozen=True)
class RetrainNeed:
    """A failed resit of an item: what training a new candidacy waits for."""

    failed_on: dt.date
    hours_needed: Decimal
    hours_done: Decimal


def _retrain_hours_since(
    person: Person, since: dt.date, on: dt.date, reads: PersonReads | None = None
) -> Decimal:
    """学时 credited in the hours ledger after `since` up to `on`, of every kind but the
    holders' review training."""
    from courses.models import TrainingKind
    from courses.services.compliance import credited_hours

    kinds = [k for k in TrainingKind.values if k != TrainingKind.REVIEW]
    hours = credited_hours(
        person=person,
        start=since + dt.timedelta(days=1),
        end=on,
        kinds=kinds,
        settings=reads.study_settings if reads is not None else None,
    )
    return sum(hours.values(), Decimal("0.0"))


def retrain_needed(
    *, person: Person, ctype: CertificateType, on: dt.date, reads: PersonReads | None = None
) -> RetrainNeed | None:
    """After the exam and its resit(s) of an item fail, the person retrains before applying
    again (MISSION.md: one resit, then retrain). The failed official exams of the item since
    its last pass are counted in runs: a run ends at the failure that used the last resit,
    and the next exam (taken after retraining) starts a new one. None when no run is used up
    or the training credited since its last failure meets CertificateRule.retrain_hours."""
    from question_banks.models import Attempt

    reads = reads or PersonReads(person)
    rule = reads.rule(ctype.family)
    if rule is None or rule.resits_allowed is None or not rule.retrain_hours:
        return None
    exams = Attempt.objects.filter(
        person=person,
        kind=Attempt.Kind.OFFICIAL,
        session__certificate_type_code=ctype.code,
        passed__isnull=False,
        finished_at__date__lte=on,
    )
    last_pass = exams.filter(passed=True).order_by("-finished_at").first()
    failed = exams.filter(passed=False)
    if last_pass is not None:
        failed = failed.filter(finished_at__gt=last_pass.finished_at)
    run, used_up_on = 0, None
    for finished_at in failed.order_by("finished_at").values_list("finished_at", flat=True):
        day = timezone.localtime(finished_at).date()
        if used_up_on is not None:
            if _retrain_hours_since(person, used_up_on, day, reads) >= rule.retrain_hours:
                run, used_up_on = 0, None  # retrained, then sat again: a new run
            else:
                used_up_on = day  # sat again without retraining: still to retrain
                continue
        run += 1
        if run > rule.resits_allowed:
            used_up_on = day
    if used_up_on is None:
        return None
    done = _retrain_hours_since(person, used_up_on, on, reads)
    if done >= rule.retrain_hours:
        return None
    return RetrainNeed(used_up_on, rule.retrain_hours, done)


def retrain_problem(*, person: Person, ctype: CertificateType, on: dt.date) -> str | None:
    """Why a new candidacy for this item is refused ("one resit, then retrain"), or None."""
    need = retrain_needed(person=person, ctype=ctype, on=on)
    if need is None:
        return None
    return _(
        "Rule “one resit, then retrain”: %(name)s failed the resit of %(type)s on %(date)s; "
        "a new exam needs %(need)s hours of training credited after that day (the hours "
        "ledger has %(done)s)."
    ) % {
        "name": person.name,
        "type": ctype.name,
        "date": _iso(need.failed_on),
        "need": need.hours_needed,
        "done": need.hours_done,
    }


def retrain_mark_candidacies(attempt: Attempt) -> int:
    """A failed official exam of an item that leaves the person to retrain ("one resit, then
    retrain"): mark their places on the lists of the item's other sessions not yet closed,
    so the start there asks the rule again (question_banks' session_start_check). Called
    when the attempt is graded, inside its transaction; returns the places marked."""
    from question_banks.models import Candidate

    assert attempt.session is not None
    ctype = CertificateType.objects.filter(code=attempt.session.certificate_type_code).first()
    if ctype is None or attempt.finished_at is None:
        return 0
    day = timezone.localtime(attempt.finished_at).date()
    need = retrain_needed(person=attempt.person, ctype=ctype, on=day)
    if need is None:
        return 0
    return (
        Candidate.objects.filter(
            person_id=attempt.person_id,
            session__certificate_type_code=ctype.code,
            session__closes_at__gt=attempt.finished_at,
        )
        .exclude(session_id=attempt.session_id)
        .update(resit_failed_on=need.failed_on)
    )


# ---- "what, by when" ------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """One thing a person must do (or may not do) and its dates, for the pages and the
    missed-window notice (`key` names it once per due date)."""

    key: str
    rule: str
    what: str
    by: dt.date | None
    opens: dt.date | None = None
    certificate: Certificate | None = None
    is_bar: bool = False
    # What stands in for a date when the window ends on something else (hours of training).
    until: str = ""
    # What the window's rule also asks and is still missing (the construction renewal's
    # yearly training: year and hours), shown beside it rather than only in the refusal.
    needs: tuple[str, ...] = ()

    def missed(self, on: dt.date) -> bool:
        return not self.is_bar and self.by is not None and on > self.by


def _live(person: Person, on: dt.date) -> list[Certificate]:
    return list(
        Certificate.objects.filter(
            person=person, status=CertificateStatus.VALID, valid_until__gte=on
        ).select_related("certificate_type", "person")
    )


def person_windows(
    *, person: Person, on: dt.date | None = None, reads: PersonReads | None = None
) -> list[Window]:
    """Everything the rules ask of this person now, soonest first. `reads`: the person's
    rows read once, shared with the caller's other lines (duties.person_duties)."""
    on = on or timezone.localdate()
    reads = reads or PersonReads(person)
    rules = reads.rules
    windows: list[Window] = []
    live = _live(person, on)
    for certificate in live:
        rule = rules.get(certificate.certificate_type.family)
        if rule is None:
            continue
        windows.extend(_certificate_windows(certificate, rule, on, reads))
    windows.extend(_theory_windows(person, rules, live, on))
    windows.extend(_assessment_windows(reads, live))
    windows.extend(_bars(person, reads, on))
    windows.extend(_retrain_windows(person, reads, on))
    return sorted(windows, key=lambda w: (w.by or dt.date.max, w.key))


def _certificate_windows(
    certificate: Certificate, rule: CertificateRule, on: dt.date, reads: PersonReads
) -> list[Window]:
    out = []
    name = certificate.certificate_type.name
    if rule.review_apply_days_before and certificate.next_review_on:
        due = certificate.next_review_on
        out.append(
            Window(
                key=f"review:{certificate.pk}:{due}",
                rule=_("Review applied for at least %(days)s days before it is due")
                % {"days": rule.review_apply_days_before},
                what=_("Apply for the review (复审) of %(type)s, due on %(due)s")
                % {"type": name, "due": _iso(due)},
                by=due - dt.timedelta(days=rule.review_apply_days_before),
                certificate=certificate,
            )
        )
    window = renewal_window(certificate, reads)
    if window is not None:
        opens, last = window
        rule_name = (
            _("Renewal applied for within the %(months)s months before expiry")
            % {"months": rule.renew_window_months}
            if rule.renew_window_months
            else _("Renewal applied for at least %(days)s days before expiry")
            % {"days": rule.renew_apply_days_before}
        )
        out.append(
            Window(
                key=f"renew:{certificate.pk}:{certificate.valid_until}",
                rule=rule_name,
                what=_("Apply for the renewal of %(type)s, expiring on %(expiry)s")
                % {"type": name, "expiry": _iso(certificate.valid_until)},
                by=last,
                opens=opens,
                certificate=certificate,
                needs=_renewal_needs(certificate, rule, last or certificate.valid_until, reads),
            )
        )
    absence = practical_needed_since(certificate=certificate, on=on, rule=rule, reads=reads)
    if absence is not None:
        out.append(
            Window(
                key=f"practical_again:{certificate.pk}:{absence.since}",
                rule=_("%(months)s months or more away from the post: practical exam again")
                % {"months": rule.away_practical_months},
                what=_("Pass the practical exam for %(type)s again before working in the post")
                % {"type": name},
                by=None,
                certificate=certificate,
            )
        )
    return out


def _renewal_needs(
    certificate: Certificate, rule: CertificateRule, last: dt.date, reads: PersonReads
) -> tuple[str, ...]:
    """The yearly training the renewal will ask for and the ledger lacks: each whole year of
    the validity that ends before the window closes, the hours done and required."""
    if not rule.renew_needs_yearly_training:
        return ()
    return tuple(
        _(
            "Yearly training of %(year)s still missing: %(done)s of the %(required)s hours "
            "(学时) in the hours ledger"
        )
        % {"year": short.year, "done": short.done, "required": short.required}
        for short in renewal_training_shortfalls(
            certificate=certificate, applied_on=last, reads=reads
        )
    )


def _theory_windows(
    person: Person, rules: dict[str, CertificateRule], live: list[Certificate], on: dt.date
) -> list[Window]:
    """A theory pass not yet followed by a passed practical exam: take it while it is usable.
    One query for the person's passes whatever the size of the catalogue."""
    from question_banks.models import Attempt

    latest: dict[str, Attempt] = {}
    passes = (
        Attempt.objects.filter(
            person=person, kind=Attempt.Kind.OFFICIAL, passed=True, finished_at__date__lte=on
        )
        .exclude(session__certificate_type_code="")
        .select_related("session")
        .order_by("-finished_at")
    )
    for attempt in passes:
        assert attempt.session is not None  # excluded above when it has no type code
        latest.setdefault(attempt.session.certificate_type_code, attempt)
    if not latest:
        return []
    held = {c.certificate_type_id for c in live}
    out = []
    for ctype in CertificateType.objects.filter(code__in=list(latest), is_active=True):
        rule = rules.get(ctype.family)
        if rule is None or not rule.theory_valid_months or ctype.pk in held:
            continue
        attempt = latest[ctype.code]
        if PracticalExam.objects.filter(
            person=person,
            certificate_type=ctype,
            passed=True,
            taken_on__gte=timezone.localtime(attempt.finished_at).date(),
        ).exists():
            continue
        out.append(
            Window(
                key=f"theory:{attempt.pk}",
                rule=_("A theory pass is usable %(months)s months for the practical exam")
                % {"months": rule.theory_valid_months},
                what=_("Take the practical exam for %(type)s") % {"type": ctype.name},
                by=theory_usable_until(attempt, rule),
            )
        )
    return out


def _assessment_windows(reads: PersonReads, live: list[Certificate]) -> list[Window]:
    rule = reads.rule(CertificateFamily.PRINCIPAL_MANAGER)
    if rule is None or not rule.assess_within_months:
        return []
    employment = reads.employment  # at most one is current (roster_one_current_employment)
    if (
        employment is None
        or employment.category not in _ASSESSED
        or not employment.enterprise.industry.high_risk
    ):
        return []
    if any(
        c.certificate_type.family == CertificateFamily.PRINCIPAL_MANAGER
        and c.certificate_type.personnel_category == employment.category
        for c in live
    ):
        return []
    took_post = employment.hire_date or employment.created_at.date()
    return [
        Window(
            key=f"assess:{employment.pk}:{took_post}",
            rule=_("High-risk principals and safety managers assessed within %(months)s months")
            % {"months": rule.assess_within_months},
            what=_(
                "Pass the safety knowledge and management assessment (took the post on %(date)s)"
            )
            % {"date": _iso(took_post)},
            by=took_post + relativedelta(months=rule.assess_within_months),
        )
    ]


def _bars(person: Person, reads: PersonReads, on: dt.date) -> list[Window]:
    out = []
    for family, rule in reads.rules.items():
        free_from = revocation_bar(person=person, family=family, on=on, reads=reads)
        if free_from is None:
            continue
        out.append(
            Window(
                key=f"revoked:{person.pk}:{family}",
                rule=_("Revocation bars a new application for %(years)s years")
                % {"years": rule.revocation_bar_years},
                what=_("No new application for %(family)s before %(date)s")
                % {"family": CertificateFamily(family).label, "date": _iso(free_from)},
                by=free_from,
                is_bar=True,
            )
        )
    return out


def _retrain_windows(person: Person, reads: PersonReads, on: dt.date) -> list[Window]:
    """A failed resit not yet followed by enough training: no new exam of the item until
    then. One query for the items the person has failed; the rule is asked for those."""
    from question_banks.models import Attempt

    families = {
        f for f, r in reads.rules.items() if r.resits_allowed is not None and r.retrain_hours
    }
    if not families:
        return []
    codes = set(
        Attempt.objects.filter(person=person, kind=Attempt.Kind.OFFICIAL, passed=False)
        .exclude(session__certificate_type_code="")
        .values_list("session__certificate_type_code", flat=True)
    )
    out = []
    for ctype in CertificateType.objects.filter(code__in=codes, family__in=families):
        need = retrain_needed(person=person, ctype=ctype, on=on, reads=reads)
        if need is None:
            continue
        out.append(
            Window(
                key=f"retrain:{person.pk}:{ctype.code}:{need.failed_on}",
                rule=_("One resit, then retrain"),
                what=_(
                    "Retrain before a new exam of %(type)s: %(need)s hours of training after "
                    "%(date)s (%(done)s so far)"
                )
                % {
                    "type": ctype.name,
                    "need": need.hours_needed,
                    "date": _iso(need.failed_on),
                    "done": need.hours_done,
                },
                by=None,
                is_bar=True,
                until=_("once the hours are credited"),
            )
        )
    return out
