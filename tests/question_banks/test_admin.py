"""Trainers write paper rules in the Wagtail admin; a rule the bank cannot satisfy is refused."""

import pytest

from question_banks.models import PaperRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, world):
    client.force_login(world.system_admin)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/question_banks/questionbank/",
        "/admin/snippets/question_banks/category/",
        "/admin/snippets/question_banks/question/",
        "/admin/snippets/question_banks/paperrule/",
        "/admin/snippets/question_banks/paperrule/add/",
        "/admin/snippets/question_banks/examsession/add/",
    ],
)
def test_admin_screens_open(admin, bank, url):
    assert admin.get(url).status_code == 200


def rule_post(bank, medium_count):
    return {
        "code": "NEW",
        "name": "新规则",
        "bank": bank.pk,
        "kind": "random",
        "duration_minutes": 120,
        "pass_mark": "80",
        "partial_credit": "all",
        "avoid_previous": "on",
        "sections-TOTAL_FORMS": "1",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "sections-0-position": "0",
        "sections-0-title": "单选题",
        "sections-0-qtype": "single",
        "sections-0-points_each": "1",
        "sections-0-easy_count": "0",
        "sections-0-medium_count": str(medium_count),
        "sections-0-hard_count": "0",
        "sections-0-ORDER": "1",
        "sections-0-DELETE": "",
    }


def test_rule_the_bank_can_satisfy_is_saved(admin, bank):
    response = admin.post("/admin/snippets/question_banks/paperrule/add/", rule_post(bank, 8))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PaperRule.objects.get(code="NEW").sections.get().medium_count == 8


def test_rule_asking_too_much_is_refused_with_the_shortage(admin, bank):
    response = admin.post("/admin/snippets/question_banks/paperrule/add/", rule_post(bank, 11))
    assert response.status_code == 200
    assert not PaperRule.objects.filter(code="NEW").exists()
    assert "3" in response.content.decode()  # 8 medium 单选 in the bank: 3 short


@pytest.mark.parametrize("role", ["trainee", "enterprise_admin", "regulator_county"])
def test_other_roles_cannot_open_the_exam_admin(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get("/admin/snippets/question_banks/paperrule/").status_code in (302, 403)


def test_trainer_granted_in_the_admin_can_write_paper_rules(admin, client, world, bank):
    admin.post(
        "/admin/snippets/roster/rolegrant/add/",
        {
            "username": "nobody",
            "role": "trainer",
            "region": world.county.pk,
            "training_body": world.trainer_body.pk,
        },
    )
    from django.test import Client

    trainer = Client()
    trainer.force_login(world.no_role)
    assert trainer.get("/admin/snippets/question_banks/paperrule/add/").status_code == 200
