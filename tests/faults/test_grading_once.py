"""Two graders reach the same submitted paper at the same moment (a task delivered twice
after a worker died, or the queued task and the result page's lazy grade): the grade is
written once (issue 27, Must 6). The first grader holds the attempt's row lock while it
writes; the second waits on it, then finds the grade there and does nothing.

Real concurrency needs real row locks: PostgreSQL, two threads with their own connections.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.dispatch import receiver

from question_banks.models import Attempt, AttemptItem, WrongAnswer
from question_banks.services.attempts import attempt_grade_pending, attempt_submit
from question_banks.services.attempts import grading as grading_module
from question_banks.signals import attempt_finished

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_graders_at_once_grade_once(session, world, monkeypatch):
    from question_banks.services.attempts import attempt_start

    monkeypatch.setattr(grading_module, "tasks_inline", lambda: False)
    monkeypatch.setattr(grading_module, "send_or_leave", lambda task, attempt_id, **kw: None)
    attempt = attempt_start(session=session, person=world.person_a, client_id="tab-1")
    # Every answer wrong: grading writes the wrong-answer book as well as the scores.
    for item in attempt.items.select_related("version"):
        wrong = [o["key"] for o in item.version.options if not o["correct"]][:1]
        AttemptItem.objects.filter(pk=item.pk).update(answer=wrong, answer_seq=1)
    attempt_submit(
        attempt=attempt, person_id=attempt.person_id, client_id="tab-1", grade_later=True
    )
    assert Attempt.objects.get(pk=attempt.pk).score is None

    graded_by: list[str] = []
    first_in = threading.Event()

    @receiver(attempt_finished, weak=False, dispatch_uid="test.grading_once")
    def slow(sender, attempt, **kwargs):
        # Inside the first grader's transaction, lock held: let the second one arrive.
        graded_by.append(threading.current_thread().name)
        first_in.set()
        time.sleep(0.5)

    results: dict[str, object] = {}

    def grade(name: str) -> None:
        try:
            results[name] = attempt_grade_pending(attempt_id=attempt.pk)
        finally:
            connection.close()

    try:
        one = threading.Thread(target=grade, args=("one",), name="one")
        two = threading.Thread(target=grade, args=("two",), name="two")
        one.start()
        assert first_in.wait(10), "the first grader did not start"
        two.start()
        one.join(30)
        two.join(30)
    finally:
        attempt_finished.disconnect(dispatch_uid="test.grading_once")

    assert graded_by == ["one"]
    assert results["one"] is not None and results["two"] is None
    attempt.refresh_from_db()
    assert attempt.score == 0 and attempt.passed is False
    book = WrongAnswer.objects.filter(person=world.person_a)
    assert book.count() == attempt.items.count()
    assert set(book.values_list("times_wrong", flat=True)) == {1}, "counted wrong twice"
