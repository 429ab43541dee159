"""Checks the exam engine asks before a person starts an exam (question_banks.prerequisites).

An exam session lists the names it requires in `ExamSession.prerequisites`:
- "courses.hours_done": the person's training hours for the current year are complete;
- "courses.safety_education_done": no level of 三级安全教育 is missing.
Imported from CoursesConfig.ready() so the checks are registered in every process.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.services.compliance import (
    missing_hours_message,
    person_compliance,
    safety_education_status,
)
from question_banks.prerequisites import register


@register("courses.hours_done", gettext_lazy("This year's training hours complete"))
def hours_done(*, person, session) -> str | None:
    compliance = person_compliance(person=person, year=timezone.localdate().year)
    if compliance.missing_hours > 0:
        return missing_hours_message(compliance)
    return None


@register("courses.safety_education_done", gettext_lazy("Three-level safety education complete"))
def safety_education_done(*, person, session) -> str | None:
    status = safety_education_status(person=person)
    if status.missing_levels:
        return _("Three-level safety education is not complete; missing: %(levels)s.") % {
            "levels": "、".join(status.missing_labels())
        }
    return None
