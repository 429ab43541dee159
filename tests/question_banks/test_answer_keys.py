"""No answer keys of a bank while the person sits an exam on it (services/keys.py).

The attack as reported: with the official paper open, start a mock exam on the same bank,
submit it blank and read the right answers on its result page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages

from question_banks.models import Attempt, ExamSession, PracticeAnswer
from question_banks.services.attempts import attempt_submit, mock_start
from question_banks.services.keys import KeysClosed, banks_closed_to_keys
from question_banks.services.practice import practice_answer, practice_next

pytestmark = pytest.mark.django_db

REFUSED = "你有一场正在进行的正式考试使用此题库"


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _right_answers(attempt: Attempt) -> list[str]:
    return [
        "".join(sorted(o["key"] for o in item.version.options if o["correct"]))
        for item in attempt.items.select_related("version")
    ]


def test_a_mock_on_the_bank_of_an_open_official_attempt_is_refused(examinee, started_attempt):
    response = examinee.post(f"/exams/mock/{started_attempt.rule.code}/")
    assert response.status_code == 302 and response["Location"] == "/exams/"
    assert REFUSED in _messages(response)
    assert not Attempt.objects.filter(kind="mock").exists()


def test_a_mock_started_before_the_exam_shows_no_key_or_score_while_it_is_open(
    examinee, session, world
):
    mock = mock_start(person=world.person_a, rule=session.rule)
    examinee.post(f"/exams/session/{session.code}/", {"client": "tab-1"})
    official = Attempt.objects.get(session=session, status="in_progress")
    attempt_submit(attempt=mock, person_id=mock.person_id, client_id="")  # blank
    page = examinee.get(f"/exams/attempt/{mock.pk}/result/")
    assert page.status_code == 200
    access = page.context["access"]
    assert access.keys_closed and not access.show_score and not access.show_answers
    review = examinee.get(f"/exams/attempt/{mock.pk}/review/")
    assert review.status_code == 200 and review.context["items"] == []
    assert 'class="choice right"' not in review.content.decode()
    # Once the exam is over, the mock's result shows its score and its review the answers.
    attempt_submit(attempt=official, person_id=official.person_id, client_id="tab-1")
    page = examinee.get(f"/exams/attempt/{mock.pk}/result/")
    assert page.context["access"].show_score
    review = examinee.get(f"/exams/attempt/{mock.pk}/review/")
    assert len(review.context["items"]) == len(_right_answers(mock))


def test_practice_on_the_bank_is_refused_while_the_official_attempt_is_open(
    examinee, started_attempt, bank
):
    page = examinee.get(f"/exams/practice/{bank.code}/sequential/")
    assert page.status_code == 302 and page["Location"] == "/exams/practice/"
    assert REFUSED in _messages(page)
    question = bank.questions.filter(qtype="single").first()
    answered = examinee.post(
        f"/exams/practice/{bank.code}/sequential/", {"question": question.pk, "answer": "A"}
    )
    assert answered.status_code == 302 and REFUSED in _messages(answered)
    assert not PracticeAnswer.objects.exists()


def test_the_practice_services_refuse_too(started_attempt, world, bank):
    question = bank.questions.filter(qtype="single").first()
    with pytest.raises(KeysClosed):
        practice_answer(person=world.person_a, question=question, answer=["B"])
    with pytest.raises(KeysClosed):
        practice_next(person=world.person_a, bank=bank, mode="random")


def test_the_practice_page_shows_a_closed_bank_without_its_figures(examinee, started_attempt):
    page = examinee.get("/exams/practice/")
    assert page.context["banks"][0][1] is None
    assert "practice_q" not in page.content.decode() and "sequential" not in page.content.decode()


def test_practice_opens_again_when_the_exam_is_submitted(examinee, started_attempt, bank):
    attempt_submit(attempt=started_attempt, person_id=started_attempt.person_id, client_id="tab-1")
    assert examinee.get(f"/exams/practice/{bank.code}/sequential/").status_code == 200


def test_an_attempt_past_its_deadline_closes_nothing(started_attempt, world, bank):
    Attempt.objects.filter(pk=started_attempt.pk).update(
        deadline=started_attempt.started_at - dt.timedelta(minutes=1)
    )
    assert bank.pk not in banks_closed_to_keys(person_id=world.person_a.pk)


def test_another_persons_exam_closes_nothing_for_this_one(started_attempt, world, bank):
    assert bank.pk not in banks_closed_to_keys(person_id=world.person_b.pk)


def test_a_proctored_session_closes_practice_on_its_bank_for_its_candidates(
    examinee, session, bank
):
    ExamSession.objects.filter(pk=session.pk).update(mode=ExamSession.Mode.PROCTORED)
    page = examinee.get(f"/exams/practice/{bank.code}/random/")
    assert page.status_code == 302
    assert "使用此题库的考试正在举行" in _messages(page)


def test_an_online_session_leaves_practice_open_unless_it_says_otherwise(examinee, session, bank):
    assert examinee.get(f"/exams/practice/{bank.code}/random/").status_code == 200
    ExamSession.objects.filter(pk=session.pk).update(closes_practice=True)
    assert examinee.get(f"/exams/practice/{bank.code}/random/").status_code == 302


def test_a_proctored_session_may_leave_practice_open(examinee, session, bank):
    ExamSession.objects.filter(pk=session.pk).update(
        mode=ExamSession.Mode.PROCTORED, closes_practice=False
    )
    assert examinee.get(f"/exams/practice/{bank.code}/random/").status_code == 200


def test_practice_closed_by_a_session_opens_when_its_window_closes(session, world, bank, now):
    ExamSession.objects.filter(pk=session.pk).update(closes_practice=True)
    assert bank.pk in banks_closed_to_keys(person_id=world.person_a.pk, now=now)
    later = session.closes_at + dt.timedelta(seconds=1)
    assert bank.pk not in banks_closed_to_keys(person_id=world.person_a.pk, now=later)


def test_a_mock_is_refused_during_a_window_that_closes_practice(examinee, session):
    ExamSession.objects.filter(pk=session.pk).update(closes_practice=True)
    response = examinee.post(f"/exams/mock/{session.rule.code}/")
    assert response.status_code == 302 and not Attempt.objects.filter(kind="mock").exists()
