"""Practice, the wrong-answer book and favourites."""

import pytest

from question_banks.models import PracticeAnswer, WrongAnswer
from question_banks.services.practice import (
    banks_for_person,
    favourite_toggle,
    practice_answer,
    practice_next,
)

pytestmark = pytest.mark.django_db


def first_single(bank):
    return bank.questions.filter(qtype="single").order_by("pk").first()


def test_person_listed_for_an_exam_may_practise_its_bank(session, world, bank):
    assert list(banks_for_person(world.person_a)) == [bank]
    assert list(banks_for_person(world.person_b)) == []


def test_bank_tagged_for_a_category_is_open_to_that_category(bank, world):
    bank.personnel_categories = ["general"]
    bank.save()
    assert list(banks_for_person(world.person_b)) == [bank]


def test_sequential_practice_resumes_after_the_last_answer(session, world, bank):
    first = practice_next(person=world.person_a, bank=bank, mode="sequential")
    practice_answer(person=world.person_a, question=first, answer=["A"])
    following = practice_next(person=world.person_a, bank=bank, mode="sequential")
    assert following.pk > first.pk


def test_wrong_answer_goes_into_the_book_and_leaves_when_answered_right(session, world, bank):
    question = first_single(bank)  # the right answer is B
    feedback = practice_answer(person=world.person_a, question=question, answer=["A"])
    assert not feedback.correct and feedback.right_keys == ["B"]
    assert practice_next(person=world.person_a, bank=bank, mode="wrong") == question
    practice_answer(person=world.person_a, question=question, answer=["B"])
    assert not WrongAnswer.objects.filter(person=world.person_a).exists()
    assert PracticeAnswer.objects.filter(person=world.person_a).count() == 2


def test_favourite_toggles(session, world, bank):
    question = first_single(bank)
    assert favourite_toggle(person=world.person_a, question=question) is True
    assert practice_next(person=world.person_a, bank=bank, mode="favourites") == question
    assert favourite_toggle(person=world.person_a, question=question) is False


def test_practice_pages_check_an_answer_and_explain(client, session, world, bank):
    client.force_login(world.trainee)
    question = first_single(bank)
    page = client.get(f"/exams/practice/{bank.code}/sequential/?q={question.pk}")
    assert page.status_code == 200
    checked = client.post(
        f"/exams/practice/{bank.code}/sequential/", {"question": question.pk, "answer": "A"}
    )
    assert checked.status_code == 200 and 'class="msg error"' in checked.content.decode()


def test_bank_of_someone_else_is_not_open(client, session, world, bank):
    client.force_login(world.enterprise_admin)  # no person record
    assert client.get(f"/exams/practice/{bank.code}/random/").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["category=abc", "category=²", "category=99999999999999999999", "q=abc", "after=1e3"],
)
def test_a_practice_page_with_a_malformed_id_is_not_found(client, session, world, bank, query):
    client.force_login(world.trainee)
    assert client.get(f"/exams/practice/{bank.code}/category/?{query}").status_code == 404


@pytest.mark.parametrize("value", ["abc", "", "²", "1;2"])
def test_a_practice_answer_to_a_malformed_question_id_is_not_found(
    client, session, world, bank, value
):
    client.force_login(world.trainee)
    response = client.post(
        f"/exams/practice/{bank.code}/sequential/", {"question": value, "answer": "A"}
    )
    assert response.status_code == 404
    assert not PracticeAnswer.objects.exists()


def test_a_case_question_with_a_part_left_empty_is_marked_wrong(session, world, bank):
    # A part answered with nothing is stored as None (validate_answer); the check compared
    # set(None) and failed with a server error before mypy pointed at it.
    from question_banks.models import Question, QuestionVersion

    question = Question.objects.create(bank=bank, qtype="case", difficulty=2)
    judge = [
        {"key": "A", "text": "对", "correct": True},
        {"key": "B", "text": "错", "correct": False},
    ]
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        stem="某厂检修时发生触电事故",
        options=[],
        sub_questions=[
            {"qtype": "judge", "stem": "作业前应当停电验电。", "options": judge},
            {"qtype": "judge", "stem": "检修时应当挂接地线。", "options": judge},
        ],
    )
    Question.objects.filter(pk=question.pk).update(current_version=version)
    question.refresh_from_db()
    feedback = practice_answer(
        person=world.person_a, question=question, answer={"0": ["A"], "1": []}
    )
    assert not feedback.correct
    right = practice_answer(
        person=world.person_a, question=question, answer={"0": ["A"], "1": ["A"]}
    )
    assert right.correct
