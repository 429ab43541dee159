"""Queries over plans, classroom sessions and records, always for an acting user, and over a
learner's own study (which lessons may earn them credit, their progress and hours).

Scoping follows the roster (roster.selectors): an enterprise admin sees their enterprise, a
regulator or trainer the enterprises in their region subtree and industries (read-only), the
system admin everything. Only an administered enterprise's admin (or the system admin) writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from wagtail.models import Page

from courses.models import (
    Assignment,
    ClassroomSession,
    CoursePage,
    CreditEntry,
    LessonPage,
    LessonProgress,
    SafetyEducationRecord,
    StudySettings,
    TrainingPlan,
    ViolationRetraining,
    WarningCasePage,
)
from courses.services.compliance import (
    Compliance,
    current_employment,
    minutes_to_hours,
    person_compliance,
)
from roster.models import Enterprise, Person, User
from roster.selectors import administered_enterprises, enterprise_list


def may_manage(*, user: User, enterprise: Enterprise) -> bool:
    return administered_enterprises(user=user).filter(pk=enterprise.pk).exists()


# --------------------------------------------------------------------------- plans


def plan_list(*, user: User, enterprise: Enterprise | None = None) -> QuerySet[TrainingPlan]:
    qs = TrainingPlan.objects.filter(enterprise__in=enterprise_list(user=user))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise", "department").prefetch_related("courses")


def plan_get(*, user: User, pk: int) -> TrainingPlan:
    """Raises TrainingPlan.DoesNotExist for a missing and an out-of-scope plan alike."""
    return plan_list(user=user).get(pk=pk)


@dataclass(frozen=True)
class PersonProgress:
    person: Person
    lessons_done: int
    lessons_total: int
    hours: Decimal

    @property
    def complete(self) -> bool:
        return self.lessons_total > 0 and self.lessons_done >= self.lessons_total

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


def _lessons_by_course(courses: Iterable[CoursePage]) -> dict[int, list[int]]:
    return {
        course.pk: list(
            LessonPage.objects.live().descendant_of(course).values_list("pk", flat=True)
        )
        for course in courses
    }


def plan_progress(*, plan: TrainingPlan) -> list[PersonProgress]:
    """Per assigned person: lessons completed of the plan's courses, and hours credited."""
    assignments = plan.assignments.select_related("person").order_by("person__name", "pk")
    people: dict[int, Person] = {}
    courses_of: dict[int, set[int]] = defaultdict(set)
    for a in assignments:
        people[a.person_id] = a.person
        courses_of[a.person_id].add(a.course_id)
    lessons = _lessons_by_course(plan.courses.all())
    all_lessons = {pk for pks in lessons.values() for pk in pks}
    done: dict[int, set[int]] = defaultdict(set)
    for person_id, lesson_id in LessonProgress.objects.filter(
        person_id__in=people, lesson_id__in=all_lessons, completed_at__isnull=False
    ).values_list("person_id", "lesson_id"):
        done[person_id].add(lesson_id)
    minutes: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        CreditEntry.objects.filter(person_id__in=people, course__in=plan.courses.all())
        .values("person_id", "source")
        .annotate(total=Sum("minutes"))
    ):
        minutes[row["person_id"]][row["source"]] = row["total"]
    settings = StudySettings.load()
    rows = []
    for person_id, person in people.items():
        own = {pk for c in courses_of[person_id] for pk in lessons.get(c, [])}
        rows.append(
            PersonProgress(
                person=person,
                lessons_done=len(done[person_id] & own),
                lessons_total=len(own),
                hours=minutes_to_hours(minutes_by_source=minutes[person_id], settings=settings),
            )
        )
    return rows


@dataclass(frozen=True)
class OverdueRow:
    plan: TrainingPlan
    progress: PersonProgress


