"""ID numbers and phone numbers never reach the logs (production-readiness: personal data
"encrypted at rest or at least never logged").

Every logger is captured at DEBUG while a person's number goes through the ways it travels:
sign-in by ID number and by phone (failing, locked out), the roster form, the roster API's
search, an unknown URL carrying the number, the verify page and API of a certificate whose
number is the ID number. Nothing captured may hold the number or the phone, in the message
or in its arguments."""

from __future__ import annotations

import io
import logging

import pytest
from django.test import Client

from certificates.models import CertificateType
from certificates.services.issuing import certificate_issue
from config.logging import HidePersonalData
from roster.choices import PersonnelCategory
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db
PHONE = "13900990077"


@pytest.fixture
def log_output():
    """What the configured handlers write (their filters included), with every logger at
    DEBUG so that nothing is left out for being below the level."""
    root = logging.getLogger()
    handlers = [h for h in root.handlers if any(isinstance(f, HidePersonalData) for f in h.filters)]
    assert handlers, "no handler with the personal-data filter (settings.LOGGING)"
    out = io.StringIO()
    saved = [(h, h.stream, h.level) for h in handlers]
    level = root.level
    root.setLevel(logging.DEBUG)
    for handler in handlers:
        handler.setStream(out)
        handler.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        root.setLevel(level)
        for handler, stream, handler_level in saved:
            handler.setStream(stream)
            handler.setLevel(handler_level)


def test_numbers_never_reach_the_logs(world, settings, log_output):
    settings.LOGIN_THROTTLE = {"ACCOUNT_FAILURES": 3, "ADDRESS_FAILURES": 50}
    person = world.person_a
    person.phone = PHONE
    person.save(update_fields=["phone"])
    id_number = person.id_number
    anonymous = Client()

    for login in (id_number, PHONE, id_number.lower(), id_number, PHONE):
        anonymous.post("/accounts/login/", {"username": login, "password": "wrong"})
    anonymous.get(f"/roster/people/{id_number}/x/")  # a 404 whose path holds the number
    anonymous.get(f"/api/people?q={id_number}")  # refused: not signed in

    admin = Client()
    admin.force_login(world.enterprise_admin)
    new_id = make_id_number(seq=977)
    admin.post(
        "/roster/people/new/",
        {
            "enterprise": world.ent_a.uscc,
            "name": "王小明",
            "id_number": new_id,
            "phone": "13800138077",
            "category": PersonnelCategory.SPECIAL_OPERATOR,
            "employment_form": "regular",
            "hire_date": "2024-03-01",
        },
    )
    admin.post("/roster/people/new/", {"id_number": new_id[:-1] + "0", "phone": "1380013807"})
    admin.get(f"/api/people?q={id_number}")
    admin.get(f"/api/people?q={PHONE}")

    ctype = CertificateType.objects.get(code="TZ-DG")  # numbered T + the ID number
    cert = certificate_issue(person=person, ctype=ctype, actor=None)
    anonymous.get(f"/verify/{cert.token}")
    anonymous.get(f"/api/verify/{cert.token}")
    anonymous.get(f"/verify/{cert.token[:-3]}XYZ")
    anonymous.get(f"/VERIFY/{cert.token[:-3]}999")  # the printed QR's upper-case path

    text = log_output.getvalue()
    # The capture works: the refused sign-ins and the unknown URL were logged, masked.
    assert "Not Found: /roster/people/<id-number>/x/" in text
    secrets = (id_number, id_number.lower(), PHONE, new_id, "13800138077", cert.token)
    for secret in (*secrets, cert.token[:-3]):
        assert secret not in text, secret


def test_a_verify_path_is_blanked_in_any_case():
    from config.logging import hide_personal_data

    token = "2109" * 120  # a compact token is digits only
    for path in (f"/verify/{token}", f"/VERIFY/{token}", f"/api/verify/{token}"):
        assert token not in hide_personal_data(f"Not Found: {path}")
