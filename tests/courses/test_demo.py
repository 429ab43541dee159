"""The courses demo: index pages, courses with lessons, warning cases, all published and under
review; a second run changes nothing."""

import io

import pytest
from wagtail.models import Page

from courses import demo as courses_demo
from courses.models import CourseIndexPage, CoursePage, LessonPage, WarningCasePage
from roster import demo as roster_demo


def _snapshot():
    return sorted(Page.objects.values_list("path", "slug", "live", "latest_revision_id"))


@pytest.fixture(scope="module")
def seeded_once(module_db):
    roster_demo.seed()
    out = io.StringIO()
    courses_demo.seed_demo(stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(seeded_once, db):
    return seeded_once


def test_demo_publishes_courses_lessons_and_cases(seeded):
    index = CourseIndexPage.objects.get(slug="courses")
    assert index.live and index.get_parent().is_site_root()
    courses = CoursePage.objects.child_of(index)
    assert 4 <= courses.count() <= 6
    for course in courses:
        assert 3 <= LessonPage.objects.child_of(course).live().count() <= 6
    cases = WarningCasePage.objects.live()
    assert cases.count() >= 12
    assert cases.values("industry").distinct().count() >= 8
    assert not Page.objects.type(CoursePage, LessonPage, WarningCasePage).not_live().exists()


def test_demo_puts_both_indexes_under_review(seeded):
    for slug in ("courses", "warning-cases"):
        workflow = Page.objects.get(slug=slug).get_workflow()
        assert workflow is not None and workflow.name == "课程审核"


def test_demo_courses_belong_to_the_demo_trainer(seeded):
    retraining = CoursePage.objects.get(slug="principal-annual-retraining")
    assert retraining.owner.username == "trainer"
    assert retraining.owner.groups.filter(name="Trainers").exists()
    assert retraining.nominal_hours == 12
    assert retraining.personnel_categories == ["principal"]


def test_second_run_changes_nothing(seeded):
    before = _snapshot()
    out = io.StringIO()
    courses_demo.seed_demo(stdout=out)
    assert _snapshot() == before
    assert "nothing to change" in out.getvalue()


def test_demo_trainees_have_assigned_courses(seeded):
    from courses.models import Assignment, TrainingPlan
    from roster.models import Person

    trainee = Person.objects.get(id_number="990102198603120030")  # a demo login
    assert TrainingPlan.objects.count() == 2
    assigned = {a.course.slug for a in Assignment.objects.filter(person=trainee)}
    assert assigned == {"low-voltage-electrician", "confined-space"}
