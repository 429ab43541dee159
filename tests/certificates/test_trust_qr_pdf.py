"""QR and PDF end to end with real tools: the QR decodes (zxing-cpp) to the exact verify URL,
from a PNG and from a rasterised PDF (pdftoppm); the PDF's Chinese text is extractable
(pdftotext) and its font embedded (pdffonts).

Without zxing-cpp or poppler-utils these tests skip with the reason, unless REQUIRE_E2E=1,
then they fail. Install: `.venv/bin/pip install zxing-cpp` and `apt-get install -y
poppler-utils`. The Chinese font comes with the product (tests/documents/test_fonts.py).
"""

import datetime as dt
import io
import os
import shutil
import subprocess

import pytest
from PIL import Image

from certificates.trust.keys import KeyRing, generate_signing_key
from certificates.trust.qr import QRTooLarge, make_qr, qr_image, qr_png, qr_svg
from certificates.trust.sample import sample_claims, sample_pdf
from certificates.trust.tokens import (
    Reason,
    sign_certificate_token,
    token_from_text,
    verify_token,
    verify_url,
)

NOW = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
REQUIRE = os.environ.get("REQUIRE_E2E") == "1"


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if REQUIRE:
        pytest.fail(f"REQUIRE_E2E=1 but {reason}")
    pytest.skip(reason)


def zxing():
    try:
        import zxingcpp
    except ImportError:
        need(False, "zxing-cpp is not installed (.venv/bin/pip install zxing-cpp)")
    return zxingcpp


def need_tool(name: str) -> None:
    need(shutil.which(name) is not None, f"{name} not found (apt-get install poppler-utils)")


def decode_qr(image: Image.Image) -> list[str]:
    lib = zxing()
    return [r.text for r in lib.read_barcodes(image) if r.format == lib.BarcodeFormat.QRCode]


@pytest.fixture(scope="module")
def signed():
    key = generate_signing_key()
    token = sign_certificate_token(sample_claims(), key, issued_at=NOW)
    return KeyRing(key), verify_url("https://aqpx.example.gov.cn", token)


def test_png_decodes_to_the_exact_url_and_verifies(signed):
    ring, url = signed
    qr = make_qr(url)
    assert qr.error == "Q" and qr.version < 20 and qr.mask == 4
    image = Image.open(io.BytesIO(qr_png(qr, box_size=4)))
    assert decode_qr(image) == [url]
    assert verify_token(token_from_text(url), ring, now=NOW).valid


@pytest.mark.parametrize("mask", [None, *range(8)])
def test_every_mask_decodes(signed, mask):
    _ring, url = signed
    assert decode_qr(qr_image(make_qr(url, mask_pattern=mask), box_size=3)) == [url]


def test_lower_case_url_also_decodes(signed):
    ring, url = signed
    lower = url.lower()[: url.index("/VERIFY/") + 8] + url[url.index("/VERIFY/") + 8 :]
    assert decode_qr(qr_image(make_qr(lower), box_size=3)) == [lower]
    assert verify_token(lower, ring, now=NOW).valid


def test_svg_is_one_path_with_the_matrix(signed):
    _ring, url = signed
    qr = make_qr(url)
    svg = qr_svg(qr, size="60mm", title="证书核验")
    assert svg.startswith("<svg") and svg.count("<path") == 1
    assert f'viewBox="0 0 {qr.size + 8} {qr.size + 8}"' in svg
    assert svg.count("h") >= sum(1 for _ in qr.runs())


def test_versions_above_the_limit_are_refused():
    with pytest.raises(QRTooLarge):
        make_qr("A" * 2000, error="Q")


def test_pdf_with_chinese_text_and_vector_qr_round_trips_through_real_tools(signed, tmp_path):
    for tool in ("pdftoppm", "pdftotext", "pdffonts"):
        need_tool(tool)
    ring, url = signed
    pdf = tmp_path / "cert.pdf"
    pdf.write_bytes(sample_pdf(sample_claims(), url))
    assert b"/Subtype /Image" not in pdf.read_bytes()  # the QR is vectors, not a bitmap

    subprocess.run(["pdftoppm", "-r", "200", "-png", str(pdf), str(tmp_path / "page")], check=True)
    (page,) = sorted(tmp_path.glob("page*.png"))
    texts = decode_qr(Image.open(page))
    assert texts == [url]
    assert verify_token(texts[0], ring, now=NOW).reason == Reason.OK

    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    for expected in (
        "中华人民共和国特种作业操作证",
        "张三丰",
        "低压电工作业",
        "330102********1234",
    ):
        assert expected in text

    fonts = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts, "no fonts listed"
    for line in fonts:  # name type encoding emb sub uni object ID
        cols = line.split()
        emb = cols[-5]
        assert emb == "yes", line
