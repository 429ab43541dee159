"""Training plans: an enterprise admin assigns live courses to a group of people.

A plan targets a personnel category, a department or a list of ID numbers, always among the
people currently employed at the plan's enterprise. Assigning makes one Assignment per person
and course; running it again adds only the people (or courses) not assigned yet.

TrainingPlan keeps no list of ID numbers, so a list plan is re-run with the numbers to add;
the people already assigned stay assigned.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses.models import Assignment, CoursePage, TrainingPlan
from courses.services.classroom import attendees_from_id_numbers
from courses.services.records import RecordError, may_record
from roster.models import Department, Employment, Enterprise, Person, User
from roster.services import audit_record


class PlanError(ValueError):
    """The plan cannot be made as asked; the message says why, for the user."""


def _require_admin(actor: User | None, enterprise: Enterprise) -> None:
    if not may_record(actor, enterprise):
        raise PlanError(_("Only the admin of this enterprise can change its plans."))


@dataclass(frozen=True)
class PlanResult:
    plan: TrainingPlan
    added: int  # new Assignment rows
    people: int  # people the plan now reaches


def _targets(plan: TrainingPlan, id_numbers: Iterable[str]) -> list[Person]:
    current = Employment.objects.current().filter(enterprise=plan.enterprise)
    if plan.target == TrainingPlan.Target.CATEGORY:
        return [e.person for e in current.filter(category=plan.personnel_category)]
    if plan.target == TrainingPlan.Target.DEPARTMENT:
        return [e.person for e in current.filter(department=plan.department)]
    try:
        return attendees_from_id_numbers(enterprise=plan.enterprise, id_numbers=id_numbers)
    except RecordError as exc:
        raise PlanError(str(exc)) from exc


def _check(
    *,
    enterprise: Enterprise,
    courses: list[CoursePage],
    target: str,
    personnel_category: str,
    department: Department | None,
    id_numbers: list[str],
) -> None:
    if not courses:
        raise PlanError(_("Choose at least one course."))
    live = set(
        CoursePage.objects.live()
        .filter(pk__in=[c.pk for c in courses])
        .values_list("pk", flat=True)
    )
    if any(c.pk not in live for c in courses):
        raise PlanError(_("Only published courses can be assigned."))
    if target == TrainingPlan.Target.CATEGORY and not personnel_category:
        raise PlanError(_("Choose the personnel category to train."))
    if target == TrainingPlan.Target.DEPARTMENT and (
        department is None or department.enterprise_id != enterprise.pk
    ):
        raise PlanError(_("Choose a department of this enterprise."))
    if target == TrainingPlan.Target.LIST and not any(n.strip() for n in id_numbers):
        raise PlanError(_("Enter the ID numbers of the people to train, one per line."))


def plan_create(
    *,
    enterprise: Enterprise,
    title: str,
    courses: list[CoursePage],
    target: str,
    due_on: dt.date,
    personnel_category: str = "",
    department: Department | None = None,
    id_numbers: Iterable[str] = (),
    actor: User | None,
) -> PlanResult:
    _require_admin(actor, enterprise)
    id_numbers = list(id_numbers)
    _check(
        enterprise=enterprise,
        courses=courses,
        target=target,
        personnel_category=personnel_category,
        department=department,
        id_numbers=id_numbers,
    )
    plan = TrainingPlan(
        enterprise=enterprise,
        title=title.strip(),
        target=target,
        personnel_category=personnel_category if target == TrainingPlan.Target.CATEGORY else "",
        department=department if target == TrainingPlan.Target.DEPARTMENT else None,
        due_on=due_on,
        created_by=actor,
    )
    try:
        plan.full_clean(exclude=["created_by"])
    except ValidationError as exc:
        raise PlanError(" ".join(exc.messages)) from exc
    # The targets are checked before anything is written: a bad ID number changes nothing.
    people = _targets(plan, id_numbers)
    with transaction.atomic():
        plan.save()
        plan.courses.set(courses)
        added = _assign(plan, people)
        audit_record(
            actor=actor, action="courses.plan_create", target=plan, summary=plan.title, added=added
        )
    return PlanResult(plan, added, plan.assignments.values("person").distinct().count())


def _assign(plan: TrainingPlan, people: list[Person]) -> int:
    courses = list(plan.courses.all())
    existing = set(plan.assignments.values_list("person_id", "course_id"))
    rows = [
        Assignment(plan=plan, person=person, course=course)
        for person in people
        for course in courses
        if (person.pk, course.pk) not in existing
    ]
    Assignment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def plan_assign(
    *, plan: TrainingPlan, id_numbers: Iterable[str] = (), actor: User | None
) -> PlanResult:
    """Run the plan again: people who joined the target since get their assignments."""
    _require_admin(actor, plan.enterprise)
    id_numbers = [n for n in id_numbers if n.strip()]
    if plan.target == TrainingPlan.Target.LIST and not id_numbers:
        people: list[Person] = []
    else:
        people = _targets(plan, id_numbers)
    with transaction.atomic():
        added = _assign(plan, people)
        audit_record(
            actor=actor, action="courses.plan_assign", target=plan, summary=plan.title, added=added
        )
    return PlanResult(plan, added, plan.assignments.values("person").distinct().count())
