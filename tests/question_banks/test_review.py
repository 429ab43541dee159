"""The review of a finished paper (services/review.py, views/exams.review) and the 错题本
after every kind of attempt."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from question_banks.models import (
    Attempt,
    PaperSection,
    Question,
    QuestionVersion,
    WrongAnswer,
)
from question_banks.services.attempts import (
    answers_save,
    attempt_expire_if_overdue,
    attempt_start,
    attempt_submit,
    mock_start,
)
from question_banks.services.review import attempt_review_access
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPLANATION = "依据《安全生产法》第二十七条。"
CASE_STEM = "某厂检修时发生触电事故"
SUB_STEMS = ("事故的直接原因是？", "作业前应当停电验电。")


def _add_case_question(bank) -> Question:
    question = Question.objects.create(bank=bank, qtype="case", difficulty=2)
    version = QuestionVersion.objects.create(
        question=question,
        number=1,
        stem=CASE_STEM,
        explanation="案例解析：未执行停电、验电、挂接地线。",
        options=[],
        sub_questions=[
            {
                "qtype": "single",
                "stem": SUB_STEMS[0],
                "options": [{"key": k, "text": f"原因{k}", "correct": k == "B"} for k in "ABCD"],
            },
            {
                "qtype": "judge",
                "stem": SUB_STEMS[1],
                "options": [
                    {"key": "A", "text": "对", "correct": True},
                    {"key": "B", "text": "错", "correct": False},
                ],
            },
        ],
        shuffle_options=True,
    )
    Question.objects.filter(pk=question.pk).update(current_version=version)
    return question


@pytest.fixture
def paper_rule(rule, bank):
    """The shared rule plus one 案例分析 question, every version with an explanation."""
    _add_case_question(bank)
    PaperSection.objects.create(
        rule=rule, position=3, qtype="case", points_each=Decimal(10), medium_count=1
    )
    QuestionVersion.objects.filter(
        question__bank=bank, question__qtype__in=("judge", "single", "multiple")
    ).update(explanation=EXPLANATION)
    return rule


def _right(item) -> list[str] | dict:
    version = item.version
    if version.question.qtype == "case":
        return {
            str(i): sorted(o["key"] for o in sub["options"] if o["correct"])
            for i, sub in enumerate(version.sub_questions)
        }
    return sorted(o["key"] for o in version.options if o["correct"])


def _wrong(item) -> list[str] | dict:
    version = item.version
    if version.question.qtype == "case":
        return {"0": ["A"], "1": ["A"]}  # the first part wrong, the second right
    return [next(o["key"] for o in version.options if not o["correct"])]


def _sit(attempt, answer_of, *, client="tab-1", now=None):
    """Answer every item with answer_of(item) (None: leave it) and submit."""
    items = attempt.items.select_related("version__question").order_by("position")
    answers = [
        {"position": item.position, "answer": answer, "seq": 1}
        for item in items
        if (answer := answer_of(item)) is not None
    ]
    answers_save(
        attempt=attempt, person_id=attempt.person_id, client_id=client, answers=answers, now=now
    )
    return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id=client, now=now)


def _half_wrong(item):
    if item.version.question.qtype == "case":
        return _wrong(item)  # one part wrong, one right
    if item.position % 3 == 0:
        return None
    return _wrong(item) if item.position % 2 else _right(item)


@pytest.fixture
def finished(session, paper_rule, world):
    """The trainee's official paper, some questions right, some wrong, some left blank."""
    session.show_answers = "immediately"
    session.save()
    attempt = attempt_start(session=session, person=world.person_a, client_id="tab-1")
    return _sit(attempt, _half_wrong)


# ---------------------------------------------------------------- the review page


