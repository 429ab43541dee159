"""A trainee studies a text lesson on a phone and watches the credit rise, in a real browser.

The page reports the reading time to the server every 10 s; the server credits it, and the
page shows what the server says: this lesson's credited time and the year's hours.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone
from wagtail.models import Site

from courses.models import (
    Assignment,
    CourseIndexPage,
    CoursePage,
    CreditEntry,
    LessonPage,
    LessonProgress,
    StudySettings,
    TrainingPlan,
)
from courses.services import study
from tests.e2e.conftest import wait_for
from tests.factories import build_world

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def lesson():
    world = build_world()
    settings = StudySettings.load()
    # 5 minutes per 学时 so that one credited minute shows as 0.2 on the page; no idle
    # check during the test (they are proven in tests/courses/test_study.py).
    settings.online_minutes_per_hour = 5
    settings.idle_check_min_minutes = settings.idle_check_max_minutes = 600
    settings.save()
    root = Site.objects.get(is_default_site=True).root_page
    index = root.add_child(instance=CourseIndexPage(title="培训课程", slug="courses"))
    course = index.add_child(
        instance=CoursePage(title="全员安全再培训", slug="annual", training_kind="retraining")
    )
    text = course.add_child(
        instance=LessonPage(
            title="第一课 有限空间作业安全",
            slug="confined-space",
            kind="text",
            min_reading_minutes=1,
            body=[
                ("heading", "先通风、再检测、后作业"),
                ("paragraph", "<p>有限空间作业必须严格执行作业审批制度，未经审批不得进入。</p>"),
            ],
        )
    )
    plan = TrainingPlan.objects.create(
        enterprise=world.ent_a, title="年度再培训", target="list", due_on=dt.date(2030, 6, 30)
    )
    Assignment.objects.create(plan=plan, person=world.person_a, course=course)
    # 50 s read earlier today: the page's first 10 s complete the first whole minute.
    earlier = timezone.now() - dt.timedelta(minutes=10)
    study.reading_tick(
        person=world.person_a,
        lesson=text,
        client_id="earlier-tab",
        seq=1,
        opening=True,
        now=earlier,
    )
    study.reading_tick(
        person=world.person_a,
        lesson=text,
        client_id="earlier-tab",
        seq=2,
        now=earlier + dt.timedelta(seconds=50),
    )
    return world, text


def test_trainee_reads_a_lesson_and_sees_credit_and_hours_rise(lesson, phone):
    world, text = lesson
    page = phone.page
    assert LessonProgress.objects.get(lesson=text).credited_seconds == 50
    phone.login(world.person_a.id_number, "pw-123456")

    phone.go(text.url)
    assert page.inner_text("#lesson-credited") == "00:50"
    assert page.inner_text("#hours-done") == "0.0"
    phone.assert_no_horizontal_overflow()

    # A tick or two after opening (every 10 s, timed by the server's receipts) completes the
    # minute: 1 min = 0.2 学时 here.
    wait_for(
        page, "document.getElementById('lesson-credited').textContent === '01:00'", timeout=45_000
    )
    wait_for(page, "document.getElementById('hours-done').textContent === '0.2'")
    assert page.is_visible("#lesson-done")
    shot = phone.shot("study-lesson-phone")
    assert shot.exists()

    progress = LessonProgress.objects.get(person=world.person_a, lesson=text)
    assert progress.credited_seconds == 60 and progress.completed_at is not None
    entry = CreditEntry.objects.get(person=world.person_a, lesson=text)
    assert (entry.minutes, entry.training_kind) == (1, "retraining")

    phone.go("/courses/my/")
    phone.assert_no_horizontal_overflow()
    assert "01:00 / 01:00" in page.inner_text(".lessons")
    phone.shot("my-study-phone")
    assert phone.off_site_requests() == []


@pytest.fixture
def demo_lesson():
    """The demo county: its trainee 990102198603120030 has plans assigning courses."""
    from django.core.management import call_command

    from roster.models import Person

    call_command("seed_demo", "--force", "--no-logins")
    settings = StudySettings.load()
    settings.online_minutes_per_hour = 5  # one credited minute shows as 0.2 学时
    settings.idle_check_min_minutes = settings.idle_check_max_minutes = 600
    settings.save()
    person = Person.objects.get(id_number="990102198603120030")
    # The assigned annual course: its hours count towards this year's retraining.
    course = CoursePage.objects.get(
        slug="confined-space", pk__in=Assignment.objects.filter(person=person).values("course")
    )
    lesson = LessonPage.objects.live().descendant_of(course).filter(kind="text").first()
    # 50 s read earlier today, so the page's next ticks complete a whole minute.
    earlier = timezone.now() - dt.timedelta(minutes=10)
    earlier_ticks = []
    for seq, offset in ((1, 0), (2, 50)):
        tick = study.reading_tick(
            person=person,
            lesson=lesson,
            client_id="earlier-tab",
            seq=seq,
            opening=seq == 1,
            now=earlier + dt.timedelta(seconds=offset),
        )
        earlier_ticks.append(tick)
    return person, lesson, earlier_ticks


def test_a_demo_trainee_opens_an_assigned_course_and_sees_hours_rise(demo_lesson, phone):
    person, lesson, earlier_ticks = demo_lesson
    page = phone.page
    phone.login(person.id_number, "Demo@2025")
    answers: list[str] = []
    page.on(
        "response",
        lambda response: (
            answers.append(f"{response.status} {response.text()}")
            if response.url.endswith("/api/study/reading")
            else None
        ),
    )
    phone.go("/courses/my/")
    page.click(f"a[href='{lesson.url}']")
    page.wait_for_selector("#hours-done")
    done_before = page.inner_text("#hours-done")
    # The demo's own study left this trainee an idle check counting down (drawn with the
    # seed's settings): when it comes due the page asks "are you still studying?" and
    # credits nothing until answered, so the trainee answers it, as a person would.
    deadline = time.monotonic() + 45
    while page.inner_text("#hours-done") == done_before:
        if page.is_visible("#idle-check[open]"):
            page.click("#idle-answer")
        if time.monotonic() > deadline:
            # What the server answered each tick says why the hours did not move.
            raise AssertionError(
                f"hours still {done_before} after 45 s; earlier ticks: {earlier_ticks}; "
                f"server answers: {answers}"
            )
        page.wait_for_timeout(500)
    phone.assert_no_horizontal_overflow()
    assert LessonProgress.objects.get(person=person, lesson=lesson).credited_seconds >= 60
