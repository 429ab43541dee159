"""List pages of warning education and rotation training cost a fixed number of queries,
whatever the number of rows (no query per row)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.services.rotation import (
    campaign_session_create,
    rotation_campaign_create,
    session_attendance_record,
)
from campaigns.services.warning import warning_assignment_create
from roster.choices import PersonnelCategory
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(world, content, n: int) -> None:
    today = timezone.localdate()
    for _ in range(n):
        EmploymentFactory(enterprise=world.ent_a)
        warning_assignment_create(
            actor=world.regulator_county,
            case=content["case"],
            enterprises=[world.ent_a, world.ent_b],
            due_on=today + dt.timedelta(days=5),
        )


@pytest.mark.parametrize(
    "url",
    [
        "/campaigns/warning/",
        "/reports/warning/",
        "/campaigns/rotation/{pk}/",
        "/reports/campaigns/{pk}/",
    ],
)
def test_list_pages_do_not_query_per_row(world, content, client, url):
    today = timezone.localdate()
    campaign = rotation_campaign_create(
        actor=world.regulator_county,
        title="轮训",
        region=world.county,
        industries=[],
        categories=[PersonnelCategory.GENERAL],
        target_rate=Decimal(1),
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    # PostgreSQL keeps its sequences between tests: the campaign's id is whatever it got.
    url = url.format(pk=campaign.pk)
    session = campaign_session_create(
        actor=world.regulator_county,
        campaign=campaign,
        kind="classroom",
        title="第一期",
        held_on=today,
        place="会议室",
        capacity=100,
    )
    client.force_login(world.regulator_county)
    grow(world, content, 2)
    queries(client, url)  # the first request of a session also loads and caches the account
    small = queries(client, url)
    grow(world, content, 8)
    from campaigns.services.rotation import campaign_members_sync

    campaign_members_sync(actor=world.regulator_county, campaign=campaign)
    session_attendance_record(
        actor=world.regulator_county,
        session=session,
        people=[m.person for m in campaign.members.all()],
    )
    assert queries(client, url) == small
