"""Selectors and set-up behind the course and warning-education pages.

Reads: the courses a person should see first (their category and industry), a course's
lessons, warning cases by industry, and the site search over courses and cases.
Set-up: the moderation workflow "课程审核" and the page permissions of the 培训教师 (trainers) and
课程审核员 (reviewers) groups on the two index pages (trainers get "add" only, which in Wagtail lets
them edit just the pages they created; reviewers publish).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, Permission
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from roster.groups import REVIEWERS_GROUP, TRAINERS_GROUP
from roster.models import Employment, Industry, User

from .models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    TrainingKind,
    WarningCaseIndexPage,
    WarningCasePage,
)

WORKFLOW_NAME = "课程审核"
TASK_NAME = "审核员审批"
# "add" lets a trainer create pages and edit only the ones they own; "change" would let them
# edit everybody's. Reviewers may edit and publish anything in the tree.
GROUP_PAGE_ACTIONS = {
    TRAINERS_GROUP: ("add",),
    REVIEWERS_GROUP: ("add", "change", "publish"),
}
SEARCH_LIMIT = 30


# --------------------------------------------------------------------------- courses


@dataclass(frozen=True)
class Audience:
    """Who a signed-in person is for course matching: categories and industries now held."""

    categories: frozenset[str] = frozenset()
    industry_ids: frozenset[int] = frozenset()

    @property
    def known(self) -> bool:
        return bool(self.categories)


def person_audience(user: User) -> Audience:
    person_id = getattr(user, "person_id", None) if user.is_authenticated else None
    if person_id is None:
        return Audience()
    rows = Employment.objects.current().filter(person_id=person_id)
    rows = rows.values_list("category", "enterprise__industry_id")
    return Audience(
        categories=frozenset(category for category, _ in rows),
        industry_ids=frozenset(industry for _, industry in rows if industry),
    )


def course_is_for(course: CoursePage, audience: Audience) -> bool:
    """Empty categories or industries on a course mean "everyone"."""
    if not audience.known:
        return False
    categories = set(course.personnel_categories or [])
    if categories and not categories & audience.categories:
        return False
    industry_ids = {industry.pk for industry in course.industries.all()}
    return not industry_ids or bool(industry_ids & audience.industry_ids)


@dataclass
class CourseListing:
    for_you: list[CoursePage] = field(default_factory=list)
    others: list[CoursePage] = field(default_factory=list)


def course_list(*, user: User, parent: Page | None = None, kind: str = "") -> CourseListing:
    """Live courses (optionally of one training kind), the person's own ones first."""
    courses = CoursePage.objects.live().prefetch_related("industries").order_by("path")
    if parent is not None:
        courses = courses.child_of(parent)
    if kind:
        courses = courses.filter(training_kind=kind)
    # One query for every course's lesson count: a lesson's parent path is its own minus a step.
    lesson_counts = Counter(
        path[: -Page.steplen] for path in LessonPage.objects.live().values_list("path", flat=True)
    )
    listing = CourseListing()
    audience = person_audience(user)
    for course in courses:
        course.lesson_count = lesson_counts[course.path]
        (listing.for_you if course_is_for(course, audience) else listing.others).append(course)
    return listing


def course_lessons(course: CoursePage) -> QuerySet[LessonPage]:
    """The live lessons of a course in the order the editor arranged them."""
    return LessonPage.objects.live().child_of(course).order_by("path")


# --------------------------------------------------------------------------- warning cases


def warning_case_list(*, parent: Page | None = None, industry: str = "") -> QuerySet:
    cases = WarningCasePage.objects.live().select_related("industry")
    if parent is not None:
        cases = cases.child_of(parent)
    if industry:
        cases = cases.filter(industry__code=industry)
    return cases.order_by("-occurred_on", "-pk")


def warning_case_industries(*, parent: Page | None = None) -> list[Industry]:
    """Industries that have live cases, each with `case_count`, in catalogue order."""
    counts = dict(
        warning_case_list(parent=parent)
        .order_by()
        .values_list("industry_id")
        .annotate(n=Count("pk"))
        .values_list("industry_id", "n")
    )
    industries = list(Industry.objects.filter(pk__in=counts).order_by("sort_order", "code"))
    for industry in industries:
        industry.case_count = counts[industry.pk]
    return industries


