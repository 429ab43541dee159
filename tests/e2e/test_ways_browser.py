"""Ways between pages in a real browser, on a phone and on a laptop: the enterprise admin
reaches certificate administration from the navigation, from the holders' list and from a
certificate; goes from the certificate to its holder's page, then to the holder's
certificates and training file (which fits a 390-px phone); a wrong address shows the
Chinese 404 page with the navigation."""

import shutil
from pathlib import Path

import pytest

from tests.certificates.conftest import cert  # noqa: F401  (the fixture)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "pw-123456"
SHOTS = Path("/tmp/shots/chinese")


def _shot(session, name):
    path = session.shot(name)
    if SHOTS.is_dir():  # a developer's folder for looking at them; CI has none
        shutil.copy(path, SHOTS / path.name)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_enterprise_admin_walks_from_navigation_to_certificates_and_training_file(
    request,
    size,
    world,
    cert,  # noqa: F811
):
    session = request.getfixturevalue(size)
    page = session.page
    session.login(world.enterprise_admin.username, PASSWORD)

    # The navigation leads to certificate administration.
    with page.expect_navigation():
        page.click("nav.nav a:has-text('证书管理')")
    assert page.url.endswith("/certificates/manage/")
    _shot(session, f"ways-manage-{size}")

    # So does the holders' list, and each certificate.
    session.go("/certificates/holders/")
    _shot(session, f"ways-holders-{size}")
    with page.expect_navigation():
        page.click(".page-head .actions a:has-text('证书管理')")
    assert page.url.endswith("/certificates/manage/")
    session.go("/certificates/holders/")
    with page.expect_navigation():
        page.click(f"table a:has-text('{world.person_a.name}')")
    assert page.url.endswith(f"/certificates/{cert.pk}/")
    _shot(session, f"ways-certificate-{size}")
    with page.expect_navigation():
        page.click("a:has-text('管理此证书')")
    assert page.url.endswith(f"/certificates/manage/{cert.pk}/")
    page.go_back()

    # From the certificate to its holder, then their certificates and training file.
    with page.expect_navigation():
        page.click(f"dd a:has-text('{world.person_a.name}')")
    assert f"/roster/people/{world.person_a.pk}/" in page.url
    _shot(session, f"ways-person-{size}")
    with page.expect_navigation():
        page.click(".page-head .actions a:has-text('证书')")
    assert f"person={world.person_a.pk}" in page.url
    assert cert.certificate_type.name in page.locator("main").inner_text()
    page.go_back()
    with page.expect_navigation():
        page.click(".page-head .actions a:has-text('培训档案')")
    assert f"/courses/file/{world.person_a.pk}/" in page.url
    _shot(session, f"ways-training-file-{size}")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= page.viewport_size["width"], width

    # A wrong address: the Chinese 404 page, with the navigation to go on.
    response = page.goto(session.base_url + "/no-such-page/")
    assert response.status == 404
    text = page.locator("body").inner_text()
    assert "页面不存在" in text and "花名册" in text
    _shot(session, f"ways-404-{size}")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= page.viewport_size["width"]
    assert not session.off_site_requests()
