"""The demo county's warning education, rotation campaign and campaign-month activity come
from seed_demo, through the services; a second run changes nothing."""

from __future__ import annotations

import pytest

from campaigns.models import (
    CampaignMember,
    MonthActivity,
    RotationCampaign,
    SessionAttendance,
    WarningAssignee,
    WarningMeeting,
)
from demo import campaigns as campaigns_demo


def _counts():
    return [
        m.objects.count()
        for m in (
            WarningAssignee,
            WarningMeeting,
            RotationCampaign,
            CampaignMember,
            SessionAttendance,
            MonthActivity,
        )
    ]


@pytest.fixture
def seeded(demo_county, db):
    return demo_county


def test_the_demo_has_every_part_and_a_second_run_changes_nothing(seeded):
    assert WarningAssignee.objects.filter(read_at__isnull=False).count() == 1
    campaign = RotationCampaign.objects.get()
    assert campaign.members.count() >= 12
    assert SessionAttendance.objects.count() == 12
    assert WarningMeeting.objects.count() == MonthActivity.objects.count() == 1
    before = _counts()
    campaigns_demo.seed()
    assert _counts() == before
