"""The fixed paper's question picker on the rule page: the bank's list-page filters find
questions, at most 50 are shown, `?add=` puts one into the next empty row, and the rows'
<select>s hold only the chosen and the found questions while saving still checks the bank."""

import pytest

from question_banks.models import PaperRule
from tests.question_banks.conftest import add_question
from tests.question_banks.test_workbench_views import rule_post, section_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainer(client, world):
    client.force_login(world.trainer)
    return client


def found(page) -> list[int]:
    return [question.pk for question, _chosen, _link in page.context["picker"]["found"]]


def test_a_60_question_bank_shows_50_and_asks_to_narrow(trainer, bank):
    assert bank.questions.count() == 60
    page = trainer.get(f"/exams/manage/rules/new/?bank={bank.pk}")
    assert len(found(page)) == 50
    assert "只显示前 50 道，请缩小范围" in page.content.decode()
    # the rows' <select>s no longer list the whole bank
    choices = list(page.context["fixed"].forms[0].fields["question"].queryset)
    assert len(choices) == 50


def test_the_search_narrows_by_text_type_and_difficulty(trainer, bank):
    special = add_question(bank, "single", 3, stem="接地电阻的测量方法")
    url = f"/exams/manage/rules/new/?bank={bank.pk}"
    assert found(trainer.get(url + "&q=接地电阻")) == [special.pk]
    page = trainer.get(url + "&type=multiple&difficulty=1")
    assert len(found(page)) == 4
    assert "只显示前 50 道" not in page.content.decode()
    assert {q.qtype for q, _c, _l in page.context["picker"]["found"]} == {"multiple"}


def test_the_search_finds_only_questions_in_use(trainer, bank):
    retired = add_question(bank, "judge", stem="已停用的题目")
    retired.is_active = False
    retired.save(update_fields=["is_active"])
    page = trainer.get(f"/exams/manage/rules/new/?bank={bank.pk}&q=已停用")
    assert found(page) == []


def test_adding_two_fills_the_next_empty_rows_and_saving_works(trainer, bank):
    # the newest come first, as on the bank's list page
    first, second = bank.questions.order_by("-pk").values_list("pk", flat=True)[:2]
    url = f"/exams/manage/rules/new/?bank={bank.pk}&q=题干&add={first}"
    page = trainer.get(url)
    link = dict((q.pk, link) for q, _c, link in page.context["picker"]["found"])[second]
    assert f"add={first}" in link and f"add={second}" in link
    page = trainer.get(f"/exams/manage/rules/new/{link}")
    forms = page.context["fixed"].forms
    assert [f["question"].value() for f in forms[:2]] == [first, second]
    assert forms[2]["question"].value() is None  # one spare row
    chosen = {q.pk: c for q, c, _l in page.context["picker"]["found"]}
    assert chosen[first] and chosen[second]
    data = (
        rule_post(name="固定卷", kind="fixed")
        | section_data("sections", [])
        | section_data(
            "fixed",
            [
                {"question": first, "points": "60"},
                {"question": second, "points": "40"},
                {"question": "", "points": ""},
            ],
        )
    )
    response = trainer.post(f"/exams/manage/rules/new/{link}", data)
    assert response.status_code == 302
    rule = PaperRule.objects.get(name="固定卷")
    assert list(rule.fixed_items.order_by("position").values_list("question", flat=True)) == [
        first,
        second,
    ]


def test_adding_to_a_saved_rule_keeps_its_items_and_skips_a_repeat(trainer, bank):
    first, second = bank.questions.order_by("pk").values_list("pk", flat=True)[:2]
    rule = PaperRule.objects.create(code="DG-F", name="固定卷", bank=bank, kind="fixed")
    rule.fixed_items.create(question_id=first, points=10, position=1)
    page = trainer.get(f"/exams/manage/rules/{rule.pk}/?add={first}&add={second}&add={second}")
    values = [f["question"].value() for f in page.context["fixed"].forms]
    assert values == [first, second, None]


def test_a_question_outside_the_search_is_still_validated_against_the_bank(trainer, bank):
    # the rows render only what was found, but saving checks the bank's whole active set
    outside = bank.questions.order_by("pk").first()
    data = (
        rule_post(name="固定卷", kind="fixed")
        | section_data("sections", [])
        | section_data("fixed", [{"question": outside.pk, "points": "10"}])
    )
    response = trainer.post(f"/exams/manage/rules/new/?bank={bank.pk}&q=没有这样的题", data)
    assert response.status_code == 302
    assert PaperRule.objects.get(name="固定卷").fixed_items.get().question_id == outside.pk


def test_another_trainers_bank_is_refused(client, world, bank):
    client.force_login(world.enterprise_admin)
    question = bank.questions.first()
    assert (
        client.get(f"/exams/manage/rules/new/?bank={bank.pk}&add={question.pk}").status_code == 404
    )
    data = (
        rule_post(name="偷卷", kind="fixed")
        | section_data("sections", [])
        | section_data("fixed", [{"question": question.pk, "points": "10"}])
    )
    assert client.post(f"/exams/manage/rules/new/?bank={bank.pk}", data).status_code == 404
    assert not PaperRule.objects.filter(name="偷卷").exists()


def test_a_rule_in_use_shows_no_picker(trainer, rule, session):
    page = trainer.get(f"/exams/manage/rules/{rule.pk}/?add={rule.bank.questions.first().pk}")
    assert 'id="rule-picker"' not in page.content.decode()
    assert all(not f["question"].value() for f in page.context["fixed"].forms)
