"""The pages and API of warning education, rotation training and campaign months, and their
figures under /reports/: each role reaches its own, and objects of another scope by id are
404 or 403 with nothing written."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from campaigns.models import (
    RotationCampaign,
    SessionAttendance,
    WarningAssignment,
    WarningMeeting,
)
from campaigns.services.rotation import (
    campaign_session_create,
    member_exam_record,
    rotation_campaign_create,
    session_attendance_record,
)
from campaigns.services.warning import warning_assignment_create
from roster.choices import PersonnelCategory, Role
from roster.models import RoleGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world, content, client):
    today = timezone.localdate()
    assignment = warning_assignment_create(
        actor=world.regulator_county,
        case=content["case"],
        enterprises=[world.ent_a, world.ent_b],
        due_on=today + dt.timedelta(days=10),
    )
    campaign = rotation_campaign_create(
        actor=world.regulator_county,
        title="2027年集中轮训",
        region=world.county,
        industries=[],
        categories=[PersonnelCategory.GENERAL],
        target_rate=Decimal(1),
        starts_on=today,
        ends_on=today + dt.timedelta(days=200),
    )
    session = campaign_session_create(
        actor=world.regulator_county,
        campaign=campaign,
        kind="classroom",
        title="第一期",
        held_on=today,
        place="会议室",
        capacity=30,
    )
    other = UserFactory(username="regulator_other")
    RoleGrant.objects.create(user=other, role=Role.REGULATOR, region=world.other_county)
    admin_b = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    trainee_b = UserFactory(username=world.person_b.id_number, person=world.person_b)
    return {
        "assignment": assignment,
        "reading_a": assignment.assignees.get(person=world.person_a),
        "campaign": campaign,
        "session": session,
        "regulator_other": other,
        "admin_b": admin_b,
        "trainee_b": trainee_b,
    }


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_an_assignment_is_seen_in_scope_and_not_by_id_outside_it(world, scene, client):
    url = f"/campaigns/warning/{scene['assignment'].pk}/"
    assert get(client, world.regulator_county, url).status_code == 200
    page = get(client, scene["admin_b"], url)
    assert page.status_code == 200
    # admin_b sees only its own enterprise's readers.
    assert world.person_a.name not in page.content.decode()
    for user in (scene["regulator_other"], world.regulator_township_chem):
        assert get(client, user, url).status_code == 404
    assert get(client, world.trainee, url).status_code == 403


def test_a_trainee_reads_only_their_own_case(world, scene, client):
    url = f"/campaigns/warning/read/{scene['reading_a'].pk}/"
    page = get(client, world.trainee, url)
    assert page.status_code == 200 and 'data-api="/api/warning"' in page.content.decode()
    assert get(client, scene["trainee_b"], url).status_code == 404
    assert (
        "某污水井中毒事故"
        in get(client, world.trainee, "/campaigns/warning/mine/").content.decode()
    )


def test_the_reading_api_ticks_ones_own_reading_only(world, scene, client):
    client.force_login(world.trainee)
    body = {"lesson": scene["reading_a"].pk, "client": "tab-aaaa1111", "seq": 1, "opening": True}
    answer = client.post("/api/warning/reading", body, content_type="application/json")
    assert answer.status_code == 200 and answer.json()["result"] == "started"
    assert answer.json()["lesson_credit_seconds"] == 600
    client.force_login(scene["trainee_b"])
    refused = client.post("/api/warning/reading", body, content_type="application/json")
    assert refused.status_code == 422


def test_a_regulator_assigns_on_the_web_and_bad_input_keeps_the_form(world, scene, client, content):
    client.force_login(world.regulator_county)
    past = client.post(
        "/campaigns/warning/new/",
        {
            "case": content["case"].pk,
            "enterprises": [world.ent_a.pk],
            "due_on": "2000-01-01",
        },
    )
    assert past.status_code == 200
    assert WarningAssignment.objects.count() == 1
    outside = client.post(
        "/campaigns/warning/new/",
        {
            "case": content["case"].pk,
            "enterprises": [world.ent_other.pk],
            "due_on": (timezone.localdate() + dt.timedelta(5)).isoformat(),
        },
    )
    assert outside.status_code == 200 and outside.context["form"].errors
    assert WarningAssignment.objects.count() == 1


def test_meetings_are_recorded_by_the_enterprise_admin_on_the_web(world, scene, client, content):
    client.force_login(world.enterprise_admin)
    answer = client.post(
        "/campaigns/warning/meetings/new/",
        {
            "enterprise": world.ent_a.uscc,
            "held_on": timezone.localdate().isoformat(),
            "topic": "警示教育会",
            "cases": [content["case"].pk],
            "attendees": [world.person_a.pk],
        },
    )
    assert answer.status_code == 302 and WarningMeeting.objects.count() == 1
    # Another enterprise's person is not offered, and a forged id is refused.
    forged = client.post(
        "/campaigns/warning/meetings/new/",
        {
            "enterprise": world.ent_a.uscc,
            "held_on": timezone.localdate().isoformat(),
            "topic": "警示教育会",
            "attendees": [world.person_b.pk],
        },
    )
    assert forged.status_code == 200 and WarningMeeting.objects.count() == 1
    client.force_login(world.regulator_county)
    assert client.get("/campaigns/warning/meetings/new/").status_code == 403


def test_a_campaign_by_id_outside_ones_scope_is_404(world, scene, client):
    campaign, session = scene["campaign"], scene["session"]
    for url in (
        f"/campaigns/rotation/{campaign.pk}/",
        f"/campaigns/rotation/sessions/{session.pk}/",
    ):
        assert get(client, world.regulator_county, url).status_code == 200
        assert get(client, scene["regulator_other"], url).status_code == 404
        assert get(client, world.trainee, url).status_code == 403


def test_attendance_on_the_web_refuses_strangers_and_non_managers(world, scene, client):
    session = scene["session"]
    url = f"/campaigns/rotation/sessions/{session.pk}/"
    client.force_login(world.regulator_county)
    refused = client.post(
        url, {"action": "attend", "attend-id_numbers": world.person_other.id_number}
    )
    assert refused.status_code == 400 and not SessionAttendance.objects.exists()
    assert "Not in this campaign" in refused.content.decode() or "不在" in refused.content.decode()
    done = client.post(url, {"action": "attend", "attend-id_numbers": world.person_a.id_number})
    assert done.status_code == 302 and SessionAttendance.objects.count() == 1
    client.force_login(world.enterprise_admin)  # sees its people's part, records nothing
    assert client.get(url).status_code == 200
    assert (
        client.post(
            url, {"action": "attend", "attend-id_numbers": world.person_a.id_number}
        ).status_code
        == 403
    )


def test_a_campaign_defined_on_the_web_with_its_period_reversed_is_refused(world, client):
    client.force_login(world.regulator_county)
    answer = client.post(
        "/campaigns/rotation/new/",
        {
            "title": "轮训",
            "region": world.county.pk,
            "categories": ["general"],
            "target_percent": "100",
            "starts_on": "2027-06-30",
            "ends_on": "2027-01-01",
            "pass_mark": "80",
        },
    )
    assert answer.status_code == 200 and answer.context["form"].errors["ends_on"]
    assert not RotationCampaign.objects.exists()


def test_the_campaign_figures_count_participation_against_the_target(world, scene, client):
    campaign, session = scene["campaign"], scene["session"]
    session_attendance_record(
        actor=world.regulator_county, session=session, people=[world.person_a]
    )
    member_exam_record(
        actor=world.regulator_county,
        campaign=campaign,
        person=world.person_a,
        score=Decimal(90),
        exam_on=timezone.localdate(),
    )
    client.force_login(world.regulator_county)
    api = client.get(f"/api/reports/campaigns/{campaign.pk}?by=enterprise").json()
    assert api["total"]["members"] == 3 and api["total"]["participated"] == 1
    assert api["total"]["campaign_participation_rate"] == pytest.approx(0.3333)
    assert api["total"]["campaign_pass_rate"] == 1.0
    page = client.get(f"/reports/campaigns/{campaign.pk}/?by=enterprise")
    assert page.status_code == 200 and "33.3%" in page.content.decode()
    sheet = client.get(f"/reports/campaigns/{campaign.pk}/?by=region&format=xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert any(row[0] == "code" for row in rows)
    people = client.get(f"/reports/campaigns/{campaign.pk}/{world.ent_a.uscc}/")
    assert world.person_a.name in people.content.decode()
    # The enterprise admin sees its own people only; another county's regulator nothing.
    client.force_login(world.enterprise_admin)
    mine = client.get(f"/api/reports/campaigns/{campaign.pk}").json()
    assert mine["total"]["members"] == 1
    assert client.get(f"/reports/campaigns/{campaign.pk}/{world.ent_b.uscc}/").status_code == 404
    client.force_login(scene["regulator_other"])
    assert client.get(f"/api/reports/campaigns/{campaign.pk}").status_code == 404
    assert client.get(f"/reports/campaigns/{campaign.pk}/").status_code == 404


def test_the_warning_figures_drill_down_and_stay_in_scope(world, scene, client):
    client.force_login(world.regulator_county)
    top = client.get("/api/reports/warning").json()
    assert top["total"]["cases_assigned"] == 2
    townships = {row["name"]: row["figures"] for row in top["rows"]}
    assert townships["城关镇"]["cases_assigned"] == 1
    township = client.get(f"/reports/warning/?region={world.township_a.code}")
    assert world.ent_a.name in township.content.decode()
    people = client.get(f"/reports/warning/{world.ent_a.uscc}/")
    assert world.person_a.name in people.content.decode()
    assert client.get(f"/reports/warning/{world.ent_other.uscc}/").status_code == 404
    assert client.get(f"/reports/warning/?region={world.other_county.code}").status_code == 400
    assert client.get("/reports/warning/?format=xlsx").status_code == 200
    client.force_login(world.trainee)
    assert client.get("/reports/warning/").status_code == 403
    assert client.get("/api/reports/warning").status_code == 403


def test_the_campaign_month_roll_up(world, client):
    from campaigns.services.months import month_activity_record

    month_activity_record(
        actor=world.enterprise_admin,
        enterprise=world.ent_a,
        month="fire",
        title="消防疏散演练",
        held_on=timezone.localdate(),
        participants=[world.person_a],
    )
    client.force_login(world.regulator_county)
    api = client.get("/api/reports/campaign-months").json()
    assert api["total"]["fire_activities"] == 1 and api["total"]["participants"] == 1
    assert client.get("/reports/campaign-months/").status_code == 200
    assert "消防疏散演练" in client.get("/campaigns/months/").content.decode()
    client.force_login(UserFactory(username="x"))
    assert client.get("/campaigns/months/").status_code == 403


def test_the_training_file_shows_the_persons_campaigns(world, scene, client):
    client.force_login(world.trainee)
    page = client.get("/courses/file/").content.decode()
    assert "2027年集中轮训" in page and "某污水井中毒事故" in page
    client.force_login(world.enterprise_admin)
    sheet = client.get(f"/courses/file/{world.person_a.pk}.xlsx")
    book = load_workbook(io.BytesIO(sheet.content))
    text = " ".join(str(v) for ws in book.worksheets for row in ws.values for v in row)
    assert "2027年集中轮训" in text
