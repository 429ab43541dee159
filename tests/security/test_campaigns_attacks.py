"""An outsider's attacks on warning education, rotation training and campaign months: cases
assigned to enterprises outside one's scope, another person's reading ticked, meetings and
activities recorded for another enterprise or with its people, members of no campaign put on a
session, evidence files whose names say one thing and whose bytes another (a page served from
the site's own origin), and evidence opened by id. Each refusal also changes no row."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from campaigns.models import ActivityEvidence
from campaigns.services import CampaignError
from campaigns.services.months import month_activity_record
from campaigns.services.rotation import member_exam_record, session_attendance_record
from campaigns.services.warning import (
    warning_assignment_create,
    warning_meeting_record,
    warning_reading_tick,
)

from .conftest import changed_tables, database_fingerprint
from .test_url_walk import _campaigns

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in")]


def _jpeg(name: str = "photo.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "blue").save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


HTML = b"<html><body><form action='//evil.example'>\xe5\xaf\x86\xe7\xa0\x81<input></form></html>"


def _activity_post(scene, who: str, files, **overrides):
    data = {
        "enterprise": scene.world.ent_a.uscc,
        "month": "safety",
        "title": "安全生产月活动",
        "held_on": timezone.localdate().isoformat(),
        "evidence": files,
    }
    data.update(overrides)
    return scene.client(who).post("/campaigns/months/new/", data)


# --------------------------------------------------------------------------- months: files


def test_evidence_with_a_pictures_first_bytes_but_a_page_inside_is_refused(scene, settings):
    _campaigns(scene)
    before = database_fingerprint()
    response = _activity_post(
        scene, "admin", [SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff\xe0" + HTML)]
    )
    assert response.status_code in (200, 400)
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("name", ["page.html", "page.htm", "image.svg", "page.xhtml", "noext"])
def test_a_picture_named_as_a_page_is_served_as_a_picture_never_as_a_page(scene, name):
    """A real JPEG under a name ending in .html would be served inline as text/html from the
    site's own origin (the type is guessed from the stored name): the stored name follows
    what the bytes proved, so the file is only ever a picture."""
    _campaigns(scene)
    response = _activity_post(scene, "admin", [_jpeg(name)])
    assert response.status_code == 302
    evidence = ActivityEvidence.objects.order_by("-pk").first()
    assert evidence.file.name.endswith(".jpg")
    served = scene.client("regulator").get(f"/campaigns/months/evidence/{evidence.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_named_as_a_page_is_downloaded_as_a_pdf(scene):
    _campaigns(scene)
    pdf = SimpleUploadedFile("report.html", b"%PDF-1.4\n" + HTML + b"\n%%EOF\n")
    assert _activity_post(scene, "admin", [pdf]).status_code == 302
    evidence = ActivityEvidence.objects.order_by("-pk").first()
    served = scene.client("admin").get(f"/campaigns/months/evidence/{evidence.pk}/")
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment")


def test_evidence_is_opened_by_id_only_by_who_may_see_the_activity(scene):
    evidence = _campaigns(scene)["evidence"]
    url = f"/campaigns/months/evidence/{evidence.pk}/"
    for who in ("trainee", "trainee_b", "admin_b", "regulator_other", "regulator_chem"):
        assert scene.client(who).get(url).status_code in (403, 404), who
    url = f"/campaigns/months/evidence/{evidence.pk + 1000}/"
    assert scene.client("admin").get(url).status_code == 404


# --------------------------------------------------------------------------- months: forged ids


def test_an_activity_cannot_be_recorded_for_another_enterprise(scene):
    _campaigns(scene)
    before = database_fingerprint()
    response = _activity_post(scene, "admin_b", [], enterprise=scene.world.ent_a.uscc)
    assert response.status_code in (403, 404)
    with pytest.raises(CampaignError):
        month_activity_record(
            actor=scene.admin_b,
            enterprise=scene.world.ent_a,
            month="safety",
            title="越权",
            held_on=timezone.localdate(),
        )
    with pytest.raises(CampaignError):
        month_activity_record(
            actor=scene.world.enterprise_admin,
            enterprise=scene.world.ent_a,
            month="safety",
            title="别家的人",
            held_on=timezone.localdate(),
            participants=[scene.world.person_b],
        )
    assert changed_tables(before, database_fingerprint()) == []


# --------------------------------------------------------------------------- warning education


def test_a_case_cannot_be_assigned_to_enterprises_outside_ones_scope(scene):
    case = _campaigns(scene)["case"]
    due = timezone.localdate() + dt.timedelta(days=9)
    before = database_fingerprint()
    for actor, enterprises in (
        (scene.regulator_other, [scene.world.ent_a]),
        (scene.world.enterprise_admin, [scene.world.ent_b]),
        (scene.world.regulator_township_chem, [scene.world.ent_a]),
        (scene.world.regulator_county, [scene.world.ent_a, scene.world.ent_other]),
    ):
        with pytest.raises(CampaignError):
            warning_assignment_create(actor=actor, case=case, enterprises=enterprises, due_on=due)
    response = scene.client("regulator_other").post(
        "/campaigns/warning/new/",
        {"case": case.pk, "enterprises": [scene.world.ent_a.pk], "due_on": due.isoformat()},
    )
    assert response.status_code in (200, 400, 403)
    assert changed_tables(before, database_fingerprint()) == []


def test_nobody_ticks_another_persons_reading(scene):
    reading = _campaigns(scene)["reading"]
    before = database_fingerprint()
    with pytest.raises(CampaignError):
        warning_reading_tick(
            person=scene.world.person_b, reading=reading, client_id="c", seq=1, opening=True
        )
    response = scene.client("trainee_b").post(
        "/api/warning/reading",
        {"lesson": reading.pk, "client": "c", "seq": 1, "opening": True},
        content_type="application/json",
    )
    assert response.status_code in (403, 404, 422)
    assert changed_tables(before, database_fingerprint()) == []


def test_a_meeting_cannot_be_recorded_for_another_enterprise_or_with_its_people(scene):
    case = _campaigns(scene)["case"]
    before = database_fingerprint()
    with pytest.raises(CampaignError):
        warning_meeting_record(
            actor=scene.admin_b,
            enterprise=scene.world.ent_a,
            held_on=timezone.localdate(),
            topic="越权",
            cases=[case],
            attendees=[scene.world.person_a],
        )
    with pytest.raises(CampaignError):
        warning_meeting_record(
            actor=scene.world.enterprise_admin,
            enterprise=scene.world.ent_a,
            held_on=timezone.localdate(),
            topic="别家的人",
            cases=[case],
            attendees=[scene.world.person_b],
        )
    response = scene.client("admin").post(
        "/campaigns/warning/meetings/new/",
        {
            "enterprise": scene.world.ent_a.uscc,
            "held_on": timezone.localdate().isoformat(),
            "topic": "别家的人",
            "attendees": [scene.world.person_b.pk],
        },
    )
    assert response.status_code in (200, 400)
    assert changed_tables(before, database_fingerprint()) == []


# --------------------------------------------------------------------------- rotation training


def test_people_of_no_campaign_are_not_put_on_its_session(scene):
    found = _campaigns(scene)
    session, campaign = found["session"], found["campaign"]
    before = database_fingerprint()
    with pytest.raises(CampaignError):
        session_attendance_record(
            actor=scene.world.regulator_county, session=session, people=[scene.world.person_other]
        )
    with pytest.raises(CampaignError):
        session_attendance_record(
            actor=scene.regulator_other, session=session, people=[scene.world.person_a]
        )
    with pytest.raises(CampaignError):
        member_exam_record(
            actor=scene.world.regulator_county,
            campaign=campaign,
            person=scene.world.person_other,
            score=90,
            exam_on=timezone.localdate(),
        )
    response = scene.client("regulator").post(
        f"/campaigns/rotation/sessions/{session.pk}/",
        {"action": "attend", "attend-id_numbers": scene.world.person_other.id_number},
    )
    assert response.status_code == 400
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("score", ["-1", "101", "1e9"])
def test_an_exam_score_out_of_range_is_refused(scene, score):
    campaign = _campaigns(scene)["campaign"]
    before = database_fingerprint()
    response = scene.client("regulator").post(
        f"/campaigns/rotation/{campaign.pk}/exam/",
        {
            "id_number": scene.world.person_a.id_number,
            "score": score,
            "exam_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code in (200, 302, 400)
    assert changed_tables(before, database_fingerprint()) == []
