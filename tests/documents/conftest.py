"""Helpers for the document tests: what poppler-utils (pdftotext, pdffonts) read in a PDF."""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from certificates.models import CertificateType
from certificates.services.issuing import certificate_issue
from documents.fonts import forget_fonts
from tests.factories import exams_elsewhere


def pdf_text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def pdf_fonts(pdf: bytes) -> list[str]:
    """pdffonts' rows: name type encoding emb sub uni object ID."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True)
    return out.stdout.splitlines()[2:]


def image_count(pdf: bytes) -> int:
    """Image XObjects in the file (reportlab writes object dictionaries uncompressed)."""
    return len(re.findall(rb"/Subtype\s*/Image", pdf))


def flat(text: str) -> str:
    """Text without the line breaks and spaces a PDF's layout adds."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(autouse=True)
def _fresh_fonts():
    # A test that changes CERTIFICATE_FONT_PATHS must not leave its font to the next test.
    forget_fonts()
    yield
    forget_fonts()


@pytest.fixture
def certificate(world):
    return certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=world.system_admin,
        elsewhere=exams_elsewhere(),
    )
