"""The internal exam pages: the enterprise admin's journey, bad input kept and answered
beside the field, and strangers refused with nothing changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from question_banks.models import Candidate, ExamSession, PaperRule
from question_banks.services.internal_exams import internal_exam_create
from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory
from tests.question_banks.test_internal_exams import exam_data, own_bank

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bank(world):
    return own_bank(world.ent_a)


@pytest.fixture
def draft(world, bank):
    return internal_exam_create(
        actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(bank)
    )


@pytest.fixture
def admin_b(world):
    user = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=user, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    return user


def form(bank, **changes):
    now = timezone.localtime()
    data = {
        "name": "全员安全考试",
        "purpose": "all_staff",
        "bank": bank.pk,
        "rule": "",
        "count_single": 4,
        "points_single": 10,
        "count_multiple": 0,
        "points_multiple": 5,
        "count_judge": 6,
        "points_judge": 10,
        "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": (now + dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 30,
        "pass_mark": 60,
        "attempts_allowed": 2,
    }
    data.update(changes)
    return data


def test_the_admin_lists_creates_adds_everyone_and_publishes(world, bank):
    client = client_for(world.enterprise_admin)
    assert client.get(reverse("question_banks:internal")).status_code == 200

    response = client.post(reverse("question_banks:internal_create"), form(bank))
    session = ExamSession.objects.get()
    assert response.url == reverse("question_banks:internal_detail", args=[session.code])
    assert client.get(response.url).status_code == 200

    client.post(
        reverse("question_banks:internal_candidates", args=[session.code]), {"who": "everyone"}
    )
    client.post(reverse("question_banks:internal_publish", args=[session.code]))

    session.refresh_from_db()
    assert session.is_published
    assert list(session.candidates.values_list("person", flat=True)) == [world.person_a.pk]
    page = client.get(reverse("question_banks:internal")).content.decode()
    assert (
        session.name in page
        and reverse("question_banks:manage_results", args=[session.code]) in page
    )


def test_too_many_questions_are_answered_beside_the_field_keeping_what_was_typed(world, bank):
    client = client_for(world.enterprise_admin)
    response = client.post(reverse("question_banks:internal_create"), form(bank, count_single=99))

    assert response.status_code == 200
    field = response.context["form"]["count_single"]
    assert field.errors and field.value() == "99"
    assert response.context["form"]["name"].value() == "全员安全考试"
    assert not ExamSession.objects.exists() and not PaperRule.objects.exists()


def test_a_window_closing_before_it_opens_is_refused(world, bank):
    client = client_for(world.enterprise_admin)
    now = timezone.localtime()
    response = client.post(
        reverse("question_banks:internal_create"),
        form(bank, closes_at=(now - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.context["form"]["closes_at"].errors
    assert not ExamSession.objects.exists()


def test_picking_nobody_is_answered_beside_the_field(world, draft):
    client = client_for(world.enterprise_admin)
    response = client.post(
        reverse("question_banks:internal_candidates", args=[draft.code]), {"who": "picked"}
    )
    assert response.status_code == 400
    assert response.context["form"]["people"].errors
    assert not Candidate.objects.exists()


def test_another_enterprises_admin_gets_nothing_and_changes_nothing(world, draft, admin_b):
    client = client_for(admin_b)
    assert (
        client.get(reverse("question_banks:internal_detail", args=[draft.code])).status_code == 404
    )
    response = client.post(
        reverse("question_banks:internal_candidates", args=[draft.code]), {"who": "everyone"}
    )
    assert response.status_code == 404
    assert (
        client.post(reverse("question_banks:internal_publish", args=[draft.code])).status_code
        == 404
    )
    draft.refresh_from_db()
    assert not draft.is_published and not draft.candidates.exists()
    assert draft.name not in client.get(reverse("question_banks:internal")).content.decode()


def test_another_enterprises_bank_cannot_be_posted(world, admin_b):
    theirs = own_bank(world.ent_b, code="NB-B")
    client = client_for(world.enterprise_admin)
    response = client.post(reverse("question_banks:internal_create"), form(theirs))
    assert response.context["form"]["bank"].errors
    assert not ExamSession.objects.exists()


def test_posting_for_another_enterprise_is_refused(world, bank):
    client = client_for(world.enterprise_admin)
    data = form(bank, enterprise=world.ent_b.uscc)
    assert client.post(reverse("question_banks:internal_create"), data).status_code == 403
    assert not ExamSession.objects.exists()


@pytest.mark.parametrize("who", ["trainee", "trainer", "regulator_county", "no_role"])
def test_people_who_run_no_enterprise_are_refused(world, who):
    client = client_for(getattr(world, who))
    assert client.get(reverse("question_banks:internal")).status_code == 403
    assert client.get(reverse("question_banks:internal_create")).status_code == 403


def test_the_violation_page_offers_to_create_the_return_exam(world, bank):
    client = client_for(world.enterprise_admin)
    page = client.get(reverse("courses:violation_create")).content.decode()
    assert "purpose=violation_return" in page


def test_the_list_page_costs_the_same_for_many_exams(world, bank, django_assert_max_num_queries):
    client = client_for(world.enterprise_admin)
    client.get(reverse("question_banks:internal"))  # warm the session and the translations
    for _ in range(6):
        internal_exam_create(
            actor=world.enterprise_admin, enterprise=world.ent_a, data=exam_data(bank)
        )
    with django_assert_max_num_queries(12):
        response = client.get(reverse("question_banks:internal"))
    assert response.content.decode().count("全员安全考试") >= 6


def test_the_results_of_an_internal_exam_with_nobody_on_it_yet_open_for_its_enterprise(
    world, draft, admin_b
):
    """A standing 三违 return exam waits empty: its own admins still reach its results page;
    another enterprise's admin does not."""
    assert not draft.candidates.exists()
    url = reverse("question_banks:manage_results", args=[draft.code])

    assert client_for(world.enterprise_admin).get(url).status_code == 200
    assert client_for(admin_b).get(url).status_code == 404
