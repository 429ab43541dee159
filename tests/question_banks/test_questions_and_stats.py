"""Editing makes versions; a key correction regrades with old and new scores; item analysis."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from question_banks.models import Candidate, Regrade
from question_banks.services.attempts import answers_save, attempt_start, attempt_submit
from question_banks.services.questions import question_create, question_edit, question_fix_key
from question_banks.statistics import session_statistics

pytestmark = pytest.mark.django_db

OPTIONS = [{"key": k, "text": f"选项{k}", "correct": k == "B"} for k in "ABCD"]


def test_edit_of_text_adds_a_version_and_keeps_the_old(bank, world):
    question = question_create(
        bank=bank, qtype="single", stem="原题干", options=OPTIONS, actor=None
    )
    question_edit(question=question, actor=world.trainer, stem="新题干")
    question.refresh_from_db()
    assert question.current_version.number == 2
    assert list(question.versions.values_list("stem", flat=True)) == ["原题干", "新题干"]


def test_edit_of_difficulty_only_keeps_the_version(bank):
    question = question_create(bank=bank, qtype="single", stem="题", options=OPTIONS, actor=None)
    question_edit(question=question, actor=None, difficulty=3)
    question.refresh_from_db()
    assert question.current_version.number == 1 and question.difficulty == 3


@pytest.mark.parametrize(
    ("qtype", "options"),
    [
        ("single", [{"key": "A", "correct": True}]),
        ("single", [{"key": "A", "correct": True}, {"key": "B", "correct": True}]),
        ("multiple", [{"key": "A", "correct": True}, {"key": "B"}]),
        ("judge", [{"key": "A"}, {"key": "B"}, {"key": "C", "correct": True}]),
    ],
)
def test_invalid_questions_are_refused(bank, qtype, options):
    with pytest.raises(ValidationError):
        question_create(bank=bank, qtype=qtype, stem="题", options=options, actor=None)


def test_script_in_a_stem_is_removed_on_save(bank):
    question = question_create(
        bank=bank, qtype="single", stem="<p>题<script>x()</script></p>", options=OPTIONS, actor=None
    )
    assert "<script>" not in question.current_version.stem


def _sit(session, person, now, answers):
    Candidate.objects.get_or_create(session=session, person=person)
    attempt = attempt_start(session=session, person=person, client_id="c", now=now)
    answers_save(
        attempt=attempt,
        person_id=attempt.person_id,
        client_id="c",
        now=now,
        answers=answers(attempt),
    )
    return attempt_submit(attempt=attempt, person_id=attempt.person_id, client_id="c", now=now)


def test_fixing_a_wrong_key_regrades_and_records_old_and_new_scores(session, world, now):
    attempt = _sit(
        session,
        world.person_a,
        now,
        lambda a: [
            {
                "position": i.position,
                "answer": ["A"] if i.version.question.qtype != "multiple" else ["A", "C"],
                "seq": 1,
            }
            for i in a.items.select_related("version__question")
        ],
    )
    item = (
        attempt.items.filter(version__question__qtype="single")
        .select_related("version__question")
        .first()
    )
    old_score = attempt.score
    regrades = question_fix_key(
        question=item.version.question, right_keys=["A"], actor=world.trainer, reason="答案有误"
    )
    assert len(regrades) == 1
    regrade = Regrade.objects.get()
    assert regrade.old_score == old_score and regrade.new_score == old_score + item.points
    item.refresh_from_db()
    assert item.version.answer_key == "A" and item.score == item.points


def test_key_fix_needs_a_reason(session, world, bank):
    question = bank.questions.filter(qtype="single").first()
    with pytest.raises(ValidationError):
        question_fix_key(question=question, right_keys=["A"], actor=world.trainer, reason="")


def test_statistics_flag_a_question_everyone_gets_wrong(session, world, now):
    people = [world.person_a, world.person_b, world.person_a_chem, world.person_other]
    for n, person in enumerate(people):
        _sit(
            session,
            person,
            now + dt.timedelta(seconds=n),
            lambda a: [
                {
                    "position": i.position,
                    "answer": [o["key"] for o in i.version.options if o["correct"]],
                    "seq": 1,
                }
                for i in a.items.select_related("version").filter(version__question__qtype="judge")
            ],
        )
    stats = session_statistics(session)
    judge = [s for s in stats if s.qtype == "judge"]
    single = [s for s in stats if s.qtype == "single"]
    assert judge and all(s.facility == 1.0 and "too_easy" in s.flags for s in judge)
    assert single and all(s.facility == 0.0 and "too_hard" in s.flags for s in single)
    assert sum(single[0].option_counts.values()) == 0  # nobody chose anything


def test_bank_list_filters_by_the_item_analysis(session, world, now, client):
    """Issue 22, Must 1: the bank's list filters by statistics. After four people answer
    every 判断 right and nothing else, 判断 are the easy ones, the single and multiple
    choices drawn the hard ones, and what no paper drew has no data."""
    people = [world.person_a, world.person_b, world.person_a_chem, world.person_other]
    for n, person in enumerate(people):
        _sit(
            session,
            person,
            now + dt.timedelta(seconds=n),
            lambda a: [
                {
                    "position": i.position,
                    "answer": [o["key"] for o in i.version.options if o["correct"]],
                    "seq": 1,
                }
                for i in a.items.select_related("version").filter(version__question__qtype="judge")
            ],
        )
    drawn = {
        qtype: set(
            session.attempts.filter(items__version__question__qtype=qtype).values_list(
                "items__version__question", flat=True
            )
        )
        for qtype in ("judge", "single", "multiple")
    }
    bank = session.rule.bank
    client.force_login(world.trainer)
    url = f"/exams/banks/{bank.code}/"

    def listed(**query) -> set[int]:
        page = client.get(url, {**query, "page": 1}).context["page"]
        return {q.pk for p in page.paginator.page_range for q in page.paginator.page(p)}

    hard = drawn["single"] | drawn["multiple"]
    assert listed(stat="facility_high") == drawn["judge"]
    assert listed(stat="facility_low") == hard
    assert listed(stat="flagged") == drawn["judge"] | hard
    assert listed(stat="no_data") == set(bank.questions.values_list("pk", flat=True)) - (
        drawn["judge"] | hard
    )
    # The filter combines with the others: the hard ones among the multiple choices.
    assert listed(stat="facility_low", type="multiple") == drawn["multiple"]
    # Each row shows its figures: a hard question reads its facility 0.
    response = client.get(url, {"stat": "facility_low"})
    assert all(q.figures.facility == 0.0 for q in response.context["page"])
