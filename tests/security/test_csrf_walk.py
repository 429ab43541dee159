"""Every write of the walk refuses a request without its CSRF token (a page of another site
that posts a form in the signed-in user's name).

The test client skips CSRF by default, so test_url_walk proves scope, not this; here every
PROTECTED pattern that takes POST (or PATCH on the API) is sent by the user who may use it,
through a client that enforces CSRF, with the body that changes something: refused (403), and
no row of the project's tables changed. The JSON API signs in by the session cookie, so it
must refuse the same way; only the exam pass (a header a page of another site cannot set) is
exempt, and it is not a cookie."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import changed_tables, database_fingerprint
from .test_url_walk import PROTECTED, send

pytestmark = pytest.mark.django_db

WRITES = sorted(
    name
    for name, spec in PROTECTED.items()
    if (("POST" in spec.methods or spec.api) and spec.methods != ("GET",)) or spec.effective
)


def _csrf_client(scene, who: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    client.force_login(scene.users[who])
    return client


def test_the_walk_has_writes_to_check():
    assert len(WRITES) > 40


@pytest.mark.parametrize("name", WRITES)
def test_a_write_without_its_csrf_token_is_refused(name, scene):
    spec = PROTECTED[name]
    if spec.prepare:
        spec.prepare(scene)
    url = spec.url(scene)
    data = spec.data(scene) if spec.data else None
    client = _csrf_client(scene, spec.right)
    before = database_fingerprint()

    methods = [m for m in ("POST", "PATCH", "PUT", "DELETE") if m in spec.methods or spec.api]
    for method in methods:
        response = send(client, method, url, data, spec.api, spec.multipart)
        assert response.status_code in (403, 405), (
            f"{spec.right} {method} {url} without a CSRF token: {response.status_code}"
        )

    assert changed_tables(before, database_fingerprint()) == [], f"written without CSRF: {url}"
