"""Forged numbers, dates and ids on every write and every page of the walk: a clear refusal
(4xx, or the form again with the message beside the field), never a server error.

test_url_walk's PROTECTED entries carry a POST body that changes something when the right
user sends it; here each number or date in that body is replaced, one at a time, by what an
attacker types into a forged form (a huge number, a negative one, a date in year 1 or 9999,
a value that is no number at all), and each integer in the URL by an id past any column."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from .test_url_walk import PROTECTED, send, url_patterns

pytestmark = pytest.mark.django_db

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")

NUMBERS = ("9" * 30, "-1", "1e400", "NaN", "2147483648")
DATES = ("0001-01-01", "9999-12-31", "2026-02-30", "20260101")


def _forgeries(data: dict) -> list[tuple[str, object]]:
    found = []
    for key, value in data.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if isinstance(value, bool) or hasattr(value, "read"):
            continue
        if isinstance(value, (int, float)) or (isinstance(value, str) and _NUMBER.match(value)):
            found += [(key, forged) for forged in NUMBERS]
        elif isinstance(value, str) and _DATE.match(value):
            found += [(key, forged) for forged in DATES]
        elif (
            isinstance(value, (list, tuple))
            and value
            and all(isinstance(v, int) or (isinstance(v, str) and v.isdigit()) for v in value)
        ):
            found += [(key, [forged]) for forged in ("9" * 30, "-1", "x")]
    return found


FORM_WRITES = sorted(
    name
    for name, spec in PROTECTED.items()
    if spec.data and not spec.api and not spec.multipart and "POST" in spec.methods
)


@pytest.mark.parametrize("name", FORM_WRITES)
def test_forged_numbers_and_dates_in_a_form_are_no_server_error(name, scene):
    spec = PROTECTED[name]
    if spec.prepare:
        spec.prepare(scene)
    url = spec.url(scene)
    data = spec.data(scene)
    client = scene.client(spec.right)
    failures = []
    for key, forged in _forgeries(data):
        response = send(client, "POST", url, {**data, key: forged}, False)
        if response.status_code >= 500:
            failures.append((key, forged, response.status_code))
    assert not failures, f"{spec.right} POST {url}: {failures}"


_ID = re.compile(r"/(\d+)(?=/|$|\.|\?)")

PAGES_WITH_IDS = sorted(
    name
    for name, route in url_patterns().items()
    if "<int:" in route and name in PROTECTED and "GET" in PROTECTED[name].methods
)


@pytest.mark.parametrize("name", PAGES_WITH_IDS)
def test_an_id_past_any_column_in_the_address_is_not_found(name, scene):
    spec = PROTECTED[name]
    if spec.prepare:
        spec.prepare(scene)
    url = spec.url(scene)
    assert _ID.search(url), url
    client = scene.client(spec.right)
    for huge in (str(2**63), "9" * 30):
        forged = _ID.sub(f"/{huge}", url, count=1)
        response = client.get(forged)
        assert response.status_code in (400, 403, 404, 422), f"GET {forged}"
