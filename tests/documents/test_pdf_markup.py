"""Markup in PDFs: a person named ``<img src="/some/local/file.png"/>`` had that file embedded
in their training-file PDF, and such a name crashed the report PDF. Every text people typed
is now escaped before reportlab reads it (documents.pdf.para), so each PDF renders, shows the
name as the characters it is, and embeds no image; reportlab fetches nothing by URL."""

from __future__ import annotations

import base64
import io
import tempfile
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image
from reportlab import rl_config
from reportlab.lib.utils import open_for_read

import documents.pdf  # noqa: F401 - importing it empties reportlab's trusted schemes
from certificates.pdf import certificate_pdf
from courses.training_file import training_file, training_file_pdf
from documents.fonts import register_cjk_font
from tests.documents.conftest import flat, image_count, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def png():
    """A real PNG at a short path (a name holds at most 50 characters)."""
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        path = Path(folder) / "e.png"
        Image.new("RGB", (300, 300), (200, 30, 30)).save(path)
        yield path


def names(png: Path) -> list[str]:
    return [
        f'<img src="{png}"/>',
        '<img src="/etc/hostname"/>',
        "A&B <b>粗</b> x > y",
        "王&lt;五&gt;",  # already-escaped text stays as typed too
    ]


@pytest.fixture
def named(world, png, request):
    person = world.person_a
    person.name = names(png)[request.param]
    person.save(update_fields=["name"])
    return person


NAME_CASES = pytest.mark.parametrize(
    "named", range(4), indirect=True, ids=["local png", "/etc/hostname", "&<>", "entities"]
)


@NAME_CASES
def test_the_training_file_pdf_shows_the_name_as_text_and_embeds_no_image(named):
    pdf = training_file_pdf(training_file(person=named), id_number="X")
    assert image_count(pdf) == 0
    assert flat(named.name) in flat(pdf_text(pdf))


@NAME_CASES
def test_the_training_file_download_renders(client, world, named):
    client.force_login(world.enterprise_admin)
    response = client.get(reverse("courses:training_file_pdf", args=[named.pk]))
    assert response.status_code == 200
    assert image_count(response.content) == 0
    assert flat(named.name) in flat(pdf_text(response.content))


@NAME_CASES
def test_the_certificate_pdf_shows_the_name_as_text(certificate, named):
    for variant in ("a4", "card"):
        pdf = certificate_pdf(certificate, variant)
        assert image_count(pdf) == 0
        assert flat(named.name) in flat(pdf_text(pdf))


@pytest.mark.parametrize("case", [0, 2], ids=["local png", "&<>"])
def test_the_report_pdf_renders_with_such_names_in_its_scope_and_tables(client, world, png, case):
    name = names(png)[case]
    world.ent_a.name = name
    world.ent_a.save(update_fields=["name"])
    township = world.ent_a.region
    township.name = name
    township.save(update_fields=["name"])
    client.force_login(world.regulator_county)
    for params in ({"enterprise": world.ent_a.uscc}, {}):
        response = client.get(reverse("reports:summary_pdf"), params)
        assert response.status_code == 200, response.content[:300]
        assert image_count(response.content) == 0
        assert flat(name) in flat(pdf_text(response.content))


def test_reportlab_fetches_nothing_by_url(png):
    assert rl_config.trustedSchemes == []
    assert not rl_config.trustedHosts
    data_url = "data:image/png;base64," + base64.b64encode(png.read_bytes()).decode()
    for url in (data_url, f"file://{png}", "http://127.0.0.1/x.png"):
        with pytest.raises(OSError):
            open_for_read(url)


def test_registering_the_font_also_closes_reportlab_to_urls(monkeypatch):
    """The certificate PDF draws on a canvas and imports only the font: the restriction holds
    there too."""
    monkeypatch.setattr(rl_config, "trustedSchemes", ["file", "data", "https", "http"])
    monkeypatch.setattr(rl_config, "trustedHosts", ["*"])
    register_cjk_font()
    assert rl_config.trustedSchemes == [] and not rl_config.trustedHosts


def test_a_name_with_a_real_image_makes_a_pdf_of_normal_size(world, png):
    """The file the attack embedded is 300 x 300 pixels: the PDF does not grow by it."""
    plain = training_file_pdf(training_file(person=world.person_a), id_number="X")
    world.person_a.name = f'<img src="{png}"/>'
    world.person_a.save(update_fields=["name"])
    crafted = training_file_pdf(training_file(person=world.person_a), id_number="X")
    buffer = io.BytesIO()
    Image.open(png).save(buffer, format="PNG")
    assert len(crafted) - len(plain) < len(buffer.getvalue())


@NAME_CASES
def test_the_admission_tickets_show_the_name_and_session_as_text(world, named):
    import datetime as dt

    from django.utils import timezone

    from question_banks.admission import admission_pdf
    from question_banks.models import Candidate, ExamSession, PaperRule, QuestionBank

    bank = QuestionBank.objects.create(code="ADM", name="题库")
    rule = PaperRule.objects.create(code="ADM-R", name="规则", bank=bank)
    now = timezone.now()
    session = ExamSession.objects.create(
        code="ADM-S",
        name=f"场次 {named.name}",
        rule=rule,
        opens_at=now,
        closes_at=now + dt.timedelta(hours=1),
        access_code="<b>&",
    )
    candidate = Candidate.objects.create(session=session, person=named, seat=1)
    row = {"candidate": candidate, "person": named, "enterprise": named.name}
    pdf = admission_pdf(session, [row])
    assert image_count(pdf) == 0
    text = flat(pdf_text(pdf))
    assert flat(named.name) in text and flat("<b>&") in text
