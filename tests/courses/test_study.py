"""Studying for credit: a 10-minute video played with a fake clock in every way a trainee (or
a script) might, and the seconds credited exactly; reading time capped; the day's ledger
minutes exact; the API refusing bad input without changing anything.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from wagtail.models import Site

from courses import credit
from courses.models import (
    Assignment,
    AttendanceSnapshot,
    CourseIndexPage,
    CoursePage,
    CreditEntry,
    HeartbeatLog,
    LessonPage,
    LessonProgress,
    StudySettings,
    StudyStream,
    TrainingPlan,
)
from courses.services import study
from roster.choices import PersonnelCategory

T0 = dt.datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TEN_MINUTES = 600


def build_course(*, title="起重机械安全", categories=None, slug="crane"):
    root = Site.objects.get(is_default_site=True).root_page
    index = CourseIndexPage.objects.first()
    if index is None:
        index = root.add_child(instance=CourseIndexPage(title="课程", slug="courses"))
    return index.add_child(
        instance=CoursePage(
            title=title,
            slug=slug,
            training_kind="retraining",
            personnel_categories=categories or [],
        )
    )


def add_lesson(course, *, kind="video", slug="lesson-1", seconds=TEN_MINUTES, reading=1):
    return course.add_child(
        instance=LessonPage(
            title=f"第{slug}课",
            slug=slug,
            kind=kind,
            duration_seconds=seconds if kind == "video" else 0,
            min_reading_minutes=reading,
        )
    )


def assign(world, course, person=None):
    plan = TrainingPlan.objects.create(
        enterprise=world.ent_a, title="年度再培训", target="list", due_on=dt.date(2025, 6, 30)
    )
    return Assignment.objects.create(plan=plan, person=person or world.person_a, course=course)


@pytest.fixture
def no_idle_checks(db):
    # Idle checks are proven on their own; elsewhere they would fire at a random moment.
    settings = StudySettings.load()
    settings.idle_check_min_minutes = settings.idle_check_max_minutes = 600
    settings.save()


@pytest.fixture
def video(world, no_idle_checks):
    course = build_course(categories=[PersonnelCategory.PRINCIPAL])  # not person_a's category
    lesson = add_lesson(course)
    assign(world, course)
    return lesson


class Player:
    """A tab playing a lesson, reporting with the fake clock `at` (seconds after T0)."""

    def __init__(self, person, lesson, client="tab-aaaaaaaa"):
        self.person, self.lesson, self.client, self.seq = person, lesson, client, 0

    def beat(self, at: float, position: float, seq: int | None = None):
        self.seq = seq if seq is not None else self.seq + 1
        return study.heartbeat(
            person=self.person,
            lesson=self.lesson,
            client_id=self.client,
            seq=self.seq,
            position=position,
            now=T0 + dt.timedelta(seconds=at),
        )

    def play(self, start_at: float, start_pos: float, seconds: int, speed: float = 1.0):
        """Play for `seconds` of real time, a heartbeat every 10 s; return the last answer."""
        answer = None
        for step in range(0, seconds + 1, 10):
            answer = self.beat(start_at + step, min(start_pos + step * speed, TEN_MINUTES))
        return answer


def credited(person, lesson) -> int:
    progress = LessonProgress.objects.filter(person=person, lesson=lesson).first()
    return progress.credited_seconds if progress else 0


def logged_ms(person) -> int:
    return sum(HeartbeatLog.objects.filter(person=person).values_list("credited_ms", flat=True))


# ---------------------------------------------------------------- video


def test_normal_play_credits_the_whole_video_and_completes_it(world, video):
    answer = Player(world.person_a, video).play(0, 0, TEN_MINUTES)

    assert credited(world.person_a, video) == 600
    assert answer.completed and answer.lesson_credited_seconds == 600
    progress = LessonProgress.objects.get(person=world.person_a, lesson=video)
    assert progress.furthest_seconds == 600
    entry = CreditEntry.objects.get(person=world.person_a, lesson=video)
    assert (entry.minutes, entry.source, entry.training_kind) == (10, "online", "retraining")
    assert entry.on == dt.date(2025, 3, 3)
    assert Assignment.objects.get(person=world.person_a).completed_at is not None
    assert HeartbeatLog.objects.filter(person=world.person_a).count() == 61


def test_seeking_ahead_credits_only_what_was_watched(world, video):
    player = Player(world.person_a, video)
    player.play(0, 0, 120)  # watched 0-120
    answer = player.beat(125, 400)  # jumped to 400
    assert answer.result == credit.SEEK_AHEAD
    player.play(130, 405, 190)  # plays 405-595: beyond what was watched

    assert credited(world.person_a, video) == 120
    assert "Seeking ahead" in answer.message or "不" in answer.message


def test_watching_at_double_speed_credits_real_minutes_only(world, video):
    answer = Player(world.person_a, video).play(0, 0, 300, speed=2.0)

    assert credited(world.person_a, video) == 300
    assert answer.completed is False


def test_two_tabs_credit_only_one(world, video):
    first = Player(world.person_a, video, client="tab-first-1")
    second = Player(world.person_a, video, client="tab-second")
    for step in range(0, 301, 10):
        first.beat(step, step)
        answer = second.beat(step + 1, step)

    assert answer.result == credit.OTHER_CLIENT
    assert credited(world.person_a, video) == 300
    assert HeartbeatLog.objects.filter(result=credit.OTHER_CLIENT).count() == 31


def test_positions_past_the_duration_are_refused_and_logged(world, video):
    player = Player(world.person_a, video)
    player.beat(0, 0)
    answer = player.beat(10, 9999)

    assert answer.result == credit.IMPOSSIBLE
    assert credited(world.person_a, video) == 0
    assert HeartbeatLog.objects.filter(result=credit.IMPOSSIBLE, position=9999).exists()


def test_sequence_going_backwards_credits_nothing(world, video):
    player = Player(world.person_a, video)
    player.beat(0, 0, seq=5)
    player.beat(10, 10, seq=6)
    answer = player.beat(20, 20, seq=3)

    assert answer.result == credit.OUT_OF_ORDER
    assert credited(world.person_a, video) == 10
    assert logged_ms(world.person_a) == 10_000


def test_a_lesson_neither_assigned_nor_for_the_category_credits_nothing(world, no_idle_checks):
    course = build_course(categories=[PersonnelCategory.PRINCIPAL], slug="other")
    lesson = add_lesson(course)
    answer = Player(world.person_a, lesson).play(0, 0, 60)

    assert answer.result == study.NOT_ALLOWED
    assert credited(world.person_a, lesson) == 0
    assert HeartbeatLog.objects.filter(result=study.NOT_ALLOWED).count() == 7
    assert not StudyStream.objects.filter(person=world.person_a).exists()


def test_a_course_open_to_every_category_credits_without_an_assignment(world, no_idle_checks):
    lesson = add_lesson(build_course(slug="open"))
    Player(world.person_a, lesson).play(0, 0, 60)

    assert credited(world.person_a, lesson) == 60


def test_an_unpublished_lesson_credits_nothing(world, video):
    video.unpublish()
    answer = Player(world.person_a, video).play(0, 0, 60)

    assert answer.result == study.NOT_ALLOWED
    assert credited(world.person_a, video) == 0


def test_an_unanswered_idle_check_stops_credit_until_answered(world, video):
    settings = StudySettings.load()
    settings.idle_check_min_minutes = settings.idle_check_max_minutes = 2
    settings.save()
    player = Player(world.person_a, video)
    answer = player.play(0, 0, 120)
    assert answer.challenge_id  # due after 2 credited minutes
    assert answer.challenge_due == T0 + dt.timedelta(seconds=180)

    player.play(130, 130, 110)  # 120-240: the check falls due at 180 and is not answered
    assert credited(world.person_a, video) == 180
    late = study.challenge_answer(
        person=world.person_a, challenge_id=answer.challenge_id, now=T0 + dt.timedelta(seconds=245)
    )
    assert late is True
    player.play(250, 250, 60)  # after answering, crediting resumes

    # 180 before the check fell due, nothing from 180 to the answer at 245, then 245-310.
    assert credited(world.person_a, video) == 180 + 65
    assert HeartbeatLog.objects.filter(result=credit.IDLE).count() == 6


def test_answering_a_wrong_challenge_is_refused(world, video):
    assert study.challenge_answer(person=world.person_a, challenge_id="nope", now=T0) is False


def test_credit_entries_keep_every_second_over_several_days(world, video):
    player = Player(world.person_a, video)
    # 95 s on day one (1 whole minute + 35 s), 95 s on day two, 95 s on day three.
    for day in range(3):
        start = day * 86_400
        player.beat(start, day * 95)
        for step in (30, 60, 90, 95):
            player.beat(start + step, day * 95 + step)

    assert credited(world.person_a, video) == 285
    minutes = dict(CreditEntry.objects.filter(person=world.person_a).values_list("on", "minutes"))
    # 95 → 1 min; 190 → 3 min (2 more); 285 → 4 min (1 more): 4 = 285 // 60, nothing lost.
    assert minutes == {
        dt.date(2025, 3, 3): 1,
        dt.date(2025, 3, 4): 2,
        dt.date(2025, 3, 5): 1,
    }


def test_rewatching_a_complete_lesson_adds_no_more_than_its_length(world, video):
    player = Player(world.person_a, video)
    player.play(0, 0, TEN_MINUTES)
    answer = player.play(620, 0, 60)

    assert answer.result == study.COMPLETE
    assert credited(world.person_a, video) == 600
    assert logged_ms(world.person_a) == 600_000


# ---------------------------------------------------------------- reading


@pytest.fixture
def text_lesson(world, no_idle_checks):
    course = build_course(slug="reading")
    lesson = add_lesson(course, kind="text", slug="read", reading=2)
    assign(world, course)
    return lesson


def read(person, lesson, at, seq, opening=False, client="tab-reader"):
    return study.reading_tick(
        person=person,
        lesson=lesson,
        client_id=client,
        seq=seq,
        opening=opening,
        now=T0 + dt.timedelta(seconds=at),
    )


def test_reading_is_credited_up_to_the_minimum_reading_time(world, text_lesson):
    read(world.person_a, text_lesson, 0, 1, opening=True)
    for n, at in enumerate(range(10, 400, 10), start=2):
        answer = read(world.person_a, text_lesson, at, n)

    assert credited(world.person_a, text_lesson) == 120
    assert answer.result == study.COMPLETE and answer.completed
    assert CreditEntry.objects.get(person=world.person_a, lesson=text_lesson).minutes == 2


def test_reading_after_a_long_gap_does_not_credit_the_gap(world, text_lesson):
    read(world.person_a, text_lesson, 0, 1, opening=True)
    read(world.person_a, text_lesson, 10, 2)
    answer = read(world.person_a, text_lesson, 500, 3)  # the phone slept

    assert answer.result == credit.STARTED  # a new session, as credit.beat names it
    assert credited(world.person_a, text_lesson) == 10


def test_reading_in_a_second_tab_credits_nothing(world, text_lesson):
    read(world.person_a, text_lesson, 0, 1, opening=True)
    read(world.person_a, text_lesson, 10, 2)
    answer = read(world.person_a, text_lesson, 15, 1, opening=True, client="tab-other1")

    assert answer.result == credit.OTHER_CLIENT
    assert credited(world.person_a, text_lesson) == 10


def test_a_video_heartbeat_for_a_text_lesson_is_refused(world, text_lesson):
    Player(world.person_a, text_lesson).play(0, 0, 30)

    assert credited(world.person_a, text_lesson) == 0
    assert HeartbeatLog.objects.filter(result=study.WRONG_KIND).count() == 4


# ---------------------------------------------------------------- the API


def post(client, path, body):
    return client.post(f"/api/study/{path}", json.dumps(body), content_type="application/json")


@pytest.fixture
def trainee(client, world):
    client.force_login(world.trainee)
    return client


@pytest.mark.parametrize(
    "body",
    [
        {"client": "tab-aaaaaaaa", "seq": 1, "position": 0},  # no lesson
        {"lesson": "x", "client": "tab-aaaaaaaa", "seq": 1, "position": 0},
        {"lesson": 1, "client": "short", "seq": 1, "position": 0},
        {"lesson": 1, "client": "tab-aaaaaaaa", "seq": -1, "position": 0},
        {"lesson": 1, "client": "tab-aaaaaaaa", "seq": 1, "position": -5},
        {"lesson": 1, "client": "tab-aaaaaaaa", "seq": 1, "position": "far"},
    ],
)
def test_malformed_heartbeats_get_422_and_change_nothing(trainee, video, body):
    body = {**body, "lesson": video.pk} if body.get("lesson") == 1 else body
    response = post(trainee, "heartbeat", body)

    assert response.status_code == 422
    assert response.json()["detail"]
    assert not HeartbeatLog.objects.exists()
    assert not StudyStream.objects.exists()


def test_a_heartbeat_for_no_such_lesson_gets_422(trainee, video):
    response = post(
        trainee, "heartbeat", {"lesson": 999_999, "client": "tab-aaaaaaaa", "seq": 1, "position": 0}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "lesson"
    assert not HeartbeatLog.objects.exists()


def test_heartbeats_through_the_api_credit_the_signed_in_trainee(trainee, world, video):
    body = {"lesson": video.pk, "client": "tab-aaaaaaaa", "seq": 1, "position": 0}
    first = post(trainee, "heartbeat", body)

    assert first.status_code == 200
    assert first.json()["result"] == credit.STARTED
    assert first.json()["lesson_credit_seconds"] == 600
    assert {"hours_done", "hours_required", "hours_missing"} <= set(first.json())
    assert HeartbeatLog.objects.get().person == world.person_a


def test_an_unknown_challenge_gets_422(trainee, video):
    response = post(trainee, "challenge", {"challenge": "made-up"})

    assert response.status_code == 422
    assert response.json()["code"] == "challenge"


def test_the_api_needs_a_signed_in_user(client, video):
    body = {"lesson": video.pk, "client": "tab-aaaaaaaa", "seq": 1, "position": 0}

    assert post(client, "heartbeat", body).status_code == 401
    assert not HeartbeatLog.objects.exists()


def test_a_reading_tick_through_the_api(trainee, world, text_lesson):
    body = {"lesson": text_lesson.pk, "client": "tab-aaaaaaaa", "seq": 1, "opening": True}
    response = post(trainee, "reading", body)

    assert response.status_code == 200
    assert response.json()["result"] == credit.STARTED
    assert LessonProgress.objects.get(person=world.person_a).opened_at is not None


# ---------------------------------------------------------------- webcam snapshots


def jpeg(size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 130, 140)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def webcam_on(db):
    settings = StudySettings.load()
    settings.webcam_snapshots = True
    settings.save()


def test_a_snapshot_is_kept_when_the_setting_is_on(trainee, world, video, webcam_on):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("snap.jpg", jpeg(), content_type="image/jpeg")
    response = trainee.post("/api/study/snapshot", {"lesson": video.pk, "image": image})

    assert response.status_code == 204
    assert AttendanceSnapshot.objects.get().person == world.person_a


@pytest.mark.parametrize("data", [b"not an image", b""])
def test_a_snapshot_that_is_not_a_jpeg_is_refused(trainee, video, webcam_on, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("snap.jpg", data, content_type="image/jpeg")
    response = trainee.post("/api/study/snapshot", {"lesson": video.pk, "image": image})

    assert response.status_code == 422
    assert not AttendanceSnapshot.objects.exists()


def test_a_png_snapshot_is_refused(world, video, webcam_on):
    out = io.BytesIO()
    Image.new("RGB", (64, 48)).save(out, "PNG")
    with pytest.raises(study.StudyError):
        study.snapshot_save(person=world.person_a, lesson=video, data=out.getvalue())
    assert not AttendanceSnapshot.objects.exists()


def test_snapshots_are_refused_when_the_setting_is_off(trainee, video):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("snap.jpg", jpeg(), content_type="image/jpeg")
    response = trainee.post("/api/study/snapshot", {"lesson": video.pk, "image": image})

    assert response.status_code == 422
    assert response.json()["code"] == "off"
    assert not AttendanceSnapshot.objects.exists()


# ---------------------------------------------------------------- pages


def test_the_lesson_page_shows_this_lessons_credit_and_the_years_hours(trainee, world, video):
    Player(world.person_a, video).play(0, 0, 90)
    response = trainee.get(video.url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="study"' in html and 'data-credited="90"' in html
    assert 'id="hours-done"' in html or "hours" in html


def test_my_study_lists_assigned_courses_with_progress(trainee, world, video):
    from django.urls import reverse

    Player(world.person_a, video).play(0, 0, 90)
    response = trainee.get(reverse("courses:my_study"))

    assert response.status_code == 200
    assert response.context["courses"][0].lessons[0].credited_seconds == 90
    assert "01:30 / 10:00" in response.content.decode()
    assert "2025-06-30" in response.content.decode()
