"""An outsider's attacks on drills: checking in to another enterprise's drill, with a forged,
altered or old code; another enterprise's people, planned drills and departments named by id
in ent_a's forms; a closed action closed again; files that are not what their names say or
too large; evidence files opened by id by who may not. Each refusal also changes no row and
stores no file."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from drills.models import DrillAction, DrillEvidence, DrillParticipant
from drills.services import CHECKIN_SALT, PlannedData, checkin_token, planned_drill_add
from roster.models import Department

from .conftest import PDF, changed_tables, database_fingerprint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in")]


def _private_files(settings) -> list:
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _drill_form(scene, **overrides) -> dict:
    data = {
        "kind": "fire",
        "form": "live",
        "held_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "place": "办公楼",
        "duration_minutes": "30",
        "organiser": "安全科",
        "scenario": "火灾疏散",
        "hours_credited": "0",
        "participants": [scene.world.person_a.pk],
    }
    data.update(overrides)
    return data


# --------------------------------------------------------------------------- check-in


def test_someone_of_another_enterprise_cannot_check_in_with_a_fresh_code(scene):
    token = checkin_token(scene.drill)
    before = database_fingerprint()
    for who in ("trainee_b", "admin_b", "regulator", "admin"):
        response = scene.client(who).get(reverse("drills:checkin", args=[token]))
        assert response.status_code == 403, who
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("how", ["other drill", "old step", "unsigned", "garbage"])
def test_a_forged_or_old_check_in_code_is_refused(scene, how):
    drill = scene.drill
    DrillParticipant.objects.filter(record=drill).delete()  # person_a may check in now
    if how == "other drill":
        # The payload of a code for another drill, under this drill's signature.
        real = checkin_token(drill)
        step = signing.Signer(salt=CHECKIN_SALT).unsign_object(real)["s"]
        forged = signing.Signer(salt="x").sign_object({"r": drill.pk + 1, "s": step})
        token = forged.rsplit(":", 1)[0] + ":" + real.rsplit(":", 1)[1]
    elif how == "old step":
        token = checkin_token(drill, now=timezone.now() - dt.timedelta(minutes=10))
    elif how == "unsigned":
        token = signing.Signer(salt="another-salt").sign_object({"r": drill.pk, "s": 10**9})
    else:
        token = "not-a-token"
    before = database_fingerprint()
    response = scene.client("trainee").get(reverse("drills:checkin", args=[token]))
    assert response.status_code == 403
    assert changed_tables(before, database_fingerprint()) == []


def test_a_check_in_names_only_the_signed_in_person(scene):
    """Nothing in the request names who checks in: a token copied by a colleague checks in
    the colleague, never the person who sent it."""
    drill = scene.drill
    DrillParticipant.objects.filter(record=drill).delete()
    token = checkin_token(drill)
    response = scene.client("trainee").get(
        reverse("drills:checkin", args=[token]), {"person": scene.world.person_b.pk}
    )
    assert response.status_code == 200
    assert list(drill.participants.values_list("person_id", flat=True)) == [scene.world.person_a.pk]


# --------------------------------------------------------------------------- forged ids


def test_ent_as_drill_cannot_name_another_enterprises_people_or_planned_drill(scene):
    drill = scene.drill
    planned_b = planned_drill_add(
        actor=None,
        enterprise=scene.world.ent_b,
        year=timezone.localdate().year,
        data=PlannedData(
            kind="fire", form="live", scenario="河口演练", planned_on=timezone.localdate()
        ),
    )
    before = database_fingerprint()
    client = scene.client("admin")
    url = reverse("drills:record_edit", args=[drill.pk])
    for body in (
        _drill_form(scene, participants=[scene.world.person_b.pk]),
        _drill_form(scene, planned=planned_b.pk),
        _drill_form(scene, participants=[scene.world.person_other.pk], place="改"),
    ):
        response = client.post(url, body)
        assert response.status_code in (200, 400)
    new = client.post(
        f"/drills/records/new/?enterprise={scene.world.ent_a.uscc}",
        _drill_form(scene, participants=[scene.world.person_b.pk]),
    )
    assert new.status_code in (200, 400)
    assert changed_tables(before, database_fingerprint()) == []


def test_ent_as_plan_cannot_name_another_enterprises_departments_or_people(scene):
    department_b = Department.objects.create(enterprise=scene.world.ent_b, name="纺纱车间")
    year = timezone.localdate().year
    before = database_fingerprint()
    client = scene.client("admin")
    for extra in ({"departments": [department_b.pk]}, {"people": [scene.world.person_b.pk]}):
        client.post(
            f"/drills/plan/{year}/?enterprise={scene.world.ent_a.uscc}",
            {
                "kind": "onsite",
                "form": "live",
                "scenario": "泄漏处置",
                "planned_on": f"{year}-11-01",
                **extra,
            },
        )
    assert changed_tables(before, database_fingerprint()) == []


def test_an_action_cannot_be_owned_by_someone_of_another_enterprise(scene):
    drill = scene.drill
    before = database_fingerprint()
    response = scene.client("admin").post(
        reverse("drills:action_add", args=[drill.pk]),
        {
            "description": "整改",
            "owner": scene.world.person_b.pk,
            "due_on": (drill.held_on + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert changed_tables(before, database_fingerprint()) == []


# --------------------------------------------------------------------------- wrong states


def test_a_closed_action_is_not_closed_again_with_a_new_note(scene):
    action = scene.drill_action
    client = scene.client("admin")
    url = reverse("drills:action_close", args=[action.pk])
    assert client.post(url, {"closing_note": "已完成"}).status_code == 302
    before = database_fingerprint()
    client.post(url, {"closing_note": "改写的记录"})
    assert changed_tables(before, database_fingerprint()) == []
    action.refresh_from_db()
    assert action.status == DrillAction.Status.CLOSED and action.closing_note == "已完成"


def test_another_enterprises_admin_cannot_close_or_evaluate_ent_as_drill(scene):
    action, drill, planned = scene.drill_action, scene.drill, scene.planned_drill
    before = database_fingerprint()
    client = scene.client("admin_b")
    responses = [
        client.post(reverse("drills:action_close", args=[action.pk]), {"closing_note": "x"}),
        client.post(
            reverse("drills:evaluation", args=[drill.pk]),
            {"problems_found": "x", "plan_changes": "y"},
        ),
        client.post(reverse("drills:planned_remove", args=[planned.pk])),
    ]
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert changed_tables(before, database_fingerprint()) == []


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("photo.png", PDF),
        ("page.html", b"<html></html>"),
        ("image.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("tool.exe", b"MZ\x90\x00"),
        ("noext", b"\xff\xd8\xff\xe0"),
        # Documents and videos were taken on their extension alone.
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("minutes.docx", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("sheet.xls", b"=cmd|' /C calc'!A0"),
        ("clip.mp4", b"<html><script>alert(1)</script></html>"),
        ("clip.webm", PDF),
    ],
)
def test_evidence_that_is_not_what_its_name_says_is_refused(scene, settings, name, data):
    drill = scene.drill
    files_before = _private_files(settings)
    before = database_fingerprint()
    response = scene.client("admin").post(
        reverse("drills:evidence_add", args=[drill.pk]),
        {"evidence": SimpleUploadedFile(name, data)},
    )
    assert response.status_code == 400
    assert changed_tables(before, database_fingerprint()) == []
    assert _private_files(settings) == files_before


def test_oversized_evidence_is_refused(scene, settings):
    drill = scene.drill
    settings.DRILL_EVIDENCE_MAX_BYTES = 1024
    files_before = _private_files(settings)
    before = database_fingerprint()
    response = scene.client("admin").post(
        reverse("drills:evidence_add", args=[drill.pk]),
        {"evidence": SimpleUploadedFile("report.pdf", PDF + b"0" * 4096)},
    )
    assert response.status_code == 400
    assert changed_tables(before, database_fingerprint()) == []
    assert _private_files(settings) == files_before


def test_evidence_is_opened_by_id_only_by_who_may_see_the_drill(scene):
    evidence = scene.drill.evidence.get()
    url = reverse("drills:evidence", args=[evidence.pk])
    # person_a took part in the drill; the evidence is still the enterprise's record.
    for who in ("trainee", "trainee_b", "admin_b", "regulator_other", "trainer", "nobody"):
        assert scene.client(who).get(url).status_code == 404, who
    assert scene.client("anon").get(url).status_code == 302
    ok = scene.client("regulator").get(url)
    assert ok.status_code == 200
    assert ok["X-Content-Type-Options"] == "nosniff"
    assert ok["Content-Type"] == "image/jpeg"
    missing = reverse("drills:evidence", args=[DrillEvidence.objects.order_by("-pk")[0].pk + 1])
    assert scene.client("admin").get(missing).status_code == 404


def test_too_many_evidence_files_at_once_are_refused(scene, settings):
    from drills.services import MAX_EVIDENCE_FILES

    drill = scene.drill
    files_before = _private_files(settings)
    before = database_fingerprint()
    response = scene.client("admin").post(
        reverse("drills:evidence_add", args=[drill.pk]),
        {"evidence": [SimpleUploadedFile(f"r{n}.pdf", PDF) for n in range(MAX_EVIDENCE_FILES + 1)]},
    )
    assert response.status_code == 400
    assert changed_tables(before, database_fingerprint()) == []
    assert _private_files(settings) == files_before
