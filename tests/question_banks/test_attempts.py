"""Attempts: frozen papers, the server's clock, answers that are never lost or overwritten."""

import datetime as dt
from decimal import Decimal

import pytest

from question_banks.models import Attempt, AttemptItem, Candidate, QuestionVersion
from question_banks.services.attempts import (
    ExamError,
    answers_save,
    attempt_start,
    attempt_submit,
    attempt_take_over,
    attempts_expire_overdue,
    session_predraw,
)
from question_banks.services.rules import paper_rule_validate

pytestmark = pytest.mark.django_db


def right_answer(item):
    return [o["key"] for o in item.version.options if o["correct"]]


def start(session, world, now, client="tab-1", **kw):
    return attempt_start(session=session, person=world.person_a, client_id=client, now=now, **kw)


def test_start_fixes_the_deadline_and_pins_versions(session, world, now):
    attempt = start(session, world, now)
    assert attempt.deadline == now + dt.timedelta(minutes=60)
    assert attempt.items.count() == 25 and attempt.total_points == Decimal(100)


def test_start_within_the_last_minutes_ends_at_session_close(session, world, now):
    session.closes_at = now + dt.timedelta(minutes=20)
    session.save()
    assert start(session, world, now).deadline == session.closes_at


def test_extra_time_granted_to_a_candidate_extends_the_deadline(session, world, now):
    Candidate.objects.filter(session=session).update(extra_minutes=15)
    assert start(session, world, now).deadline == now + dt.timedelta(minutes=75)


def test_all_right_answers_score_full_marks_and_pass(session, world, now):
    attempt = start(session, world, now)
    items = list(attempt.items.select_related("version"))
    answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="tab-1",
        now=now,
        answers=[{"position": i.position, "answer": right_answer(i), "seq": 1} for i in items],
    )
    attempt = attempt_submit(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="tab-1",
        now=now + dt.timedelta(minutes=5),
    )
    assert (attempt.score, attempt.passed, attempt.status) == (Decimal(100), True, "submitted")
    assert [Decimal(s["score"]) for s in attempt.section_scores] == [30, 40, 30]


def test_unanswered_paper_scores_zero_and_fails(session, world, now):
    attempt = start(session, world, now)
    attempt = attempt_submit(
        attempt=attempt, person_id=attempt.person_id, client_id="tab-1", now=now
    )
    assert (attempt.score, attempt.passed) == (Decimal(0), False)


def test_late_retry_never_overwrites_a_newer_answer(session, world, now):
    attempt = start(session, world, now)
    answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="tab-1",
        now=now,
        answers=[{"position": 3, "answer": ["A"], "seq": 5}],
    )
    (result,) = answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="tab-1",
        now=now,
        answers=[{"position": 3, "answer": ["B"], "seq": 4}],
    )
    assert not result.applied
    assert AttemptItem.objects.get(attempt=attempt, position=3).answer == ["A"]


def test_resending_the_same_answer_is_harmless(session, world, now):
    attempt = start(session, world, now)
    post = [{"position": 1, "answer": ["A"], "seq": 1}]
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id="tab-1", now=now, answers=post
    )
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id="tab-1", now=now, answers=post
    )
    assert AttemptItem.objects.get(attempt=attempt, position=1).answer == ["A"]


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({"position": 999, "answer": ["A"], "seq": 1}, "bad_question"),
        ({"position": 1, "answer": ["Z"], "seq": 1}, "bad_option"),
        ({"position": 1, "answer": ["A", "B"], "seq": 1}, "malformed"),
        ({"position": 1, "answer": "A", "seq": 0}, "malformed"),
        ({"position": 1, "answer": [1], "seq": 1}, "malformed"),
        ({"position": 1, "answer": {"0": ["A"]}, "seq": 1}, "malformed"),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(session, world, now, entry, code):
    attempt = start(session, world, now)
    good = {"position": 2, "answer": ["A"], "seq": 1}
    with pytest.raises(ExamError) as refused:
        answers_save(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="tab-1",
            now=now,
            answers=[good, entry],
        )
    assert refused.value.code == code
    assert not AttemptItem.objects.filter(attempt=attempt, answer__isnull=False).exists()


def test_answer_after_the_deadline_is_refused_and_the_attempt_graded(session, world, now):
    attempt = start(session, world, now)
    answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="tab-1",
        now=now,
        answers=[{"position": 1, "answer": ["A"], "seq": 1}],
    )
    with pytest.raises(ExamError) as refused:
        answers_save(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="tab-1",
            now=attempt.deadline + dt.timedelta(seconds=1),
            answers=[{"position": 2, "answer": ["A"], "seq": 1}],
        )
    assert refused.value.code == "deadline"
    attempt.refresh_from_db()
    assert attempt.status == "expired" and attempt.score is not None
    assert AttemptItem.objects.get(attempt=attempt, position=2).answer is None


def test_grace_period_accepts_a_late_answer_in_flight(session, world, now):
    session.grace_seconds = 30
    session.save()
    attempt = start(session, world, now)
    (result,) = answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="tab-1",
        now=attempt.deadline + dt.timedelta(seconds=20),
        answers=[{"position": 1, "answer": ["A"], "seq": 1}],
    )
    assert result.applied


def test_answer_after_submission_is_refused(session, world, now):
    attempt = start(session, world, now)
    attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="tab-1", now=now)
    with pytest.raises(ExamError) as refused:
        answers_save(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="tab-1",
            now=now,
            answers=[{"position": 1, "answer": ["A"], "seq": 1}],
        )
    assert refused.value.code == "finished"


