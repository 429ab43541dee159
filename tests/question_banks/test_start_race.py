"""Two first starts of one person's paper at the same moment: one wins, the other is told
that the exam is being started elsewhere (409), never a server error."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, connection
from django.test import Client

from question_banks.models import Attempt
from question_banks.services.attempts import ExamError, attempt_start, starting

pytestmark = pytest.mark.django_db


def _racing_draw(monkeypatch):
    """attempt_draw as it runs when another request has just drawn the same paper: that
    request's attempt is in the table first, so this one's insert breaks the constraint of
    one open attempt per person and session."""
    real = starting.attempt_draw

    def draw(**kwargs):
        real(**{**kwargs, "seed": 7})  # the other request's paper
        return real(**kwargs)

    monkeypatch.setattr(starting, "attempt_draw", draw)  # as attempt_start calls it


def test_the_losing_start_is_a_conflict_not_a_crash(monkeypatch, world, session):
    _racing_draw(monkeypatch)
    with pytest.raises(ExamError) as refused:
        attempt_start(session=session, person=world.person_a, client_id="tab-2")
    assert refused.value.code == "start_conflict"
    assert isinstance(refused.value.__cause__, IntegrityError)


def test_the_losing_start_page_answers_409_with_why(monkeypatch, examinee, world, session):
    _racing_draw(monkeypatch)
    response = examinee.post(f"/exams/session/{session.code}/", {"client": "tab-2"})
    assert response.status_code == 409
    assert "这场考试正在另一个页面或设备上开考" in response.content.decode()
    # The losing request wrote nothing (its transaction, the other paper included here,
    # is rolled back); the winner's paper is the other request's to keep.
    assert not Attempt.objects.filter(session=session, status="in_progress").exists()


def test_a_start_while_the_paper_is_open_on_another_tab_is_a_conflict(
    examinee, started_attempt, session
):
    response = examinee.post(f"/exams/session/{session.code}/", {"client": "tab-2"})
    assert response.status_code == 409
    assert "本场考试已在其他设备或标签页中打开" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_first_starts_on_postgresql(monkeypatch, world, session):
    if connection.vendor != "postgresql":
        pytest.skip("two connections racing on one row need PostgreSQL (CI runs this there)")
    # Both requests find no paper of the person's and draw one; neither inserts before the
    # other has drawn, so the second insert waits for the first to commit and then breaks
    # the unique constraint: the real race, every time.
    both_drawing = threading.Barrier(2, timeout=30)
    real = starting.attempt_draw

    def draw(**kwargs):
        both_drawing.wait()
        return real(**kwargs)

    monkeypatch.setattr(starting, "attempt_draw", draw)  # as attempt_start calls it
    statuses: list[int] = []
    errors: list[Exception] = []

    def start(tab: str) -> None:
        try:
            browser = Client()
            browser.force_login(world.trainee)
            response = browser.post(f"/exams/session/{session.code}/", {"client": tab})
            statuses.append(response.status_code)
        except Exception as exc:  # a server error in the thread: reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(tab,)) for tab in ("tab-1", "tab-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses) == [302, 409]
    assert Attempt.objects.filter(session=session, status="in_progress").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_starts_of_a_paper_drawn_ahead_on_postgresql(world, session):
    if connection.vendor != "postgresql":
        pytest.skip("two connections racing on one row need PostgreSQL (CI runs this there)")
    from question_banks.services.attempts import session_predraw

    session_predraw(session=session)  # the one-statement start (services/exam_day.py) races
    ready = threading.Barrier(2, timeout=30)
    statuses: list[int] = []
    errors: list[Exception] = []

    def start(tab: str) -> None:
        try:
            browser = Client()
            browser.force_login(world.trainee)
            ready.wait()
            response = browser.post(f"/exams/session/{session.code}/", {"client": tab})
            statuses.append(response.status_code)
        except Exception as exc:  # a server error in the thread: reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(tab,)) for tab in ("tab-1", "tab-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(statuses) == [302, 409]
    assert Attempt.objects.filter(session=session, status="in_progress").count() == 1