def plan_overdue(
    *, user: User, enterprise: Enterprise | None = None, on: dt.date | None = None
) -> list[OverdueRow]:
    """People past a plan's due date who have not completed it."""
    on = on or timezone.localdate()
    rows = []
    for plan in plan_list(user=user, enterprise=enterprise).filter(due_on__lt=on):
        rows += [OverdueRow(plan, p) for p in plan_progress(plan=plan) if not p.complete]
    return rows


def assignments_of(*, person: Person) -> QuerySet[Assignment]:
    return Assignment.objects.filter(person=person).select_related("plan", "course")


# --------------------------------------------------------------------------- study


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    parent = lesson.get_parent()
    course = parent.specific if parent else None
    return course if isinstance(course, CoursePage) else None


def lesson_open_to(*, person: Person, lesson: LessonPage) -> bool:
    """May this person earn credit on this lesson? A live lesson of a live course that is
    assigned to the person by a training plan, or that is open to their current personnel
    category (a course with no categories is open to everyone). A trainee may therefore study
    any such course on their own initiative; the credit counts for the course's training kind.
    """
    course = lesson_course(lesson)
    if not (lesson.live and course is not None and course.live):
        return False
    if Assignment.objects.filter(person=person, course=course).exists():
        return True
    if not course.personnel_categories:
        return True
    employment = current_employment(person)
    return employment is not None and employment.category in course.personnel_categories


@dataclass(frozen=True)
class LessonStudy:
    lesson: LessonPage
    credited_seconds: int
    credit_seconds: int
    completed: bool
    open_for_credit: bool
    furthest_seconds: float


def lesson_study(*, person: Person, lesson: LessonPage) -> LessonStudy:
    progress = LessonProgress.objects.filter(person=person, lesson=lesson).first()
    return LessonStudy(
        lesson=lesson,
        credited_seconds=progress.credited_seconds if progress else 0,
        credit_seconds=lesson.credit_seconds,
        completed=bool(progress and progress.completed_at),
        open_for_credit=lesson_open_to(person=person, lesson=lesson),
        furthest_seconds=progress.furthest_seconds if progress else 0.0,
    )


@dataclass(frozen=True)
class CourseStudy:
    course: CoursePage
    due_on: dt.date | None
    completed_at: dt.datetime | None
    lessons: list[LessonStudy]

    @property
    def done_lessons(self) -> int:
        return sum(1 for item in self.lessons if item.completed)

    @property
    def percent(self) -> int:
        total = sum(item.credit_seconds for item in self.lessons)
        done = sum(min(item.credited_seconds, item.credit_seconds) for item in self.lessons)
        return round(100 * done / total) if total else 0


def my_courses(*, person: Person) -> list[CourseStudy]:
    """The person's assigned live courses, earliest due first, with each lesson's progress
    (a fixed number of queries, whatever the number of courses and lessons)."""
    assignments = (
        Assignment.objects.filter(person=person, course__live=True)
        .select_related("plan", "course")
        .order_by("plan__due_on", "course__title")
    )
    by_course: dict[int, Assignment] = {}
    for assignment in assignments:
        by_course.setdefault(assignment.course_id, assignment)
    if not by_course:
        return []
    found = LessonPage.objects.none()
    for assignment in by_course.values():
        found = found | LessonPage.objects.live().child_of(assignment.course)
    lessons = list(found.order_by("path"))
    progress = {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(person=person, lesson__in=[x.pk for x in lessons])
    }
    result = []
    for assignment in by_course.values():
        course = assignment.course
        items = []
        for lesson in lessons:
            if not lesson.path.startswith(course.path):
                continue
            p = progress.get(lesson.pk)
            items.append(
                LessonStudy(
                    lesson=lesson,
                    credited_seconds=p.credited_seconds if p else 0,
                    credit_seconds=lesson.credit_seconds,
                    completed=bool(p and p.completed_at),
                    open_for_credit=True,
                    furthest_seconds=p.furthest_seconds if p else 0.0,
                )
            )
        result.append(
            CourseStudy(
                course=course,
                due_on=assignment.plan.due_on,
                completed_at=assignment.completed_at,
                lessons=items,
            )
        )
    return result


