"""Certificate PDFs end to end with real tools: the QR on the printed page decodes (pdftoppm +
zxing-cpp) to a token that verifies offline against the published keys; the text layer holds
the holder's name and the type (pdftotext); the font is embedded (pdffonts); the command and
the batch zip give the same PDFs."""

import datetime as dt
import io
import subprocess
import zipfile

import pytest
import zxingcpp
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from PIL import Image

from certificates.models import CertificateType, PdfBatch
from certificates.pdf import CertificatePdfError, certificate_pdf
from certificates.services.batches import pdf_batch_create, pdf_batch_run
from certificates.services.issuing import CertificateError, certificate_issue
from certificates.services.keys import key_ring
from certificates.services.lifecycle import certificate_replace, certificate_review
from certificates.services.signing import certificate_claims, certificate_verify_url
from certificates.services.verification import display_number
from certificates.tasks import render_pdf_batch_task
from certificates.trust.tokens import Reason, token_from_text, verify_token
from roster.models import AuditLog
from tests.certificates.conftest import credit_review_hours, passed_exam
from tests.factories import exams_elsewhere

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)
CARD_POINTS = (242.65, 153.07)  # 85.6 x 54 mm


@pytest.fixture
def certificate(world):
    return certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=world.system_admin,
        elsewhere=exams_elsewhere(),
    )


def rasterise(pdf: bytes, tmp_path, dpi: int) -> list[Image.Image]:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", str(path), str(tmp_path / "page")], check=True
    )
    return [Image.open(p) for p in sorted(tmp_path.glob("page*.png"))]


def qr_texts(image: Image.Image) -> list[str]:
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "text.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def pdf_info(pdf: bytes, tmp_path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return dict(
        (key.strip(), value.strip())
        for key, value in (line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    )


def page_size(info: dict[str, str]) -> tuple[float, float]:
    # "Page size:      242.646 x 153.071 pts"
    width, _x, height = info["Page size"].split()[:3]
    return float(width), float(height)


def test_printed_qr_verifies_offline_and_a_changed_character_does_not(certificate, tmp_path):
    (page,) = rasterise(certificate_pdf(certificate), tmp_path, dpi=150)
    (text,) = qr_texts(page)
    assert text == certificate_verify_url(certificate)

    token = token_from_text(text)
    assert token == certificate.token
    result = verify_token(token, key_ring())
    assert result.valid and result.reason == Reason.OK
    # The compact form names category, item and issuer by code: the directory published
    # with the keys names them as the full claims did (the status list's URL too, in the
    # draft's claim).
    from certificates.services.directory import issuer_directory

    assert issuer_directory().describe(result.claims) == certificate_claims(certificate)
    assert result.claims.public_id == certificate.public_id
    assert result.claims.number == display_number(certificate.number)
    assert result.claims.name == certificate.person.name
    assert result.claims.status_index == certificate.status_index

    position = len(token) // 2
    tampered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    assert not verify_token(tampered, key_ring()).valid


def test_printed_qr_verifies_online_and_a_changed_character_does_not(certificate, tmp_path):
    """The same scan through the public verify API and the page a phone camera opens."""
    (page,) = rasterise(certificate_pdf(certificate), tmp_path, dpi=150)
    (text,) = qr_texts(page)
    path = "/" + text.split("/", 3)[3]  # the upper-case /VERIFY/<token> the camera opens
    client = Client()
    answer = client.get(f"/api/verify/{token_from_text(text)}").json()
    assert (answer["valid"], answer["status"], answer["signature"]) == (True, "valid", "ok")
    assert answer["holder_name"] == certificate.person.name
    assert client.get(path).status_code == 200

    token = token_from_text(text)
    position = len(token) // 2
    tampered = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    answer = client.get(f"/api/verify/{tampered}").json()
    assert (answer["valid"], answer["status"]) == (False, "invalid")
    assert "无效或伪造" in client.get(f"/verify/{tampered}").content.decode()


def test_card_back_carries_the_same_qr(certificate, tmp_path):
    front, back = rasterise(certificate_pdf(certificate, "card"), tmp_path, dpi=300)
    assert qr_texts(front) == []
    (text,) = qr_texts(back)
    assert verify_token(token_from_text(text), key_ring()).claims.public_id == (
        certificate.public_id
    )


@pytest.mark.parametrize(
    ("variant", "pages", "size"), [("a4", 1, A4_POINTS), ("card", 2, CARD_POINTS)]
)
def test_page_size_and_count_per_variant(certificate, tmp_path, variant, pages, size):
    info = pdf_info(certificate_pdf(certificate, variant), tmp_path)
    assert int(info["Pages"]) == pages
    assert page_size(info) == pytest.approx(size, abs=0.05)


