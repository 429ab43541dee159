"""Classroom sessions credit each attendee once; the sign-in sheet is required and checked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from courses.models import ClassroomSession, CreditEntry, SafetyEducationRecord
from courses.services.classroom import SessionData, classroom_record, classroom_update
from courses.services.records import RecordError
from tests.factories import EmploymentFactory

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sheet(content=PDF, name="sign-in.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def data(hours="2.0", held_on=dt.date(2025, 4, 1)):
    return SessionData(
        title="消防安全培训",
        training_kind="retraining",
        held_on=held_on,
        hours=Decimal(hours),
        trainer="王老师",
    )


def minutes_of(person):
    return sum(CreditEntry.objects.filter(person=person).values_list("minutes", flat=True))


def test_recording_a_session_credits_every_attendee(world):
    colleague = EmploymentFactory(enterprise=world.ent_a).person

    session = classroom_record(
        enterprise=world.ent_a,
        data=data(),
        attendees=[world.person_a, colleague],
        sign_in_sheet=sheet(),
        actor=world.enterprise_admin,
    )

    assert session.sign_in_sheet.name
    assert minutes_of(world.person_a) == 90  # 2 学时 x 45 classroom minutes
    assert minutes_of(colleague) == 90


def test_editing_attendees_recredits_exactly(world):
    colleague = EmploymentFactory(enterprise=world.ent_a).person
    session = classroom_record(
        enterprise=world.ent_a,
        data=data(),
        attendees=[world.person_a],
        sign_in_sheet=sheet(),
        actor=None,
    )

    for _ in range(2):
        classroom_update(
            session=session, data=data("3.0"), attendees=[world.person_a, colleague], actor=None
        )
    classroom_update(session=session, data=data("3.0"), attendees=[colleague], actor=None)

    assert minutes_of(world.person_a) == 0
    assert minutes_of(colleague) == 135
    assert CreditEntry.objects.filter(classroom=session).count() == 1


def test_session_without_a_sign_in_sheet_is_refused(world):
    with pytest.raises(RecordError, match="Attach the sign-in sheet"):
        classroom_record(
            enterprise=world.ent_a,
            data=data(),
            attendees=[world.person_a],
            sign_in_sheet=None,
            actor=None,
        )
    assert not ClassroomSession.objects.exists()


def test_sign_in_sheet_must_be_pdf_jpeg_or_png(world):
    with pytest.raises(RecordError, match="PDF, JPEG or PNG"):
        classroom_record(
            enterprise=world.ent_a,
            data=data(),
            attendees=[world.person_a],
            sign_in_sheet=sheet(b"MZ\x90\x00 not a pdf", "sheet.pdf"),
            actor=None,
        )
    assert not CreditEntry.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>", "sheet.jpg"),
        (b"\x89PNG\r\n\x1a\n<svg onload='alert(1)'/>", "sheet.png"),
    ],
)
def test_a_page_behind_a_pictures_first_bytes_is_no_sign_in_sheet(world, content, name):
    """Only the first bytes were read: a page or a script after a JPEG or PNG signature was
    kept as a picture. The whole picture is now opened, as campaign evidence is."""
    with pytest.raises(RecordError, match="PDF, JPEG or PNG"):
        classroom_record(
            enterprise=world.ent_a,
            data=data(),
            attendees=[world.person_a],
            sign_in_sheet=sheet(content, name),
            actor=None,
        )
    assert not ClassroomSession.objects.exists()


def test_a_real_photo_of_the_sign_in_sheet_is_kept(world):
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(out, "JPEG")
    session = classroom_record(
        enterprise=world.ent_a,
        data=data(),
        attendees=[world.person_a],
        sign_in_sheet=sheet(out.getvalue(), "photo.jpg"),
        actor=None,
    )
    assert session.sign_in_sheet.name.endswith(".jpg")


def test_sign_in_sheet_over_the_size_limit_is_refused(world, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF + b"0" * (1024 * 1024)

    with pytest.raises(RecordError, match="larger than 1 MB"):
        classroom_record(
            enterprise=world.ent_a,
            data=data(),
            attendees=[world.person_a],
            sign_in_sheet=sheet(big),
            actor=None,
        )


def test_attendee_from_another_enterprise_is_refused(world):
    with pytest.raises(RecordError, match=world.person_b.name):
        classroom_record(
            enterprise=world.ent_a,
            data=data(),
            attendees=[world.person_a, world.person_b],
            sign_in_sheet=sheet(),
            actor=None,
        )
    assert not CreditEntry.objects.exists()


def test_admin_records_a_session_with_id_numbers_through_the_form(client, world):
    client.force_login(world.enterprise_admin)

    response = client.post(
        "/courses/classroom/new/",
        {
            "title": "班前安全会",
            "training_kind": "retraining",
            "held_on": "2025-04-02",
            "hours": "1.0",
            "trainer": "李师傅",
            "id_numbers": world.person_a.id_number,
            "sign_in_sheet": sheet(),
        },
    )

    assert response.status_code == 302
    assert minutes_of(world.person_a) == 45


def test_form_with_an_unknown_id_number_says_so_and_changes_nothing(client, world):
    client.force_login(world.enterprise_admin)

    response = client.post(
        "/courses/classroom/new/",
        {
            "title": "班前安全会",
            "training_kind": "retraining",
            "held_on": "2025-04-02",
            "hours": "1.0",
            "trainer": "李师傅",
            "id_numbers": world.person_b.id_number,
            "sign_in_sheet": sheet(),
        },
    )

    assert response.status_code == 200
    assert world.person_b.id_number in response.content.decode()
    assert not ClassroomSession.objects.exists()


def test_trainee_and_regulator_cannot_record(client, world):
    client.force_login(world.trainee)
    assert client.get("/courses/classroom/new/").status_code == 403
    client.force_login(world.regulator_county)
    assert client.get("/courses/classroom/new/").status_code == 403


def test_admin_records_three_level_education_and_a_violation(client, world):
    client.force_login(world.enterprise_admin)

    first = client.post(
        "/courses/records/safety-education/new/",
        {
            "id_number": world.person_a.id_number,
            "level": "company",
            "reason": "new_hire",
            "held_on": "2025-03-01",
            "hours": "8",
        },
    )
    second = client.post(
        "/courses/records/violations/new/",
        {
            "id_number": world.person_a.id_number,
            "violation": "未佩戴安全帽",
            "severity": "ordinary",
            "off_job_from": "2025-05-01",
        },
    )

    assert first.status_code == second.status_code == 302
    assert SafetyEducationRecord.objects.get().level == "company"
    assert world.person_a.violations.get().returned_on is None
    assert client.get("/courses/records/").status_code == 200
