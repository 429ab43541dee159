"""The courses demo: index pages, courses with lessons, warning cases, all published and under
review; a second run changes nothing."""

import io

import pytest
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, LessonPage, WarningCasePage
from demo import courses as courses_demo
from demo import roster as roster_demo
from roster.groups import TRAINERS_GROUP


def _snapshot():
    return sorted(Page.objects.values_list("path", "slug", "live", "latest_revision_id"))


@pytest.fixture(scope="module")
def seeded_once(module_db):
    roster_demo.seed()
    out = io.StringIO()
    courses_demo.seed(stdout=out)
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
    assert retraining.owner.groups.filter(name=TRAINERS_GROUP).exists()
    assert retraining.nominal_hours == 12
    assert retraining.personnel_categories == ["principal"]


def test_second_run_changes_nothing(seeded):
    before = _snapshot()
    out = io.StringIO()
    courses_demo.seed(stdout=out)
    assert _snapshot() == before
    assert "nothing to change" in out.getvalue()


def test_demo_trainees_have_assigned_courses(seeded):
    from courses.models import Assignment, TrainingPlan
    from roster.models import Person

    trainee = Person.objects.get(id_number="990102198603120030")  # a demo login
    assert TrainingPlan.objects.count() == 2
    assigned = {a.course.slug for a in Assignment.objects.filter(person=trainee)}
    assert assigned == {"low-voltage-electrician", "confined-space"}


def _webm_seconds(data: bytes) -> float:
    """The Duration of a WebM's Segment Info (EBML id 0x4489, a float in TimecodeScale units,
    1 ms unless the file says otherwise)."""
    import struct

    scale = 1_000_000
    at = data.find(b"\x2a\xd7\xb1")  # TimecodeScale
    if at != -1:
        size = data[at + 3] & 0x7F
        scale = int.from_bytes(data[at + 4 : at + 4 + size], "big")
    at = data.find(b"\x44\x89")
    size = data[at + 2] & 0x7F
    value = data[at + 3 : at + 3 + size]
    duration = struct.unpack(">d" if size == 8 else ">f", value)[0]
    return duration * scale / 1e9


def test_demo_video_lessons_play_the_shipped_video_of_their_length(seeded, client):
    # Each test has its own media folder: the seed puts the file back when it is missing.
    courses_demo._video(io.StringIO())
    lessons = LessonPage.objects.live().filter(kind="video")
    assert lessons.exists()
    for lesson in lessons:
        assert lesson.video is not None, lesson.title
        assert lesson.duration_seconds == courses_demo.VIDEO_SECONDS
        response = client.get(lesson.video.url)
        assert response.status_code == 200
        assert response["Content-Type"] == "video/webm"
        data = b"".join(response.streaming_content)
        assert abs(_webm_seconds(data) - lesson.duration_seconds) < 0.5
    assert abs(_webm_seconds(courses_demo.VIDEO_FILE.read_bytes()) - 60) < 0.5


def test_a_video_lesson_seeded_without_its_file_gets_it_on_the_next_run(seeded):
    lesson = LessonPage.objects.live().filter(kind="video").first()
    lesson.video = None
    lesson.save_revision().publish()
    out = io.StringIO()
    courses_demo.seed(stdout=out)
    lesson.refresh_from_db()
    assert lesson.video is not None and lesson.duration_seconds == courses_demo.VIDEO_SECONDS
    assert "1 videos attached" in out.getvalue()


def test_veterans_hired_before_go_live_are_not_missing_three_level_education(seeded):
    """The 2012 hire 李建国 had his 三级 on paper before the product went live: marked so, with
    the reason; the hires after go-live still need theirs."""
    from courses.models import SafetyEducationBeforeGoLive
    from courses.services.compliance import safety_education_status
    from roster.models import Employment, Person

    veteran = Person.objects.get(name="李建国")
    assert safety_education_status(person=veteran).complete
    mark = SafetyEducationBeforeGoLive.objects.get(person=veteran)
    assert "上线前" in mark.reason
    from demo.training_history import GO_LIVE

    newcomers = Employment.objects.current().filter(hire_date__gte=GO_LIVE)
    assert newcomers.exists()
    assert not SafetyEducationBeforeGoLive.objects.filter(
        person_id__in=newcomers.values("person_id")
    ).exists()
