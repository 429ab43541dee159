"""Certificates rendered one after the other in one process, as a batch worker does, with every
per-process cache warm (the font's tables, the QR templates, the deflate filter): each PDF's
QR still decodes to its own certificate with the product's reader (certificates/qr_reader.py)
and with zbarimg, and verifies; no PDF carries another holder's name or photo; the font stays
embedded and subset; a batch loads its rows in two queries, whatever its size. The QR path
(merged rectangles written by numpy) covers exactly the dark modules."""

import io
import subprocess

import numpy as np
import pytest
from django.core.files.base import ContentFile
from PIL import Image

from certificates.models import CertificateType
from certificates.pdf import certificate_pdf
from certificates.qr_reader import QRReadError, read_qr_texts
from certificates.selectors import certificates_for_pdf
from certificates.services.issuing import certificate_issue
from certificates.services.keys import key_ring
from certificates.services.signing import certificate_verify_url
from certificates.trust.qr import make_qr
from certificates.trust.tokens import token_from_text, verify_token
from roster.models import Person
from tests.factories import exams_elsewhere

pytestmark = pytest.mark.django_db


def _photo(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (413, 579), colour).save(buf, format="JPEG", quality=85)
    return buf.getvalue()


@pytest.fixture
def batch(world):
    """Four certificates of different holders: two with photos of different colours, one
    with a name of rare characters, one without a photo."""
    ctype = CertificateType.objects.get(code="TZ-DG")
    people = [world.person_a, world.person_b, world.person_a_chem]
    people[0].photo.save("red.jpg", ContentFile(_photo((200, 30, 30))))
    people[1].photo.save("green.jpg", ContentFile(_photo((30, 160, 40))))
    Person.objects.filter(pk=people[2].pk).update(name="龘靐齉")
    people[2].refresh_from_db()
    certificates = [
        certificate_issue(
            person=p, ctype=ctype, actor=world.system_admin, elsewhere=exams_elsewhere()
        )
        for p in people
    ]
    return list(certificates_for_pdf().filter(pk__in=[c.pk for c in certificates]).order_by("pk"))


def _photo_bytes(person) -> bytes | None:
    if not person.photo:
        return None
    with person.photo.open("rb") as fh:
        return fh.read()


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, capture_output=True, **kwargs)


def _text(path) -> str:
    return _run(["pdftotext", "-enc", "UTF-8", str(path), "-"], text=True).stdout


def _images(path, tmp_path) -> list[bytes]:
    """The embedded images' bytes as stored (the JPEG photos)."""
    prefix = tmp_path / f"{path.stem}-img"
    _run(["pdfimages", "-all", str(path), str(prefix)])
    return [p.read_bytes() for p in sorted(tmp_path.glob(f"{prefix.name}*"))]


def _pages(pdf_path, tmp_path, dpi: int) -> list:
    """The PDF's pages as PNG files (pdftoppm), in order."""
    prefix = tmp_path / f"{pdf_path.stem}-page"
    _run(["pdftoppm", "-r", str(dpi), "-png", str(pdf_path), str(prefix)])
    return sorted(tmp_path.glob(f"{prefix.name}*.png"))


def _zbar(page) -> list[str]:
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(page)],
        capture_output=True,
        text=True,
    )
    return [line for line in out.stdout.splitlines() if line]


def _product_reader(page) -> list[str]:
    try:
        return read_qr_texts(page)
    except QRReadError:  # a page without a QR (the card's front)
        return []


@pytest.mark.parametrize("variant", ["a4", "card"])
def test_a_batch_rendered_in_one_process_decodes_and_keeps_each_holder_apart(
    batch, tmp_path, variant
):
    # Rendered back to back, the order of a batch, then a second time in reverse order: a
    # cache keyed wrongly would hand one holder's text, photo or QR to the next.
    rendered = {c.pk: certificate_pdf(c, variant) for c in batch}
    again = {c.pk: certificate_pdf(c, variant) for c in reversed(batch)}
    assert rendered == again  # the same bytes, whatever was rendered before

    photos = {c.pk: _photo_bytes(c.person) for c in batch}
    for certificate in batch:
        path = tmp_path / f"{variant}-{certificate.pk}.pdf"
        path.write_bytes(rendered[certificate.pk])
        url = certificate_verify_url(certificate)

        # 150 dpi for the A4 page; the card's 30 mm code of the test settings' long verify
        # URL (version 18) needs 300 dpi, as before these changes (test_pdf.py).
        pages = _pages(path, tmp_path, 150 if variant == "a4" else 300)
        assert [t for page in pages for t in _product_reader(page)] == [url]
        assert [t for page in pages for t in _zbar(page)] == [url]
        if variant == "a4":  # the reader also opens the PDF itself (its first page)
            assert read_qr_texts(path) == [url]
        result = verify_token(token_from_text(url), key_ring())
        assert result.valid and result.claims.public_id == certificate.public_id

        text = _text(path)
        assert certificate.person.name in text
        assert certificate.number in text
        for other in batch:
            if other.person.name != certificate.person.name:
                assert other.person.name not in text
            if other.number != certificate.number:
                assert other.number not in text

        images = _images(path, tmp_path)
        own = photos[certificate.pk]
        assert images == ([own] if own else [])  # its own photo, embedded as it is, or none
        for other_pk, other_photo in photos.items():
            if other_pk != certificate.pk and other_photo:
                assert other_photo not in images


def test_the_font_stays_embedded_and_subset_after_many_renders(batch, tmp_path):
    for certificate in batch * 3:
        certificate_pdf(certificate)
    path = tmp_path / "last.pdf"
    path.write_bytes(certificate_pdf(batch[2]))  # the holder with the rare characters
    lines = _run(["pdffonts", str(path)], text=True).stdout.splitlines()[2:]
    assert lines
    for line in lines:  # name type encoding emb sub uni object ID
        assert line.split()[-5:-2] == ["yes", "yes", "yes"], line
    assert "龘靐齉" in _text(path)
    # Subset: the whole packaged font is megabytes; a page's glyphs are tens of kilobytes.
    assert len(path.read_bytes()) < 120_000


def test_a_batch_loads_its_rows_in_two_queries(batch, django_assert_num_queries):
    pks = [c.pk for c in batch]
    with django_assert_num_queries(2):
        loaded = certificates_for_pdf().in_bulk(pks)
        pdfs = [certificate_pdf(loaded[pk]) for pk in pks]
    assert len(pdfs) == len(batch)


def test_prefetched_items_print_as_the_query_does(batch):
    from certificates.models import Certificate
    from certificates.services.signing import certificate_items_text

    for certificate in batch:
        plain = Certificate.objects.get(pk=certificate.pk)
        assert certificate_items_text(certificate) == certificate_items_text(plain)


@pytest.mark.parametrize("size", [1, 200, 400, 553])
def test_the_qr_path_covers_exactly_the_dark_modules(size):
    qr = make_qr("HTTPS://AQPX.EXAMPLE.GOV.CN/VERIFY/" + "Q7" * (size // 2))
    n = qr.size
    cover = np.zeros((n, n), dtype=int)
    lines = qr.pdf_path().split(b"\n")
    assert lines[-1] == b"f"
    for line in lines[:-1]:
        x, y, w, h, op = line.split()
        assert op == b"re"
        cover[int(y) : int(y) + int(h), int(x) : int(x) + int(w)] += 1
    grid = np.frombuffer(qr.grid, dtype=np.uint8).reshape(n, n)
    assert (cover == grid).all()  # every dark module once, no light one
    assert len(lines) - 1 <= sum(1 for _ in qr.runs())  # merged: never more than the runs
