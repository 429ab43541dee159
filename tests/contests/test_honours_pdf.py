"""The honour certificates (荣誉证书) as a viewer shows them: the Chinese font embedded (pdffonts
says so), the text extractable, and the page rendered by poppler (pdftoppm) with the title
in the accent red and the winner's name drawn in the body, not left blank. The rendered
page is kept under /tmp/shots/contests/ for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from contests.documents import ACCENT, honour_certificates_pdf
from contests.selectors import winners
from tests.contests.test_views import _take

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not shutil.which("pdftoppm") or not shutil.which("pdffonts"),
        reason="poppler-utils (pdftoppm, pdffonts) are not installed",
    ),
]

SHOTS = Path("/tmp/shots/contests")


def _pixels(image):
    data = image.tobytes()
    return (data[i : i + 3] for i in range(0, len(data), 3))


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_the_honour_certificate_embeds_the_font_and_renders_in_chinese(
    world, open_round, now, tmp_path
):
    _take(open_round, world.person_a, now)
    _take(open_round, world.person_b, now)
    pdf = tmp_path / "honours.pdf"
    pdf.write_bytes(
        honour_certificates_pdf(open_round.contest, winners(contest=open_round.contest))
    )

    fonts = [line.split() for line in _run("pdffonts", str(pdf)).splitlines()[2:]]
    assert fonts, "no font in the PDF"
    # columns: name type encoding emb sub uni object ID. The Chinese font is embedded
    # (subset); reportlab's page preamble names Helvetica, a base-14 font no text is drawn in.
    cjk = [row for row in fonts if "WenQuanYi" in row[0] or "CertCJK" in row[0]]
    assert cjk and all(row[-5] == "yes" for row in cjk), fonts
    assert all(row[-5] == "yes" or row[0] == "Helvetica" for row in fonts), fonts

    text = _run("pdftotext", "-layout", str(pdf), "-")
    # Lines wrap anywhere in Chinese: compare without the line breaks.
    pages = ["".join(page.split()) for page in text.split("\f")]
    assert "荣誉证书" in pages[0] and world.person_a.name in pages[0]
    assert "第1名" in pages[0] and "2027年" in pages[0]
    assert world.person_b.name in pages[1]

    _run("pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(pdf), str(tmp_path / "page"))
    [png] = tmp_path.glob("page*.png")
    image = Image.open(png).convert("RGB")
    width, height = image.size
    assert width > height  # landscape A4
    red = tuple(round(c * 255) for c in ACCENT)
    title = image.crop((width // 4, height // 6, 3 * width // 4, height // 3))
    reddish = sum(
        1 for p in _pixels(title) if all(abs(a - b) < 40 for a, b in zip(p, red, strict=True))
    )
    assert reddish > 200, "the title 荣誉证书 is not drawn in the accent red"
    body = image.crop((width // 8, height // 3, 7 * width // 8, 2 * height // 3))
    dark = sum(1 for p in _pixels(body) if max(p) < 90)
    assert dark > 500, "the body text is not drawn"
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(png, SHOTS / "honours-page1.png")
