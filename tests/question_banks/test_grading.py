from decimal import Decimal

import pytest

from question_banks.grading import score_choice, score_item

OPTS = [
    {"key": "A", "correct": True},
    {"key": "B", "correct": False},
    {"key": "C", "correct": True},
    {"key": "D", "correct": True},
]


@pytest.mark.parametrize(
    ("policy", "answer", "expected"),
    [
        ("all", ["A", "C", "D"], "2"),
        ("all", ["D", "A", "C"], "2"),
        ("all", ["A", "C"], "0"),
        ("half", ["A", "C"], "1.00"),
        ("half", ["A", "B"], "0"),
        ("proportional", ["A", "C"], "1.33"),
        ("proportional", ["A", "B"], "0"),
        ("all", [], "0"),
        ("all", None, "0"),
    ],
)
def test_multiple_choice_policies(policy, answer, expected):
    score = score_item(
        qtype="multiple",
        options=OPTS,
        sub_questions=[],
        answer=answer,
        points=Decimal(2),
        policy=policy,
    )
    assert score == Decimal(expected)


def test_single_choice_is_right_or_nothing():
    assert score_choice(qtype="single", correct={"B"}, answer=["B"], points=Decimal(1)) == 1
    assert score_choice(qtype="single", correct={"B"}, answer=["A"], points=Decimal(1)) == 0


def test_case_question_shares_points_between_parts():
    subs = [
        {"qtype": "single", "options": [{"key": "A", "correct": True}, {"key": "B"}]},
        {"qtype": "judge", "options": [{"key": "A"}, {"key": "B", "correct": True}]},
    ]
    score = score_item(
        qtype="case",
        options=[],
        sub_questions=subs,
        answer={"0": ["A"], "1": ["A"]},
        points=Decimal(4),
        policy="all",
    )
    assert score == Decimal("2.00")