@pytest.mark.parametrize("variant", ["a4", "card"])
def test_text_layer_holds_the_holder_type_and_dates(certificate, tmp_path, variant):
    text = pdf_text(certificate_pdf(certificate, variant), tmp_path)
    person = certificate.person
    expected = [
        person.name,
        person.id_number_masked,
        certificate.number,
        "低压电工作业",
        certificate.valid_until.isoformat(),
        certificate.next_review_on.isoformat(),
        certificate.issuer_name,
    ]
    if variant == "a4":  # the card's band shrinks the long type name, still one string
        expected.append(certificate.certificate_type.name)
    for value in expected:
        assert value in text, value
    assert person.id_number not in text.replace(certificate.number, "")  # only masked


def test_type_name_is_extractable_from_the_card(certificate, tmp_path):
    text = pdf_text(certificate_pdf(certificate, "card"), tmp_path)
    assert certificate.certificate_type.name in text.replace("\n", "")


def test_review_date_appears_once_reviewed(certificate, world, tmp_path):
    reviewed_on = certificate.next_review_on - dt.timedelta(days=10)
    credit_review_hours(certificate.person, reviewed_on - dt.timedelta(days=30))
    passed_exam(world, certificate.person, reviewed_on - dt.timedelta(days=20))
    reviewed = certificate_review(
        certificate=certificate,
        actor=world.system_admin,
        on=reviewed_on,
        applied_on=certificate.next_review_on - dt.timedelta(days=60),
    )
    assert reviewed.last_reviewed_on == reviewed_on
    text = pdf_text(certificate_pdf(reviewed), tmp_path)
    assert reviewed_on.isoformat() in text


@pytest.mark.parametrize("variant", ["a4", "card"])
def test_every_font_is_embedded(certificate, tmp_path, variant):
    path = tmp_path / "fonts.pdf"
    path.write_bytes(certificate_pdf(certificate, variant))
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert lines, "no fonts listed"
    for line in lines:  # name type encoding emb sub uni object ID
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line


def test_same_certificate_same_bytes(certificate):
    assert certificate_pdf(certificate) == certificate_pdf(certificate)


def test_photo_is_embedded_when_the_holder_has_one(certificate, tmp_path):
    plain = certificate_pdf(certificate)
    buf = io.BytesIO()
    Image.new("RGB", (1200, 1600), (40, 90, 160)).save(buf, format="JPEG")
    person = certificate.person
    person.photo.save("face.jpg", ContentFile(buf.getvalue()))
    with_photo = certificate_pdf(certificate)
    assert b"/Subtype /Image" not in plain
    assert b"/Subtype /Image" in with_photo
    (page,) = rasterise(with_photo, tmp_path, dpi=100)
    # The frame at the top right is filled with the photo's blue.
    r, _g, b = page.convert("RGB").getpixel((int(page.width * 0.8), int(page.height * 0.3)))
    assert b > 120 and r < 90
    assert len(qr_texts(rasterise(certificate_pdf(certificate, "card"), tmp_path, 300)[1])) == 1


def test_a_broken_photo_file_does_not_stop_the_pdf(certificate, tmp_path):
    person = certificate.person
    person.photo.save("face.jpg", ContentFile(b"not an image"))
    assert b"/Subtype /Image" not in certificate_pdf(certificate)


def test_unknown_variant_is_refused(certificate):
    with pytest.raises(CertificatePdfError, match="poster"):
        certificate_pdf(certificate, "poster")


# ---------------------------------------------------------------- render_certificate


def test_command_writes_the_holders_pdf(certificate, tmp_path):
    out = tmp_path / "out.pdf"
    call_command("render_certificate", certificate.number, "-o", str(out), stdout=io.StringIO())
    assert out.read_bytes() == certificate_pdf(certificate)
    call_command(
        "render_certificate",
        certificate.number,
        "-o",
        str(out),
        "--variant",
        "card",
        stdout=io.StringIO(),
    )
    assert out.read_bytes() == certificate_pdf(certificate, "card")


def test_command_renders_the_live_card_when_a_replaced_one_shares_its_number(
    certificate, world, tmp_path
):
    new = certificate_replace(certificate=certificate, actor=world.system_admin, reason="丢失")
    assert new.number == certificate.number and new.pk != certificate.pk
    out = tmp_path / "out.pdf"
    call_command("render_certificate", certificate.number, "-o", str(out), stdout=io.StringIO())
    new.refresh_from_db()
    assert out.read_bytes() == certificate_pdf(new)
    (text,) = qr_texts(rasterise(out.read_bytes(), tmp_path, 150)[0])
    assert token_from_text(text) == new.token != certificate.token


