"""The drill pages on the web for each role, and their scope: another enterprise's or
another region's objects by id are 404 and nothing is written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from drills import services
from drills.models import DrillAction, DrillParticipant, DrillRecord, PlannedDrill
from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory

from .conftest import jpeg

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture
def admin_b(world):
    user = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=user, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    return user


@pytest.fixture
def regulator_other(world):
    user = UserFactory(username="regulator_other")
    RoleGrant.objects.create(user=user, role=Role.REGULATOR, region=world.other_county)
    return user


def form(world, **overrides):
    data = {
        "kind": "fire",
        "form": "live",
        "held_on": timezone.localdate().isoformat(),
        "place": "办公楼",
        "duration_minutes": "30",
        "organiser": "安全科",
        "scenario": "办公楼火灾疏散",
        "hours_credited": "0",
        "participants": [str(world.person_a.pk)],
    }
    data.update(overrides)
    return data


def test_the_drills_page_shows_what_is_owed_the_plan_and_records(world, drill):
    response = client_for(world.enterprise_admin).get("/drills/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "灭火和应急疏散" in page or "fire" in page
    assert world.ent_a.name in page
    assert f"/drills/records/{drill.pk}/" in page


def test_an_admin_records_a_drill_with_a_photo_on_the_web(world):
    client = client_for(world.enterprise_admin)
    assert client.get("/drills/records/new/").status_code == 200
    response = client.post("/drills/records/new/", {**form(world), "evidence": [jpeg()]})
    record = DrillRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/drills/records/{record.pk}/"
    assert record.evidence.count() == 1
    page = client.get(f"/drills/records/{record.pk}/").content.decode()
    evidence = record.evidence.get()
    assert f"/drills/evidence/{evidence.pk}/" in page
    image = client.get(f"/drills/evidence/{evidence.pk}/")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"


def test_bad_input_keeps_what_was_typed_and_writes_nothing(world):
    client = client_for(world.enterprise_admin)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(
        "/drills/records/new/", form(world, held_on=future, participants=[], place="三号仓库")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "三号仓库" in page and 'class="error"' in page
    assert not DrillRecord.objects.exists()


def test_another_enterprises_person_by_id_is_refused(world):
    client = client_for(world.enterprise_admin)
    response = client.post(
        "/drills/records/new/", form(world, participants=[str(world.person_b.pk)])
    )
    assert response.status_code == 200
    assert world.person_b.name not in response.content.decode()
    assert not DrillRecord.objects.exists()


def test_another_enterprises_admin_gets_404_on_every_record_url(world, drill, admin_b):
    client = client_for(admin_b)
    action = services.action_add(
        actor=None, record=drill, description="整改", owner=world.person_a, due_on=drill.held_on
    )
    for url in (
        f"/drills/records/{drill.pk}/",
        f"/drills/records/{drill.pk}/edit/",
        f"/drills/records/{drill.pk}/code/",
        f"/drills/records/{drill.pk}/evaluation/",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/drills/records/{drill.pk}/evaluation/", {"problems_found": "x"}),
        (f"/drills/records/{drill.pk}/actions/", {"description": "x"}),
        (f"/drills/actions/{action.pk}/close/", {"closing_note": "x"}),
        (f"/drills/records/{drill.pk}/edit/", form(world)),
    ):
        assert client.post(url, data).status_code == 404, url
    drill.refresh_from_db()
    assert not drill.evaluated_at
    assert DrillAction.objects.get().status == "open"


def test_people_without_an_enterprise_to_keep_are_refused(world):
    for user in (world.trainee, world.regulator_county, world.trainer, world.no_role):
        assert client_for(user).get("/drills/").status_code == 403


def test_evaluation_action_and_closing_on_the_web(world, drill):
    client = client_for(world.enterprise_admin)
    response = client.post(
        f"/drills/records/{drill.pk}/evaluation/",
        {"problems_found": "疏散慢", "plan_changes": "增加引导员"},
    )
    assert response.status_code == 302
    early = (drill.held_on - dt.timedelta(days=1)).isoformat()
    response = client.post(
        f"/drills/records/{drill.pk}/actions/",
        {"description": "培训引导员", "owner": world.person_a.pk, "due_on": early},
    )
    assert response.status_code == 400 and not DrillAction.objects.exists()
    client.post(
        f"/drills/records/{drill.pk}/actions/",
        {"description": "培训引导员", "owner": world.person_a.pk, "due_on": "2026-12-31"},
    )
    action = DrillAction.objects.get()
    assert client.get("/drills/actions/").status_code == 200
    client.post(f"/drills/actions/{action.pk}/close/", {"closing_note": "已培训"})
    action.refresh_from_db()
    assert action.status == "closed"


def test_the_plan_page_adds_and_removes_a_planned_drill(world):
    client = client_for(world.enterprise_admin)
    year = timezone.localdate().year
    response = client.post(
        f"/drills/plan/{year}/",
        {
            "kind": "comprehensive",
            "form": "tabletop",
            "scenario": "危化品泄漏桌面推演",
            "planned_on": f"{year}-10-01",
            "people": [str(world.person_a.pk)],
        },
    )
    assert response.status_code == 302
    planned = PlannedDrill.objects.get()
    assert planned.scenario == "危化品泄漏桌面推演"
    new = client.get(f"/drills/records/new/?planned={planned.pk}").content.decode()
    assert "危化品泄漏桌面推演" in new
    client.post(f"/drills/planned/{planned.pk}/remove/")
    assert not PlannedDrill.objects.exists()


def test_the_check_in_code_page_and_a_trainee_checking_in(world, drill):
    page = client_for(world.enterprise_admin).get(f"/drills/records/{drill.pk}/code/")
    assert page.status_code == 200 and b"<svg" in page.content
    drill.participants.all().delete()
    token = services.checkin_token(drill)
    trainee = client_for(world.trainee)
    assert trainee.get(f"/drills/checkin/{token}/").status_code == 200
    assert trainee.get(f"/drills/checkin/{token}/").status_code == 200
    assert DrillParticipant.objects.filter(record=drill).count() == 1
    anonymous = Client().get(f"/drills/checkin/{token}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_regulator_sees_the_drill_and_its_evidence_in_scope_only(world, drill, regulator_other):
    services.evidence_add(actor=None, record=drill, files=[jpeg()])
    evidence = drill.evidence.get()
    county = client_for(world.regulator_county)
    page = county.get("/reports/drills/").content.decode()
    assert world.ent_a.name in page
    detail = county.get(f"/reports/drills/record/{drill.pk}/")
    assert detail.status_code == 200
    assert county.get(f"/drills/evidence/{evidence.pk}/").status_code == 200
    other = client_for(regulator_other)
    assert other.get(f"/reports/drills/record/{drill.pk}/").status_code == 404
    assert other.get(f"/drills/evidence/{evidence.pk}/").status_code == 404
    assert client_for(world.trainer).get(f"/drills/evidence/{evidence.pk}/").status_code == 404
    assert other.get(f"/reports/drills/?enterprise={world.ent_a.uscc}").status_code == 400
    assert world.ent_a.name not in other.get("/reports/drills/").content.decode()


def test_the_regulator_export_and_api(world, drill):
    county = client_for(world.regulator_county)
    export = county.get("/reports/drills/export.xlsx?by=enterprise")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    api = county.get("/api/reports/drills?by=enterprise").json()
    rows = {r["code"]: r["figures"] for r in api["rows"]}
    held = 1 if str(drill.held_on.year) == api["on"][:4] else 0
    assert rows[world.ent_a.uscc]["drills_held"] == held
    assert world.ent_other.uscc not in rows
    assert {d["code"] for d in api["definitions"]} >= {"drills_held", "obligations_overdue"}
    assert client_for(world.trainee).get("/api/reports/drills").status_code == 403


@pytest.mark.parametrize("name", ["r.pdf", "photo.jpg"])
def test_drill_evidence_has_no_public_url_and_only_its_viewers_open_it(
    world, regulator_other, admin_b, name
):
    """The file is out of MEDIA_ROOT (which the web server publishes) and out of Wagtail's
    documents and images; the checked view is the only way to it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = jpeg() if name.endswith(".jpg") else SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n")
    record = services.record_save(
        actor=world.enterprise_admin,
        enterprise=world.ent_a,
        data=services.RecordData(
            kind="fire",
            form="live",
            held_on=timezone.localdate(),
            place="办公楼",
            duration_minutes=30,
            organiser="安全科",
            scenario="疏散",
        ),
        participants=[world.person_a],
        evidence=[upload],
    )
    evidence = record.evidence.get()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))
    stored = Path(evidence.file.path)
    assert stored.is_file() and stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    url = f"/drills/evidence/{evidence.pk}/"
    mine = client_for(world.enterprise_admin).get(url)
    assert mine.status_code == 200
    assert b"".join(mine.streaming_content) == stored.read_bytes()
    assert "no-store" in mine["Cache-Control"]
    assert client_for(world.regulator_county).get(url).status_code == 200
    # An outsider learns nothing, not even that the evidence exists.
    for outsider in (regulator_other, world.trainer, world.trainee, admin_b):
        assert client_for(outsider).get(url).status_code in (403, 404)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # Nothing under /media/ or Wagtail's /documents/ names it.
    assert Client().get(f"/media/{evidence.file.name}").status_code == 404