def year_hours(*, person: Person, on: dt.date | None = None) -> Compliance:
    """The person's hours this year (done / required / missing), as compliance counts them."""
    on = on or timezone.localdate()
    return person_compliance(person=person, year=on.year, on=on)


# --------------------------------------------------------------------------- records


def classroom_list(
    *, user: User, enterprise: Enterprise | None = None
) -> QuerySet[ClassroomSession]:
    qs = ClassroomSession.objects.filter(enterprise__in=enterprise_list(user=user))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("enterprise").prefetch_related("attendees")


def classroom_get(*, user: User, pk: int) -> ClassroomSession:
    return classroom_list(user=user).get(pk=pk)


def safety_education_list(
    *, user: User, enterprise: Enterprise | None = None
) -> QuerySet[SafetyEducationRecord]:
    qs = SafetyEducationRecord.objects.filter(enterprise__in=enterprise_list(user=user))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("person", "enterprise").order_by("-held_on", "person__name")


def violation_list(
    *, user: User, enterprise: Enterprise | None = None
) -> QuerySet[ViolationRetraining]:
    qs = ViolationRetraining.objects.filter(enterprise__in=enterprise_list(user=user))
    if enterprise is not None:
        qs = qs.filter(enterprise=enterprise)
    return qs.select_related("person", "enterprise", "exam_session")


def violation_get(*, user: User, pk: int) -> ViolationRetraining:
    return violation_list(user=user).get(pk=pk)


# --------------------------------------------------------------------------- search

SEARCH_LIMIT = 30

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class SearchResults:
    query: str
    courses: list[CoursePage] = field(default_factory=list)
    cases: list[WarningCasePage] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.courses) + len(self.cases)


def _merge(ranked: list[Page], extra: list[Page], limit: int) -> list:
    seen, merged = set(), []
    for page in [*ranked, *extra]:
        if page.pk not in seen:
            seen.add(page.pk)
            merged.append(page)
    return merged[:limit]


def _contains(model: type[Page], query: str, fields: tuple[str, ...]) -> list:
    q = Q()
    for name in fields:
        q |= Q(**{f"{name}__icontains": query})
    return list(model.objects.live().filter(q)[:SEARCH_LIMIT])


def content_search(query: str) -> SearchResults:
    """Wagtail's search backend over courses (and their lessons) and warning cases.

    The search backends split words on spaces and punctuation, and Chinese has neither inside
    a sentence, so "有限空间" would not match "未落实有限空间作业审批制度". For Chinese queries
    a substring match over the same fields is added after the ranked results.
    """
    query = " ".join(query.split())[:100]
    results = SearchResults(query=query)
    if not query:
        return results
    courses = list(CoursePage.objects.live().search(query)[:SEARCH_LIMIT])
    lessons = list(LessonPage.objects.live().search(query)[:SEARCH_LIMIT])
    cases = list(WarningCasePage.objects.live().search(query)[:SEARCH_LIMIT])
    if _CJK.search(query):
        courses += _contains(CoursePage, query, ("title", "summary"))
        lessons += _contains(LessonPage, query, ("title", "body"))
        cases += _contains(
            WarningCasePage,
            query,
            ("title", "summary", "place", "direct_cause", "root_cause", "lessons"),
        )
    # A lesson that matches brings its course into the results.
    parents = [
        page.specific
        for lesson in lessons
        if (page := lesson.get_parent()) is not None and page.live
    ]
    results.courses = _merge(courses, [p for p in parents if isinstance(p, CoursePage)], 20)
    # Reload with the industry joined, keeping the ranking (no query per row in the template).
    ranked = [case.pk for case in _merge(cases, [], 20)]
    by_pk = WarningCasePage.objects.select_related("industry").in_bulk(ranked)
    results.cases = [by_pk[pk] for pk in ranked]
    return results
