"""An outsider's attacks on the certificate rules pages and the 三级 records before go-live:
practical exams recorded for people outside one's scope or for oneself, operation items set
on another enterprise's job, certificates imported for people of another enterprise (and the
file telling who exists there), 三级 marked done for people of another enterprise. Each
refusal also changes no row."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateType, PracticalExam
from certificates.services.errors import CertificateError
from certificates.services.practical import practical_exam_record
from courses.services.records import RecordError
from courses.services.safety_education import (
    education_mark_done_before_go_live,
    education_mark_hired_before,
)
from tests.factories import EmploymentFactory

from .conftest import changed_tables, database_fingerprint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signed_in")]


def _practical_form() -> dict:
    return {
        "practical-certificate_type": CertificateType.objects.get(code="TZ-DG").pk,
        "practical-taken_on": timezone.localdate().isoformat(),
        "practical-examiner": "李考评员",
        "practical-score": "88",
    }


def test_a_practical_exam_is_not_recorded_outside_ones_scope_nor_for_oneself(scene):
    scene.theory_pass  # noqa: B018 (person_a could be given one)
    url = reverse("certificates:practical_add", args=[scene.world.person_a.pk])
    before = database_fingerprint()
    for who in ("admin_b", "regulator_other", "trainer", "regulator", "trainee"):
        response = scene.client(who).post(url, _practical_form())
        assert response.status_code in (403, 404), who
    for actor in (scene.admin_b, scene.world.trainee, scene.world.regulator_county):
        with pytest.raises(CertificateError):
            practical_exam_record(
                actor=actor,
                person=scene.world.person_a,
                ctype=CertificateType.objects.get(code="TZ-DG"),
                taken_on=timezone.localdate(),
                examiner="x",
                score=99,
            )
    assert changed_tables(before, database_fingerprint()) == []
    assert not PracticalExam.objects.exists()


@pytest.mark.parametrize("score", ["-5", "101", "abc"])
def test_a_practical_score_out_of_range_is_refused(scene, score):
    scene.theory_pass  # noqa: B018
    before = database_fingerprint()
    response = scene.client("admin").post(
        reverse("certificates:practical_add", args=[scene.world.person_a.pk]),
        {**_practical_form(), "practical-score": score},
    )
    assert response.status_code == 200  # the form again, with the error
    assert changed_tables(before, database_fingerprint()) == []


def test_an_operation_item_is_not_set_on_another_enterprises_job(scene):
    job_b = EmploymentFactory(
        enterprise=scene.world.ent_b, post="设备维护员", category="special_operator"
    )
    url = reverse("certificates:operation_item", args=[job_b.pk])
    before = database_fingerprint()
    for who in ("admin", "regulator_other", "trainee", "trainee_b"):
        response = scene.client(who).post(
            url, {"certificate_type": CertificateType.objects.get(code="TZ-FB").pk}
        )
        assert response.status_code in (403, 404), who
    assert changed_tables(before, database_fingerprint()) == []


def _certificates_csv(person, number: str) -> SimpleUploadedFile:
    text = (
        "姓名,身份证号,证书类型,证书编号,初领日期,有效期至\n"
        f"{person.name},{person.id_number},TZ-DG,{number},2022-01-01,2028-01-01\n"
    )
    return SimpleUploadedFile("certs.csv", text.encode("utf-8"), content_type="text/csv")


def test_certificates_are_not_imported_for_another_enterprises_people(scene):
    before = database_fingerprint()
    response = scene.client("admin").post(
        "/certificates/manage/import/", {"file": _certificates_csv(scene.world.person_b, "T-1")}
    )
    assert response.status_code == 200
    # The row is refused as "not on the roster"; nothing is offered to confirm.
    assert 'name="token" value="' not in response.content.decode()
    assert changed_tables(before, database_fingerprint()) == []
    assert not Certificate.objects.filter(number="T-1").exists()


def test_a_confirm_with_a_token_of_someone_elses_upload_imports_nothing(scene):
    client = scene.client("admin")
    checked = client.post(
        "/certificates/manage/import/", {"file": _certificates_csv(scene.world.person_a, "T-2")}
    )
    html = checked.content.decode()
    marker = 'name="token" value="'
    assert marker in html
    token = html.split(marker, 1)[1].split('"', 1)[0]
    before = database_fingerprint()
    scene.client("admin_b").post("/certificates/manage/import/", {"token": token})
    assert changed_tables(before, database_fingerprint()) == []
    assert not Certificate.objects.filter(number="T-2").exists()


def test_three_level_education_is_not_marked_for_another_enterprises_people(scene):
    before = database_fingerprint()
    with pytest.raises(RecordError):
        education_mark_done_before_go_live(
            person=scene.world.person_b,
            enterprise=scene.world.ent_a,
            reason="上线前纸质台账",
            actor=scene.world.enterprise_admin,
        )
    with pytest.raises(RecordError):
        education_mark_done_before_go_live(
            person=scene.world.person_a,
            enterprise=scene.world.ent_a,
            reason="上线前纸质台账",
            actor=scene.admin_b,
        )
    with pytest.raises(RecordError):
        education_mark_hired_before(
            enterprise=scene.world.ent_a,
            hired_before=timezone.localdate(),
            reason="上线前纸质台账",
            actor=scene.admin_b,
        )
    url = "/courses/records/safety-education/before-go-live/"
    response = scene.client("admin").post(
        f"{url}?enterprise={scene.world.ent_a.uscc}",
        {
            "form": "person",
            "person-id_number": scene.world.person_b.id_number,
            "person-reason": "x",
        },
    )
    assert response.status_code == 200
    forged = scene.client("admin_b").post(
        f"{url}?enterprise={scene.world.ent_a.uscc}",
        {"form": "bulk", "bulk-hired_before": "2030-01-01", "bulk-reason": "x"},
    )
    assert forged.status_code in (403, 404)
    assert changed_tables(before, database_fingerprint()) == []
