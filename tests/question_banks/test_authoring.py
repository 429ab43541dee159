"""The question workbench (/exams/banks/): banks by whom they serve, questions of every type
written and edited on the web, previews, versions, the list's filters and bulk actions, and
ownership on every URL and POST."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from question_banks.models import Attempt, AttemptItem, Category, Question, QuestionBank
from question_banks.services.banks import bank_save
from question_banks.services.practice import banks_for_person
from question_banks.services.questions import questions_move, questions_set_active
from roster.models import Department, TrainingBody
from tests.factories import UserFactory
from tests.question_banks.conftest import add_question

pytestmark = pytest.mark.django_db


def png(size=(8, 8), name="pic.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other(world):
    """The neighbouring county's training body, its trainer and bank."""
    from roster.choices import Role
    from roster.models import RoleGrant

    body = TrainingBody.objects.create(name="白石县培训中心", region=world.other_county)
    trainer = UserFactory(username="trainer_other")
    RoleGrant.objects.create(
        user=trainer, role=Role.TRAINER, region=world.other_county, training_body=body
    )
    bank = QuestionBank.objects.create(code="BS", name="白石县题库", training_body=body)
    add_question(bank, "single", correct=("B",))
    Category.objects.create(bank=bank, name="基础")
    return type("Other", (), {"body": body, "trainer": trainer, "bank": bank})


@pytest.fixture
def small_bank(world):
    bank = QuestionBank.objects.create(code="XB", name="小题库", training_body=world.trainer_body)
    for _ in range(3):
        add_question(bank, "single", correct=("B",))
    return bank


@pytest.fixture
def internal_bank(world):
    return QuestionBank.objects.create(code="NB", name="机械厂内部题库", enterprise=world.ent_a)


def single_post(**overrides) -> dict:
    data = {
        "qtype": "single",
        "stem": "电气设备着火时应首先？",
        "opt_A": "用水扑救",
        "opt_B": "切断电源",
        "opt_C": "打开窗户",
        "opt_B_correct": "on",
        "explanation": "先断电，防止触电。",
        "difficulty": "2",
        "shuffle_options": "on",
        "personnel_categories": ["special_operator"],
        "posts": "电工、焊工",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------- banks


def test_trainer_creates_a_bank_that_serves_posts_and_categories(world):
    client = client_for(world.trainer)
    response = client.post(
        reverse("exams:bank_create"),
        {
            "code": "DQ",
            "name": "电气安全题库",
            "description": "",
            "personnel_categories": ["special_operator", "team_leader"],
            "posts_text": "电工、 焊工,电工",
        },
    )
    assert response.status_code == 302
    bank = QuestionBank.objects.get(code="DQ")
    assert bank.training_body == world.trainer_body and bank.owner == world.trainer
    assert bank.personnel_categories == ["special_operator", "team_leader"]
    assert bank.posts == ["电工", "焊工"]


def test_bank_form_says_a_taken_code_beside_the_field_and_keeps_the_input(world, small_bank):
    response = client_for(world.trainer).post(
        reverse("exams:bank_create"), {"code": "XB", "name": "重名题库"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert "重名题库" in response.content.decode()
    assert QuestionBank.objects.count() == 1


def test_enterprise_bank_serves_its_own_departments_only(world, internal_bank):
    mine = Department.objects.create(enterprise=world.ent_a, name="维修车间")
    theirs = Department.objects.create(enterprise=world.ent_b, name="织造车间")
    bank_save(actor=world.enterprise_admin, bank=internal_bank, departments=[mine])
    assert list(internal_bank.departments.all()) == [mine]
    with pytest.raises(ValidationError):
        bank_save(actor=world.enterprise_admin, bank=internal_bank, departments=[theirs])
    assert list(internal_bank.departments.all()) == [mine]
    response = client_for(world.enterprise_admin).post(
        reverse("exams:bank_edit", args=["NB"]),
        {"name": "机械厂内部题库", "departments": [theirs.pk]},
    )
    assert response.status_code == 200 and response.context["form"].errors["departments"]


def test_practice_offers_the_banks_of_the_persons_own_post_first(world):
    employment = world.person_b.employments.get()
    employment.post = "电工"
    employment.save()
    by_category = QuestionBank.objects.create(
        code="A1", name="通用", personnel_categories=[employment.category]
    )
    by_post = QuestionBank.objects.create(code="Z9", name="电工题库", posts=["电工"])
    QuestionBank.objects.create(code="M5", name="焊工题库", posts=["焊工"])
    assert list(banks_for_person(world.person_b)) == [by_post, by_category]


def test_old_tags_become_categories_and_posts():
    import importlib

    from django.apps import apps

    migration = importlib.import_module("question_banks.migrations.0005_bank_audience")
    bank = QuestionBank.objects.create(code="OLD", name="旧题库")
    QuestionBank.tags = ["special_operator", "主要负责人", "低压电工"]  # what 0004 stored
    try:
        original = QuestionBank.save

        def keep(self, *args, **kwargs):
            kwargs.pop("update_fields", None)
            return original(self, *args, **kwargs)

        QuestionBank.save = keep
        migration.tags_to_audience(apps, None)
    finally:
        QuestionBank.save = original
        del QuestionBank.tags
    bank.refresh_from_db()
    assert bank.personnel_categories == ["special_operator", "principal"]
    assert bank.posts == ["低压电工"]
