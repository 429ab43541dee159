"""Everything the rules ask of one person now, as "what, by when" (MISSION.md, "The rules the
product encodes"): the certificate rules' windows and bars (`windows.person_windows`) and,
beside them, the training rules a person and their admin must also see on their pages:

- 持证上岗: each certificate the current post needs and the person does not hold in force,
  and a 特种作业人员 whose post maps to no operation item (the admin must set it);
- the hours rules (courses.HoursRule) of the person's category and industry not yet met this
  year: yearly hours by 31 December, initial/pre-job hours before working in the post;
- 三级安全教育 levels still missing (a new hire, a post change, back after time away);
- an open 三违 retraining: off the job until its exam is passed.

Only `person_windows` feeds the daily missed-window notice (its windows carry a dated rule
of a certificate family); the training lines here are read from the same services the gap
list, the exam prerequisites and the regulators' figures use, so the pages cannot disagree
with them.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.requirements import held_types, job_requirements
from courses.models import HoursRule, StudySettings, TrainingKind
from courses.services.compliance import (
    employment_compliance,
    employment_safety_education,
    violation_open,
)
from roster.models import Employment, Person

from .person_reads import PersonReads
from .windows import Window, person_windows


def person_duties(*, person: Person, on: dt.date | None = None) -> list[Window]:
    """The certificate windows and the training duties of the person, soonest first; lines
    without a date (before working in the post) come last. The rules, the current employment
    and the study settings are read once for all of them (person_reads)."""
    on = on or timezone.localdate()
    reads = PersonReads(person)
    duties = person_windows(person=person, on=on, reads=reads)
    employment = reads.employment
    if employment is not None:
        settings = reads.study_settings
        duties.extend(_certificate_duties(person, employment, on))
        duties.extend(_hours_duties(person, employment, on, settings))
        duties.extend(_safety_education_duties(person, employment, settings))
    duties.extend(_violation_duties(person))
    return sorted(duties, key=lambda w: (w.by or dt.date.max, w.key))


def _before_work() -> str:
    return _("before taking up the post")


def _certificate_duties(person: Person, employment: Employment, on: dt.date) -> list[Window]:
    """持证上岗: what the post needs (certificates.requirements, as the gap list reads it)."""
    needs = job_requirements([employment])[employment.pk]
    if not needs.needs:
        return []
    held = {type_id for _person, type_id in held_types(person_ids=[person.pk], on=on)}
    rule = _("A regulated post needs a valid certificate (持证上岗)")
    out = [
        Window(
            key=f"hold:{employment.pk}:{ctype.pk}",
            rule=rule,
            what=_("Hold a valid %(type)s") % {"type": ctype.name},
            by=None,
            until=_before_work(),
        )
        for ctype in needs.types
        if ctype.pk not in held
    ]
    if needs.item_unknown:
        out.append(
            Window(
                key=f"item:{employment.pk}",
                rule=_("A special operator always needs a special operation certificate"),
                what=_(
                    "Hold a special operation certificate; the operation item of the post "
                    "“%(post)s” is not set yet (the enterprise admin sets it)"
                )
                % {"post": employment.post or "—"},
                by=None,
                until=_before_work(),
            )
        )
    return out


def _hours_duties(
    person: Person, employment: Employment, on: dt.date, settings: StudySettings
) -> list[Window]:
    compliance = employment_compliance(
        person=person, employment=employment, year=on.year, on=on, settings=settings
    )
    out = []
    for item in compliance.items:
        if item.complete:
            continue
        yearly = item.period == HoursRule.Period.YEARLY
        what = _("Complete %(kind)s: %(missing)s more hours (%(done)s of %(required)s done)") % {
            "kind": item.label,
            "missing": item.missing_hours,
            "done": item.done_hours,
            "required": item.required_hours,
        }
        if item.missing_days:
            what += _("; %(days)s more separate days of training") % {"days": item.missing_days}
        before_work = not yearly and item.training_kind == TrainingKind.PRE_JOB
        out.append(
            Window(
                key=f"hours:{person.pk}:{on.year}:{item.training_kind}",
                rule=_("Hours rule: %(kind)s at least %(hours)s hours%(days)s")
                % {
                    "kind": item.label,
                    "hours": item.required_hours,
                    "days": _(" over %(days)s days") % {"days": item.required_days}
                    if item.required_days
                    else "",
                },
                what=what,
                by=None if before_work else dt.date(on.year, 12, 31),
                until=_before_work() if before_work else "",
            )
        )
    return out


def _safety_education_duties(
    person: Person, employment: Employment, settings: StudySettings
) -> list[Window]:
    status = employment_safety_education(person=person, employment=employment, settings=settings)
    if status.complete:
        return []
    return [
        Window(
            key=f"three_level:{person.pk}:{status.reason}:{status.since}",
            rule=_("Three-level safety education before work (%(reason)s since %(date)s)")
            % {
                "reason": status.reason_label,
                "date": status.since.isoformat() if status.since else "—",
            },
            what=_("Receive three-level safety education: %(levels)s")
            % {"levels": "、".join(status.missing_labels())},
            by=None,
            until=_before_work(),
        )
    ]


def _violation_duties(person: Person) -> list[Window]:
    violation = violation_open(person)
    if violation is None:
        return []
    return [
        Window(
            key=f"violation:{violation.pk}",
            rule=_("三违: off-the-job retraining and a passed exam before going back"),
            what=_("Retrain off the job for “%(violation)s” (since %(date)s) and pass %(exam)s")
            % {
                "violation": violation.violation,
                "date": violation.off_job_from.isoformat(),
                "exam": violation.exam_session.name
                if violation.exam_session is not None
                else _("the return exam"),
            },
            by=None,
            is_bar=True,
            until=_("before going back to work"),
        )
    ]
