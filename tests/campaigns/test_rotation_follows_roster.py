"""A rotation campaign's members follow the rosters as notices' and warning assignments'
readers do (roster.events.jobs_changed after the commit, and the nightly run): people who
join its region, industries and categories are added, leavers are marked with the history
kept. The "按花名册更新人员" button stays as a manual resync."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from campaigns.models import CampaignMember
from campaigns.services.rotation import rotation_campaign_create
from campaigns.tasks import rotation_members_sync_task
from roster.choices import PersonnelCategory
from roster.services.employments import PersonData, employment_end
from roster.services.people import person_create_or_update
from tests.factories import EmploymentFactory, make_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(world):
    today = timezone.localdate()
    return rotation_campaign_create(
        actor=world.regulator_county,
        title="全员安全轮训",
        region=world.county,
        industries=[],
        categories=[PersonnelCategory.GENERAL],
        target_rate=Decimal(1),
        starts_on=today,
        ends_on=today + dt.timedelta(days=60),
    )


def _hire(world, capture, *, category=PersonnelCategory.GENERAL, seq=921):
    data = PersonData(
        id_number=make_id_number(seq=seq),
        name="新进员工",
        enterprise=world.ent_a,
        category=category,
    )
    with capture(execute=True):
        return person_create_or_update(data=data, actor=world.enterprise_admin).person


def test_a_hire_joins_the_open_campaign_without_the_button(
    world, campaign, django_capture_on_commit_callbacks
):
    person = _hire(world, django_capture_on_commit_callbacks)
    member = campaign.members.get(person=person)
    assert member.left_on is None and member.enterprise_id == world.ent_a.pk
    assert member.added_on == timezone.localdate()


def test_a_hire_outside_its_categories_does_not_join(
    world, campaign, django_capture_on_commit_callbacks
):
    person = _hire(world, django_capture_on_commit_callbacks, category=PersonnelCategory.PRINCIPAL)
    assert not campaign.members.filter(person=person).exists()


def test_a_leaver_is_marked_left_and_keeps_the_history(
    world, campaign, django_capture_on_commit_callbacks
):
    member = campaign.members.get(person=world.person_a)
    CampaignMember.objects.filter(pk=member.pk).update(exam_score=Decimal("91.0"))
    job = world.person_a.employments.current().get()
    with django_capture_on_commit_callbacks(execute=True):
        employment_end(employment=job, on=timezone.localdate(), actor=world.enterprise_admin)
    member.refresh_from_db()
    assert member.left_on == timezone.localdate()
    assert member.exam_score == Decimal("91.0")  # what they did stays


def test_a_category_change_out_of_scope_marks_them_left_and_back_in_counts_again(
    world, campaign, django_capture_on_commit_callbacks
):
    person = _hire(world, django_capture_on_commit_callbacks)
    for category, left in (
        (PersonnelCategory.PRINCIPAL, True),
        (PersonnelCategory.GENERAL, False),
    ):
        data = PersonData(
            id_number=person.id_number, name=person.name, enterprise=world.ent_a, category=category
        )
        with django_capture_on_commit_callbacks(execute=True):
            person_create_or_update(data=data, actor=world.enterprise_admin)
        member = campaign.members.get(person=person)
        assert (member.left_on is not None) is left
    assert campaign.members.filter(person=person).count() == 1


def test_a_campaign_that_is_over_takes_no_newcomers(
    world, campaign, django_capture_on_commit_callbacks
):
    type(campaign).objects.filter(pk=campaign.pk).update(
        starts_on=timezone.localdate() - dt.timedelta(days=30),
        ends_on=timezone.localdate() - dt.timedelta(days=1),
    )
    person = _hire(world, django_capture_on_commit_callbacks)
    assert not campaign.members.filter(person=person).exists()


def test_the_nightly_run_catches_what_no_signal_announced_and_repeats_safely(world, campaign):
    # A job written straight to the table (no roster service, no signal).
    newcomer = EmploymentFactory(enterprise=world.ent_b).person
    assert not campaign.members.filter(person=newcomer).exists()
    assert tuple(rotation_members_sync_task.apply().get()) == (1, 0)
    assert campaign.members.filter(person=newcomer, left_on=None).exists()
    assert tuple(rotation_members_sync_task.apply().get()) == (0, 0)


def test_the_button_still_resyncs_by_hand(world, campaign):
    newcomer = EmploymentFactory(enterprise=world.ent_b).person
    client = Client()
    client.force_login(world.regulator_county)
    response = client.post(f"/campaigns/rotation/{campaign.pk}/sync/", follow=True)
    assert response.status_code == 200
    assert "新增 1 人" in response.content.decode()
    assert campaign.members.filter(person=newcomer, left_on=None).exists()


def test_on_the_web_a_hire_appears_among_the_members(
    world, campaign, django_capture_on_commit_callbacks
):
    person = _hire(world, django_capture_on_commit_callbacks)
    client = Client()
    client.force_login(world.regulator_county)
    page = client.get(f"/campaigns/rotation/{campaign.pk}/").content.decode()
    assert person.name in page
