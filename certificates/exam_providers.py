"""What the certificates app offers the exam engine (question_banks.providers): the
certificate types a session may issue on passing, and the candidacy check of "one resit,
then retrain". Imported from CertificatesConfig.ready()."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from certificates.models import CertificateType
from certificates.services.windows import retrain_problem, rule_for
from question_banks.providers import register_candidacy_check, register_certificate_types


@register_certificate_types
def _certificate_types(*, user):
    return (
        CertificateType.objects.filter(is_active=True).order_by("code").values_list("code", "name")
    )


@register_candidacy_check
def _candidacy_problems(*, people, session, on: dt.date | None = None) -> dict[int, str]:
    """Who may not sit the session's item again on the day `on` (today when None): failed
    the exam and its resit, and has not retrained since
    (certificates.services.windows.retrain_needed). Only people with enough failures of the
    item are looked at one by one."""
    from question_banks.models import Attempt

    ctype = CertificateType.objects.filter(code=session.certificate_type_code).first()
    rule = rule_for(ctype.family) if ctype is not None else None
    if ctype is None or rule is None or rule.resits_allowed is None or not people:
        return {}
    by_id = {p.pk: p for p in people}
    suspects = (
        Attempt.objects.filter(
            person_id__in=list(by_id),
            kind=Attempt.Kind.OFFICIAL,
            session__certificate_type_code=ctype.code,
            passed=False,
        )
        .values("person_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=rule.resits_allowed)
        .values_list("person_id", flat=True)
    )
    on = on or timezone.localdate()
    problems = {}
    for person_id in suspects:
        problem = retrain_problem(person=by_id[person_id], ctype=ctype, on=on)
        if problem:
            problems[person_id] = problem
    return problems
