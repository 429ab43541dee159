"""The Chinese font of the PDFs comes with the product: with CERTIFICATE_FONT_PATHS pointing
nowhere and no font of the machine visible, certificate PDFs still render, embed the font
and carry the holder's name as text. A configured TrueType font is preferred (first found
wins); a CFF font is skipped for the packaged one."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from certificates.pdf import certificate_pdf
from courses.training_file import training_file, training_file_pdf
from documents.fonts import (
    PACKAGED_FONT,
    FontNotFound,
    font_search_path,
    register_cjk_font,
)
from tests.documents.conftest import flat, pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_machine_fonts(settings, tmp_path, monkeypatch):
    """CERTIFICATE_FONT_PATHS names a file that does not exist, and no font file outside the
    repository can be found (as on a machine without any Chinese font)."""
    settings.CERTIFICATE_FONT_PATHS = [str(tmp_path / "nowhere" / "wqy-microhei.ttc")]
    real_is_file = Path.is_file

    def is_file(path: Path) -> bool:
        inside = REPOSITORY in path.resolve().parents
        if path.suffix.lower() in (".ttf", ".ttc", ".otf") and not inside:
            return False
        return real_is_file(path)

    monkeypatch.setattr(Path, "is_file", is_file)
    assert not Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc").is_file()


def test_the_search_path_is_the_setting_then_the_packaged_font(settings):
    settings.CERTIFICATE_FONT_PATHS = ["/srv/fonts/simsun.ttf", "/srv/fonts/other.ttc"]
    assert font_search_path() == [
        "/srv/fonts/simsun.ttf",
        "/srv/fonts/other.ttc",
        str(PACKAGED_FONT),
    ]
    settings.CERTIFICATE_FONT_PATHS = []
    assert font_search_path() == [str(PACKAGED_FONT)]


def test_a_certificate_renders_with_the_packaged_font_on_a_machine_without_one(
    no_machine_fonts, certificate
):
    pdf = certificate_pdf(certificate)
    assert register_cjk_font().path == str(PACKAGED_FONT)
    text = flat(pdf_text(pdf))
    assert certificate.person.name in text
    assert certificate.certificate_type.name.replace(" ", "") in text
    fonts = pdf_fonts(pdf)
    assert fonts and all("WenQuanYi" in line for line in fonts), fonts
    assert all(line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts), fonts


def test_the_card_and_the_training_file_render_too_without_a_machine_font(
    no_machine_fonts, certificate
):
    assert certificate.person.name in flat(pdf_text(certificate_pdf(certificate, "card")))
    tf = training_file(person=certificate.person)
    assert certificate.person.name in flat(pdf_text(training_file_pdf(tf, id_number="X")))


def test_the_first_configured_font_that_loads_wins(settings, tmp_path):
    cff = tmp_path / "NotoSansCJK.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 64)
    mine = tmp_path / "mine.ttc"
    shutil.copy(PACKAGED_FONT, mine)
    settings.CERTIFICATE_FONT_PATHS = [str(tmp_path / "missing.ttf"), str(cff), str(mine)]
    assert register_cjk_font().path == str(mine)


def test_a_cff_font_is_skipped_for_the_packaged_one(settings, tmp_path):
    cff = tmp_path / "NotoSansCJK.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 64)
    settings.CERTIFICATE_FONT_PATHS = [str(cff)]
    assert register_cjk_font().path == str(PACKAGED_FONT)


def test_with_no_loadable_font_at_all_the_error_says_what_to_do(tmp_path):
    cff = tmp_path / "NotoSansCJK.otf"
    cff.write_bytes(b"OTTO" + b"\0" * 64)
    with pytest.raises(FontNotFound, match="CERTIFICATE_FONT_PATHS") as refused:
        register_cjk_font("NoSuchFont", paths=[tmp_path / "missing.ttf", cff])
    assert "CFF outlines" in str(refused.value)


def test_the_packaged_font_is_the_one_its_licence_file_describes():
    licence = (PACKAGED_FONT.parent / "wqy-microhei.LICENSE.txt").read_text()
    digest = hashlib.sha256(PACKAGED_FONT.read_bytes()).hexdigest()
    assert digest in licence
    assert "Apache License" in licence and "Version 2.0" in licence


def test_the_cached_subsetter_makes_reportlab_s_font_file_byte_for_byte():
    """documents.fonts replaces reportlab's makeSubset with one that reads the font's tables
    and glyph headers once per process: the font file it embeds is the very same bytes."""
    import random

    from reportlab.pdfbase.pdfmetrics import getFont
    from reportlab.pdfbase.ttfonts import TTFontFile

    face = getFont(register_cjk_font().name).face
    chars = sorted(face.charToGlyph)
    rng = random.Random(27)
    subsets = [
        [0, *range(32, 127)],  # reportlab's first subset: ASCII
        [ord(c) for c in "特种作业操作证欧阳明应急管理局有效期至复审"],
        [0x10FFFF, 0xE000, 65],  # codes the font lacks map to glyph 0
    ]
    subsets += [rng.sample(chars, rng.randint(1, 256)) for _ in range(40)]
    for subset in subsets:
        assert face.makeSubset(subset) == TTFontFile.makeSubset(face, subset)


def test_integer_arrays_are_written_as_reportlab_writes_them():
    """documents.fonts writes arrays of integers (glyph widths) in one pass: the same bytes
    as reportlab's own formatter, for short and long arrays and for anything else it hands
    back to it."""
    from reportlab.pdfbase import pdfdoc

    from documents import fonts

    register_cjk_font()
    document = pdfdoc.PDFDocument(invariant=1)
    arrays = [[], [0], list(range(10)), list(range(-5, 16)), [1000] * 256, list(range(30))]
    arrays += [[1, 2.5, 3], [1, pdfdoc.PDFName("X")], [True, 2]]
    for values in arrays:
        for cls in (pdfdoc.PDFArray, pdfdoc.PDFArrayCompact):
            array = cls(values)
            assert pdfdoc.PDFArray.format is fonts._format_array
            assert array.format(document) == fonts._reportlab_format_array(array, document)
