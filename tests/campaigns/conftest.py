"""A warning case and an online course published in the CMS, for the campaign tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from wagtail.models import Site

from courses.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    TrainingKind,
    WarningCaseIndexPage,
    WarningCasePage,
)
from roster.models import Industry


def add_page(parent, page):
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def publish_content() -> dict:
    root = Site.objects.get(is_default_site=True).root_page
    case_index = add_page(root, WarningCaseIndexPage(title="警示教育", slug="warning-cases"))
    course_index = add_page(root, CourseIndexPage(title="培训课程", slug="courses"))
    case = add_page(
        case_index,
        WarningCasePage(
            title="某污水井中毒事故",
            slug="poisoning",
            occurred_on=dt.date(2024, 6, 12),
            place="示范市工业园区污水处理站",
            industry=Industry.objects.get(code="07"),
            deaths=3,
            summary="作业人员进入集水井清淤时中毒。",
            direct_cause="<p>井内积聚硫化氢。</p>",
            root_cause="<p>企业未落实有限空间作业审批制度。</p>",
            lessons="<p>先通风、再检测、后作业。</p>",
        ),
    )
    course = add_page(
        course_index,
        CoursePage(
            title="主要负责人集中轮训",
            slug="rotation",
            training_kind=TrainingKind.RETRAINING,
            nominal_hours=Decimal(12),
        ),
    )
    lesson = add_page(
        course,
        LessonPage(title="第一讲 安全生产法", slug="law", kind="text", min_reading_minutes=1),
    )
    return {"case": case, "course": course, "lesson": lesson}


@pytest.fixture
def content(world):
    return publish_content()
