"""Django's `{# ... #}` comment ends on its own line: one spread over lines is printed on
the page instead (it was, under every signed-in page's navigation). Multi-line comments
use {% comment %}."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(
    path
    for folder in ("site", "roster", "courses", "question_banks", "certificates", "reports")
    for path in (ROOT / folder).rglob("templates/**/*.html")
)


def test_templates_are_found():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_short_comment_closes_on_its_line(path):
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        start = line.find("{#")
        assert start < 0 or "#}" in line[start:], f"{path.name}:{number}: {line.strip()}"


@pytest.mark.django_db
def test_a_signed_in_page_shows_no_template_comment(client, world):
    client.force_login(world.trainee)
    html = client.get("/exams/").content.decode()
    assert "{#" not in html and "#}" not in html