def test_second_tab_is_told_why_it_cannot_answer(session, world, now):
    attempt = start(session, world, now, client="phone")
    with pytest.raises(ExamError) as refused:
        start(session, world, now, client="pc")
    assert refused.value.code == "other_client"
    attempt_take_over(actor=world.trainee, attempt=attempt, client_id="pc")
    with pytest.raises(ExamError) as refused:
        answers_save(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="phone",
            now=now,
            answers=[{"position": 1, "answer": ["A"], "seq": 1}],
        )
    assert refused.value.code == "other_client"
    assert attempt.events.filter(kind="taken_over").exists()


def test_periodic_sweep_grades_overdue_attempts(session, world, now):
    attempt = start(session, world, now)
    assert attempts_expire_overdue(now=attempt.deadline + dt.timedelta(minutes=1)) == 1
    attempt.refresh_from_db()
    assert attempt.status == "expired" and attempt.passed is False


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"opens_at_delta": dt.timedelta(hours=2)}, "not_open"),
        ({"closes_at_delta": dt.timedelta(hours=-2)}, "closed"),
        ({"access_code": "8421"}, "access_code"),
        ({"allowed_networks": "10.8.0.0/16"}, "network"),
    ],
)
def test_starting_outside_the_rules_is_refused(session, world, now, change, code):
    if "opens_at_delta" in change:
        session.opens_at = now + change["opens_at_delta"]
        session.closes_at = now + dt.timedelta(hours=5)
    if "closes_at_delta" in change:
        session.closes_at = now + change["closes_at_delta"]
        session.opens_at = now - dt.timedelta(hours=3)
    session.access_code = change.get("access_code", "")
    session.allowed_networks = change.get("allowed_networks", "")
    session.save()
    with pytest.raises(ExamError) as refused:
        start(session, world, now, ip="192.168.1.9")
    assert refused.value.code == code
    assert not Attempt.objects.filter(status="in_progress").exists()


def test_a_person_not_on_the_list_cannot_start(session, world, now):
    with pytest.raises(ExamError) as refused:
        attempt_start(session=session, person=world.person_b, client_id="x", now=now)
    assert refused.value.code == "not_candidate"


def test_one_resit_then_no_more_attempts(session, world, now):
    for n in (1, 2):
        attempt = start(session, world, now)
        assert attempt.number == n
        attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="tab-1", now=now)
    with pytest.raises(ExamError) as refused:
        start(session, world, now)
    assert refused.value.code == "no_attempts"


def test_predrawn_paper_is_used_at_start(session, world, now):
    assert session_predraw(session=session) == 1
    predrawn = Attempt.objects.get(session=session)
    assert start(session, world, now).pk == predrawn.pk


def test_editing_the_bank_changes_no_past_attempt(session, world, now):
    attempt = start(session, world, now)
    item = attempt.items.select_related("version__question").first()
    question = item.version.question
    new = QuestionVersion.objects.create(
        question=question, number=2, stem="改过的题干", options=item.version.options
    )
    question.current_version = new
    question.save()
    item.refresh_from_db()
    assert item.version.number == 1 and item.version.stem != "改过的题干"


def test_rule_check_names_the_short_section(rule):
    rule.sections.filter(position=2).update(medium_count=6)
    with pytest.raises(Exception) as refused:
        paper_rule_validate(rule=rule)
    assert "2" in str(refused.value) and "4" in str(refused.value)


def test_a_submitted_paper_updates_the_wrong_book(session, world, now):
    """Wrong answers enter the book (or count once more), right ones leave it, unanswered
    questions are not put in it."""
    from question_banks.models import WrongAnswer

    expected: dict[int, int] = {}

    def sit(answer_of, client):
        attempt = start(session, world, now, client=client)
        items = list(attempt.items.select_related("version__question").order_by("position"))
        answers = []
        for item in items:
            answer = answer_of(item)
            question = item.version.question_id
            if answer is None:
                continue
            answers.append({"position": item.position, "answer": answer, "seq": 1})
            if answer == right_answer(item):
                expected.pop(question, None)
            else:
                expected[question] = expected.get(question, 0) + 1
        answers_save(
            attempt=attempt, person_id=attempt.person_id, client_id=client, now=now, answers=answers
        )
        attempt_submit(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id=client,
            now=now + dt.timedelta(minutes=5),
        )

    def wrong_answer(item):
        if item.version.question.qtype == "case":
            return None  # keep the bookkeeping simple: case questions are left unanswered
        keys = [o["key"] for o in item.version.options]
        return [next(k for k in keys if [k] != right_answer(item))]

    def first_paper(item):
        if item.position <= 5:
            return wrong_answer(item)
        if item.position <= 10 and item.version.question.qtype != "case":
            return right_answer(item)
        return None

    def book():
        return dict(
            WrongAnswer.objects.filter(person=world.person_a).values_list(
                "question_id", "times_wrong"
            )
        )

    session.attempts_allowed = 3
    session.save()
    sit(first_paper, "tab-1")
    assert book() == expected and len(expected) >= 4
    sit(wrong_answer, "tab-2")  # some questions again: they count twice
    assert book() == expected and 2 in expected.values()
    sit(lambda i: None if i.version.question.qtype == "case" else right_answer(i), "tab-3")
    assert book() == expected