def test_list_pages_read_a_bounded_number_of_queries(world, drill, django_assert_max_num_queries):
    for _ in range(5):
        services.record_save(
            actor=None,
            enterprise=world.ent_a,
            data=services.RecordData(
                kind="onsite",
                form="live",
                held_on=timezone.localdate(),
                place="车间",
                duration_minutes=20,
                organiser="安全科",
                scenario="泄漏",
            ),
            participants=[world.person_a],
        )
    admin = client_for(world.enterprise_admin)
    with django_assert_max_num_queries(30):
        assert admin.get("/drills/").status_code == 200
    with django_assert_max_num_queries(30):
        assert admin.get("/drills/actions/").status_code == 200
    county = client_for(world.regulator_county)
    with django_assert_max_num_queries(40):
        assert county.get("/reports/drills/").status_code == 200


def test_a_scan_before_signing_in_still_counts_after_the_code_changed(world, drill, settings):
    """Scanned in time, then signed in after the code moved on: recorded. The page states
    who may check in and reloads itself when the code changes."""
    page = client_for(world.enterprise_admin).get(
        f"/drills/records/{drill.pk}/code/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    body = page.content.decode()
    assert 'http-equiv="refresh"' in body and "可签到人员" in body
    drill.participants.all().delete()
    settings.DRILL_CHECKIN_STEP_SECONDS = 1
    token = services.checkin_token(drill)
    phone = Client()
    assert phone.get(f"/drills/checkin/{token}/").status_code == 302  # to sign in
    import time

    time.sleep(2.1)  # meanwhile the code moves on twice
    phone.force_login(world.trainee)
    assert phone.get(f"/drills/checkin/{token}/").status_code == 200
    assert DrillParticipant.objects.filter(record=drill).count() == 1
    # The same code forwarded now to someone who never scanned it in time: refused.
    drill.participants.all().delete()
    late = client_for(world.trainee)
    assert late.get(f"/drills/checkin/{token}/").status_code == 403
    assert not DrillParticipant.objects.filter(record=drill).exists()
