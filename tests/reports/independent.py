"""The report's figures computed a second way, person by person in Python, straight from
the written definitions (reports/definitions.py), to check the SQL of reports/figures.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from certificates.models import (
    Certificate,
    CertificateItem,
    CertificateStatus,
    OperationAssignment,
    PostRequirement,
)
from courses.models import CreditEntry, HoursRule, TrainingKind, ViolationRetraining
from courses.services.compliance import person_compliance
from question_banks.models import Attempt
from reports.definitions import COUNT_CODES
from roster.models import DispatchRestriction, Employment


def _applies(req, employment) -> bool:
    if not req.post and not req.personnel_category:
        return False
    if req.post and req.post != employment.post:
        return False
    if req.personnel_category and req.personnel_category != employment.category:
        return False
    if (
        req.certificate_type.family == "special_operation"
        and employment.category != "special_operator"
    ):
        return False  # a post name binds 特种作业人员 only
    return req.industry_id is None or req.industry_id == employment.enterprise.industry_id


def person_counts(employment: Employment, on: dt.date) -> dict[str, int]:
    person = employment.person
    year_start = dt.date(on.year, 1, 1)
    end = dt.datetime.combine(
        on + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    start = dt.datetime.combine(year_start, dt.time.min, tzinfo=timezone.get_current_timezone())
    took = employment.hire_date or timezone.localtime(employment.created_at).date()
    types = {
        r.certificate_type_id
        for r in PostRequirement.objects.filter(certificate_type__is_active=True).select_related(
            "certificate_type"
        )
        if _applies(r, employment)
    }
    assigned = OperationAssignment.objects.filter(
        employment=employment, certificate_type__is_active=True
    ).select_related("certificate_type")
    types |= {a.certificate_type_id for a in assigned}
    special = employment.category == "special_operator"
    # A special operator whose job names no item needs a card nobody can say they hold.
    item_unknown = special and not (
        {
            r.certificate_type_id
            for r in PostRequirement.objects.filter(
                certificate_type__is_active=True, certificate_type__family="special_operation"
            ).select_related("certificate_type")
            if _applies(r, employment)
        }
        or assigned.exists()
    )
    in_force = list(Certificate.objects.in_force(on).filter(person=person))
    held = {c.certificate_type_id for c in in_force}
    held |= set(
        CertificateItem.objects.filter(certificate__in=in_force).values_list(
            "certificate_type_id", flat=True
        )
    )
    rules = [
        r
        for r in HoursRule.objects.exclude(training_kind=TrainingKind.REVIEW)
        if r.personnel_category == employment.category
        and r.high_risk == employment.enterprise.industry.high_risk
    ]
    first_year = any(r.period == "once" for r in rules) and took >= year_start
    must = any(
        (r.period == "yearly" and not first_year)
        or (r.period == "once" and took >= year_start - dt.timedelta(days=365))
        for r in rules
    )
    firsts = [
        a
        for a in Attempt.objects.filter(person=person, kind="official", number=1).select_related(
            "session"
        )
        if a.session_id
        and a.session.purpose != "contest"
        and a.passed is not None
        and a.finished_at
        and start <= a.finished_at < end
    ]
    passed_in_end = [
        a
        for a in firsts
        if Attempt.objects.filter(
            person=person, session_id=a.session_id, passed=True, finished_at__lt=end
        ).exists()
    ]

    def due(days):
        limit = on + dt.timedelta(days=days)
        return sum(
            1
            for c in in_force
            if c.valid_until <= limit or (c.next_review_on and c.next_review_on <= limit)
        )

    return {
        "people": 1,
        "required": int(bool(types) or special),
        "holding": int(bool(types) and types <= held and not item_unknown),
        "must_train": int(must),
        "trained": int(
            must
            and CreditEntry.objects.filter(person=person, on__gte=year_start, on__lte=on).exists()
        ),
        "hours_ok": int(must and person_compliance(person=person, year=on.year, on=on).complete),
        "exams_sat": len(firsts),
        "exams_first_pass": sum(1 for a in firsts if a.passed),
        "exams_passed": len(passed_in_end),
        "expiring_30": due(30),
        "expiring_90": due(90),
        "review_overdue": Certificate.objects.filter(
            person=person,
            status=CertificateStatus.VALID,
            valid_until__gte=on,
            next_review_on__lt=on,
        ).count(),
        "violations_open": int(
            any(
                v.off_job_from <= on and (v.returned_on is None or v.returned_on > on)
                for v in ViolationRetraining.objects.filter(person=person)
            )
        ),
        "dispatch_forbidden": int(
            any(
                r.industry_id == employment.enterprise.industry_id
                and r.employment_form == employment.employment_form
                and r.personnel_category in ("", employment.category)
                and r.post_contains in (employment.post or "")
                for r in DispatchRestriction.objects.all()
            )
        ),
    }


def counts_by(key, *, on: dt.date, employments) -> dict[str, dict[str, int]]:
    """{key(employment): summed counts} over the employments in force on `on`. Hours
    compliance is each person's training file verdict, so only for today's figures."""
    table: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_CODES, 0))
    for e in employments.select_related("person", "enterprise__industry", "enterprise__region"):
        took = e.hire_date or timezone.localtime(e.created_at).date()
        if took > on or (e.ended_on is not None and e.ended_on <= on):
            continue
        for code, value in person_counts(e, on).items():
            table[key(e)][code] += value
    return dict(table)