# --------------------------------------------------------------------------- search

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class SearchResults:
    query: str
    courses: list[CoursePage] = field(default_factory=list)
    cases: list[WarningCasePage] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.courses) + len(self.cases)


def _merge(ranked, extra, limit: int) -> list:
    seen, merged = set(), []
    for page in [*ranked, *extra]:
        if page.pk not in seen:
            seen.add(page.pk)
            merged.append(page)
    return merged[:limit]


def _contains(model, query: str, fields: tuple[str, ...]) -> list:
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


# --------------------------------------------------------------------------- page contexts
# Wagtail calls these as the pages' get_context (wired in wagtail_hooks.py): the pages stay
# presentation, the queries stay here.

CASES_PER_PAGE = 20


def course_index_context(page: Page, request: HttpRequest) -> dict:
    kind = request.GET.get("kind", "")
    kinds = dict(TrainingKind.choices)
    context: dict = {"kinds": TrainingKind.choices, "kind": ""}
    if kind and kind not in kinds:
        context["kind_error"] = _("Unknown training kind; showing every course.")
        kind = ""
    context["kind"] = kind
    listing = course_list(user=request.user, parent=page, kind=kind)
    context["listing"] = listing
    context["sections"] = [
        {"id": "for-you", "title": _("Courses for you"), "courses": listing.for_you},
        {
            "id": "other-courses",
            "title": _("Other courses") if listing.for_you else _("All courses"),
            "courses": listing.others,
        },
    ]
    return context


def course_context(page: CoursePage, request: HttpRequest) -> dict:
    lessons = list(course_lessons(page))
    for lesson in lessons:
        lesson.length_minutes = -(-lesson.credit_seconds // 60)  # rounded up
    return {
        "lessons": lessons,
        "industries": list(page.industries.all()),
        "is_for_me": course_is_for(page, person_audience(request.user)),
    }


def warning_case_index_context(page: Page, request: HttpRequest) -> dict:
    industry = request.GET.get("industry", "")
    industries = warning_case_industries(parent=page)
    context: dict = {"industries": industries, "industry": None}
    if industry:
        context["industry"] = next((i for i in industries if i.code == industry), None)
        if context["industry"] is None:
            context["industry_error"] = _("No cases for that industry; showing every case.")
            industry = ""
    paginator = Paginator(warning_case_list(parent=page, industry=industry), CASES_PER_PAGE)
    context["cases"] = paginator.get_page(request.GET.get("page"))
    context["total"] = paginator.count
    context["querystring"] = f"industry={industry}" if industry else ""
    return context


# --------------------------------------------------------------------------- set-up


def review_workflow() -> Workflow:
    """The workflow "课程审核" (made by migration 0003; rebuilt here if someone deleted it)."""
    workflow = Workflow.objects.filter(name=WORKFLOW_NAME).first()
    if workflow is not None:
        return workflow
    reviewers, __ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.add(reviewers)
    workflow = Workflow.objects.create(name=WORKFLOW_NAME)
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    return workflow


@transaction.atomic
def content_tree_setup(*, index_page: Page) -> None:
    """Put a course or warning-case index under review and give the groups their rights.

    Idempotent: run by seed_demo and whenever an index page is created in the admin.
    """
    if not isinstance(index_page.specific, CourseIndexPage | WarningCaseIndexPage):
        raise ValueError("Only the course and warning-case index pages take this set-up.")
    workflow = review_workflow()
    if index_page.get_workflow() != workflow:
        # WorkflowPage is keyed by page: one workflow per page.
        WorkflowPage.objects.update_or_create(page=index_page, defaults={"workflow": workflow})
    for group_name, actions in GROUP_PAGE_ACTIONS.items():
        group, __ = Group.objects.get_or_create(name=group_name)
        for action in actions:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=f"{action}_page"
            )
            GroupPagePermission.objects.get_or_create(
                group=group, page=index_page, permission=permission
            )