def test_the_review_shows_each_answer_the_right_one_and_the_explanation(examinee, finished):
    page = examinee.get(f"/exams/attempt/{finished.pk}/review/")
    assert page.status_code == 200
    html = page.content.decode()
    items = page.context["items"]
    assert [i.position for i in items] == list(range(1, finished.items.count() + 1))
    assert html.count('class="card question reviewed') == len(items)
    assert html.count(EXPLANATION) == len(items) - 1  # the case question has its own
    by_position = {i.position: i for i in items}
    for item in finished.items.select_related("version__question"):
        shown = by_position[item.position]
        expected = (
            "unanswered"
            if item.answer is None
            else ("right" if item.score == item.points else ("partial" if item.score else "wrong"))
        )
        assert shown.outcome == expected, item.position
        for part in shown.parts:
            # The right answer is lettered as this examinee saw the options (shuffled).
            assert part.right_letters and part.right_letters in html
    wrong_single = next(i for i in items if i.outcome == "wrong" and i.parts[0].qtype == "single")
    (part,) = wrong_single.parts
    assert part.chosen_letters and part.chosen_letters != part.right_letters
    assert "你的答案" in html and "正确答案" in html and "解析" in html


def test_a_case_question_is_reviewed_part_by_part(examinee, finished):
    page = examinee.get(f"/exams/attempt/{finished.pk}/review/")
    (case,) = [i for i in page.context["items"] if len(i.parts) == 2]
    html = page.content.decode()
    assert CASE_STEM in html and all(stem in html for stem in SUB_STEMS)
    assert "案例解析" in html
    first, second = case.parts
    assert first.chosen_letters != first.right_letters  # answered "A", the key is "B"
    assert second.chosen_letters == second.right_letters
    assert case.outcome == "partial"


def test_the_result_page_and_my_exams_lead_to_the_review(examinee, finished):
    url = f"/exams/attempt/{finished.pk}/review/"
    assert url in examinee.get(f"/exams/attempt/{finished.pk}/result/").content.decode()
    assert url in examinee.get("/exams/").content.decode()


def test_after_close_shows_no_answer_until_the_session_closes(examinee, session, paper_rule, world):
    assert session.show_answers == "after_close"  # the default
    attempt = attempt_start(session=session, person=world.person_a, client_id="tab-1")
    _sit(attempt, _half_wrong)
    url = f"/exams/attempt/{attempt.pk}/review/"
    page = examinee.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and page.context["items"] == []
    assert 'class="choice right"' not in html and EXPLANATION not in html
    assert "考试场次结束后" in html
    assert url not in examinee.get(f"/exams/attempt/{attempt.pk}/result/").content.decode()
    assert url not in examinee.get("/exams/").content.decode()

    session.closes_at = timezone.now() - dt.timedelta(minutes=1)
    session.save()
    page = examinee.get(url)
    assert len(page.context["items"]) == attempt.items.count()
    assert EXPLANATION in page.content.decode()


def test_never_shows_no_answer(examinee, session, paper_rule, world):
    session.show_answers = "never"
    session.closes_at = timezone.now() + dt.timedelta(minutes=1)
    session.save()
    attempt = attempt_start(session=session, person=world.person_a, client_id="tab-1")
    _sit(attempt, _half_wrong)
    later = timezone.now() + dt.timedelta(days=1)
    assert not attempt_review_access(attempt=attempt, now=later).show_answers
    page = examinee.get(f"/exams/attempt/{attempt.pk}/review/")
    assert page.context["items"] == [] and "不向考生公布答案" in page.content.decode()


def test_another_persons_review_is_not_found(finished, world):
    other = Client()
    other.force_login(UserFactory(username=world.person_b.id_number, person=world.person_b))
    assert other.get(f"/exams/attempt/{finished.pk}/review/").status_code == 404
    assert other.get(f"/exams/attempt/{finished.pk}/result/").status_code == 404
    staff = Client()
    # The trainee's enterprise admin is not the examinee either.
    staff.force_login(world.enterprise_admin)
    assert staff.get(f"/exams/attempt/{finished.pk}/review/").status_code == 404


def test_an_open_paper_has_no_review_yet(examinee, started_attempt):
    page = examinee.get(f"/exams/attempt/{started_attempt.pk}/review/")
    assert page.status_code == 302 and page["Location"] == f"/exams/attempt/{started_attempt.pk}/"