def test_command_with_an_unknown_number_fails_and_writes_nothing(world, tmp_path):
    out = tmp_path / "out.pdf"
    with pytest.raises(CommandError, match="没有编号为 NOPE 的证书"):
        call_command("render_certificate", "NOPE", "-o", str(out))
    assert not out.exists()


def test_command_exits_non_zero_with_the_reason_on_stderr(world, tmp_path, capsys):
    from certificates.management.commands.render_certificate import Command

    with pytest.raises(SystemExit) as exit_:
        Command().run_from_argv(["manage.py", "render_certificate", "NOPE", "-o", "x.pdf"])
    assert exit_.value.code != 0
    assert "没有编号为 NOPE 的证书" in capsys.readouterr().err  # the default language


# ---------------------------------------------------------------- batch zip


@pytest.fixture
def two_certificates(certificate, world):
    other = certificate_issue(
        person=world.person_b,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=world.system_admin,
        elsewhere=exams_elsewhere(),
    )
    return [certificate, other]


def test_batch_zips_every_pdf_with_progress_done(
    two_certificates, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = pdf_batch_create(
            user=world.enterprise_admin, certificates=two_certificates, title="城关机械厂 2026"
        )
    batch.refresh_from_db()
    assert batch.status == PdfBatch.Status.DONE
    assert batch.done == batch.total == 2
    assert batch.error == "" and batch.finished_at is not None
    with batch.file.open("rb") as fh, zipfile.ZipFile(fh) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    assert entries == {
        f"{c.number}-{c.person.name}.pdf": certificate_pdf(c) for c in two_certificates
    }
    audit = AuditLog.objects.get(action="certificate.pdf_batch")
    assert audit.actor == world.enterprise_admin and audit.data["count"] == 2


def test_batch_card_variant(two_certificates, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        batch = pdf_batch_create(
            user=world.enterprise_admin, certificates=two_certificates, title="卡片", variant="card"
        )
    batch.refresh_from_db()
    with batch.file.open("rb") as fh, zipfile.ZipFile(fh) as archive:
        first = archive.read(f"{two_certificates[0].number}-{two_certificates[0].person.name}.pdf")
    assert first == certificate_pdf(two_certificates[0], "card")


def test_a_finished_batch_is_not_rendered_again(
    two_certificates, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        batch = pdf_batch_create(
            user=world.enterprise_admin, certificates=two_certificates, title="一次"
        )
    batch.refresh_from_db()
    first_file = batch.file.name
    assert render_pdf_batch_task(batch.pk) is None  # a redelivered task
    assert pdf_batch_run(batch.pk) is None
    batch.refresh_from_db()
    assert batch.file.name == first_file and batch.done == 2


def test_a_batch_left_running_by_a_dead_worker_is_rendered_again(two_certificates, world):
    batch = pdf_batch_create(
        user=world.enterprise_admin, certificates=two_certificates, title="重来"
    )
    # Not committed in this test's transaction, so the task has not run: simulate a worker
    # that claimed it and died half-way.
    PdfBatch.objects.filter(pk=batch.pk).update(status=PdfBatch.Status.RUNNING, done=1)
    assert render_pdf_batch_task(batch.pk) == PdfBatch.Status.DONE
    batch.refresh_from_db()
    assert batch.status == PdfBatch.Status.DONE and batch.done == 2 and batch.file


def test_a_deleted_certificate_is_left_out_and_said(two_certificates, world):
    batch = pdf_batch_create(
        user=world.enterprise_admin, certificates=two_certificates, title="缺一"
    )
    PdfBatch.objects.filter(pk=batch.pk).update(certificate_ids=[two_certificates[0].pk, 999999])
    pdf_batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == PdfBatch.Status.DONE and batch.done == 2
    assert "所选证书中有 1 本已不存在" in batch.error
    with batch.file.open("rb") as fh, zipfile.ZipFile(fh) as archive:
        assert len(archive.namelist()) == 1


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"title": "  "}, "no_title"),
        ({"title": "x" * 201}, "title_too_long"),
        ({"title": "t", "variant": "poster"}, "bad_variant"),
        ({"title": "t", "certificates": []}, "empty"),
    ],
)
def test_bad_batch_requests_are_refused_and_change_nothing(certificate, world, kwargs, code):
    kwargs = {"certificates": [certificate], **kwargs}
    with pytest.raises(CertificateError) as err:
        pdf_batch_create(user=world.enterprise_admin, **kwargs)
    assert err.value.code == code
    assert not PdfBatch.objects.exists()
    assert not AuditLog.objects.filter(action="certificate.pdf_batch").exists()
