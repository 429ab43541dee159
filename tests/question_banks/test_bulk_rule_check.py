"""Bulk disabling or moving questions re-checks the paper rules of published sessions that
have not closed: a change that leaves a section short is refused, naming the rule, the
section and how many it lacks, and nothing changes (ARCHITECTURE rule 4)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from question_banks.models import Category, QuestionBank
from question_banks.services.questions import questions_move, questions_set_active

pytestmark = pytest.mark.django_db


def _easy_judges(bank):
    return list(
        bank.questions.filter(qtype="judge", difficulty=1)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def test_disabling_what_a_published_sessions_rule_needs_is_refused(world, bank, session):
    # The rule draws 5 easy 判断 and the bank has 8: taking out 4 leaves it 1 short.
    ids = _easy_judges(bank)[:4]
    with pytest.raises(ValidationError) as refused:
        questions_set_active(actor=world.trainer, question_ids=ids, active=False)
    text = " ".join(refused.value.messages)
    assert "低压电工理论" in text and "1" in text and "未做任何更改" in text
    assert bank.questions.filter(pk__in=ids, is_active=True).count() == 4


def test_disabling_within_what_the_rule_leaves_is_allowed(world, bank, session):
    ids = _easy_judges(bank)[:3]
    assert questions_set_active(actor=world.trainer, question_ids=ids, active=False) == 3


def test_a_closed_session_no_longer_holds_its_rule(world, bank, session, now):
    session.closes_at = now - dt.timedelta(minutes=1)
    session.opens_at = now - dt.timedelta(hours=2)
    session.save(update_fields=["closes_at", "opens_at"])
    ids = _easy_judges(bank)[:4]
    assert questions_set_active(actor=world.trainer, question_ids=ids, active=False) == 4


def test_moving_questions_out_of_the_bank_is_refused_when_a_rule_needs_them(world, bank, session):
    other = QuestionBank.objects.create(
        code="DG2", name="另一题库", training_body=world.trainer_body
    )
    ids = _easy_judges(bank)[:4]
    with pytest.raises(ValidationError):
        questions_move(actor=world.trainer, question_ids=ids, bank=other, category=None)
    assert bank.questions.filter(pk__in=ids).count() == 4
    assert not other.questions.exists()


def test_the_bank_page_says_which_rule_lacks_questions(client, world, bank, session):
    client.force_login(world.trainer)
    ids = _easy_judges(bank)[:4]
    response = client.post(
        f"/exams/banks/{bank.code}/bulk/",
        {"questions": ids, "action": "disable"},
        follow=True,
    )
    html = response.content.decode()
    assert "已发布考试场次的组卷规则“低压电工理论”" in html
    assert bank.questions.filter(pk__in=ids, is_active=True).count() == 4


def test_moving_to_another_category_of_the_same_bank_is_fine(world, bank, session):
    category = Category.objects.create(bank=bank, name="法律法规")
    ids = _easy_judges(bank)[:4]
    assert questions_move(actor=world.trainer, question_ids=ids, bank=bank, category=category) == 4