def test_a_mock_review_shows_no_key_while_an_official_paper_on_the_bank_is_open(
    examinee, session, paper_rule, world
):
    mock = mock_start(person=world.person_a, rule=paper_rule)
    official = attempt_start(session=session, person=world.person_a, client_id="tab-1")
    _sit(mock, _half_wrong, client="")
    page = examinee.get(f"/exams/attempt/{mock.pk}/review/")
    assert page.context["access"].keys_closed and page.context["items"] == []
    assert EXPLANATION not in page.content.decode()
    attempt_submit(attempt=official, person_id=official.person_id, client_id="tab-1")
    page = examinee.get(f"/exams/attempt/{mock.pk}/review/")
    assert len(page.context["items"]) == mock.items.count()


def test_a_session_that_closes_practice_hides_keys_even_when_shown_immediately(
    examinee, session, paper_rule, world
):
    """In an exam room a neighbour still sits the paper: no key before the session closes."""
    session.show_answers = "immediately"
    session.mode = "proctored"
    session.save()
    attempt = attempt_start(session=session, person=world.person_a, client_id="tab-1")
    _sit(attempt, _half_wrong)
    page = examinee.get(f"/exams/attempt/{attempt.pk}/review/")
    assert page.context["items"] == [] and page.context["access"].keys_closed


def test_my_exams_lists_finished_mocks_with_their_review(examinee, paper_rule, world):
    mock = mock_start(person=world.person_a, rule=paper_rule)
    _sit(mock, _half_wrong, client="")
    html = examinee.get("/exams/").content.decode()
    assert f"/exams/attempt/{mock.pk}/review/" in html and paper_rule.name in html


def test_my_exams_reads_a_fixed_number_of_queries(
    examinee, session, paper_rule, world, django_assert_max_num_queries
):
    session.attempts_allowed = 3
    session.show_answers = "immediately"
    session.save()
    for n in range(3):
        attempt = attempt_start(session=session, person=world.person_a, client_id=f"tab-{n}")
        _sit(attempt, _half_wrong, client=f"tab-{n}")
        mock = mock_start(person=world.person_a, rule=paper_rule)
        _sit(mock, _half_wrong, client="")
    with django_assert_max_num_queries(12):
        assert examinee.get("/exams/").status_code == 200


# ---------------------------------------------------------------- the 错题本


def _book(person) -> set[int]:
    return set(WrongAnswer.objects.filter(person=person).values_list("question_id", flat=True))


def _expected_wrong(attempt) -> set[int]:
    return {
        item.version.question_id
        for item in attempt.items.select_related("version")
        if item.answer is not None and item.score != item.points
    }


def test_wrong_answers_of_an_official_exam_enter_the_wrong_book(finished, world):
    expected = _expected_wrong(finished)
    case = finished.items.get(version__question__qtype="case")
    assert expected and _book(world.person_a) == expected
    assert case.version.question_id in expected  # a part wrong is a wrong answer


def test_wrong_answers_of_a_mock_exam_enter_the_wrong_book(paper_rule, world):
    mock = mock_start(person=world.person_a, rule=paper_rule)
    mock = _sit(mock, _half_wrong, client="")
    assert mock.kind == Attempt.Kind.MOCK
    assert _expected_wrong(mock) and _book(world.person_a) == _expected_wrong(mock)


def test_wrong_answers_of_a_paper_whose_time_ran_out_enter_the_wrong_book(
    session, paper_rule, world
):
    start = timezone.now()
    attempt = attempt_start(session=session, person=world.person_a, client_id="tab-1", now=start)
    items = attempt.items.select_related("version__question").order_by("position")
    answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="tab-1",
        answers=[{"position": i.position, "answer": _wrong(i), "seq": 1} for i in items],
        now=start,
    )
    assert attempt_expire_if_overdue(
        attempt=attempt, now=attempt.deadline + dt.timedelta(seconds=1)
    )
    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.EXPIRED
    assert _book(world.person_a) == {i.version.question_id for i in items}


def test_a_question_answered_right_later_leaves_the_wrong_book(session, paper_rule, world):
    mock = _sit(mock_start(person=world.person_a, rule=paper_rule), _wrong, client="")
    assert _book(world.person_a) == {
        i.version.question_id for i in mock.items.select_related("version")
    }
    again = _sit(mock_start(person=world.person_a, rule=paper_rule), _right, client="")
    left = {i.version.question_id for i in again.items.select_related("version")}
    assert not (_book(world.person_a) & left)
