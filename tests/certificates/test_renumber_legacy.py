"""Numbers of before the one-number rule (T + ID number + "-2"): the admin's command renames
each to the one T + ID number where no other live card holds it, signs the card again,
keeps the old number findable (a QR printed with it still verifies), reports and audits."""

from __future__ import annotations

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from certificates.models import Certificate, CertificateEvent, CertificateStatus, CertificateType
from certificates.services.issuing import certificate_issue
from certificates.services.keys import forget_ring
from certificates.services.signing import certificate_sign
from roster.models import AuditLog

from .test_qr_privacy import legacy_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    forget_ring()
    yield
    cache.clear()
    forget_ring()


def legacy_card(person, *, status=CertificateStatus.VALID):
    """A card as the product numbered a second item before the rule: T + ID + "-2"."""
    card = certificate_issue(
        person=person, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    Certificate.objects.filter(pk=card.pk).update(number=card.number + "-2", status=status)
    card.refresh_from_db()
    certificate_sign(card)
    return card


def run(*args) -> str:
    out = io.StringIO()
    call_command("renumber_legacy_certificates", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_reports_and_changes_nothing(world):
    card = legacy_card(world.person_a)
    before = (card.number, card.token)
    out = run("--dry-run")
    assert card.number in out and "T" + world.person_a.id_number in out
    card.refresh_from_db()
    assert (card.number, card.token) == before
    assert not card.events.filter(kind=CertificateEvent.Kind.RENUMBERED).exists()


def test_the_legacy_number_is_renamed_signed_again_and_still_verifies(world):
    card = legacy_card(world.person_a)
    old_number, old_token, old_legacy = card.number, card.token, legacy_token(card)
    report = json.loads(run("--json"))
    assert report["numbers"] == [
        {
            "id": card.pk,
            "old": old_number,
            "new": "T" + world.person_a.id_number,
            "done": True,
            "reason": "",
        }
    ]
    card.refresh_from_db()
    assert card.number == "T" + world.person_a.id_number
    assert card.former_number == old_number
    assert card.token != old_token  # signed again: the new QR carries the new number
    event = card.events.get(kind=CertificateEvent.Kind.RENUMBERED)
    assert event.details == {"from": old_number, "to": card.number}
    assert card.events.filter(kind=CertificateEvent.Kind.RESIGNED).exists()
    assert AuditLog.objects.filter(action="certificate.renumber").exists()
    client = Client()
    masked_new = "T" + world.person_a.id_number_masked
    # The card printed before (both token forms) and the new print all verify, as the card
    # is now numbered.
    for token in (old_token, old_legacy, card.token):
        answer = client.get(f"/api/verify/{token}").json()
        assert (answer["valid"], answer["status"]) == (True, "valid"), token
        assert answer["number"] == masked_new
    # Run again: nothing left to rename.
    assert json.loads(run("--json"))["numbers"] == []
    # The old number still finds the card for the command line (render_certificate).
    from certificates.management.commands.render_certificate import live_certificate

    assert live_certificate(old_number).pk == card.pk


def test_a_legacy_number_is_left_while_another_live_card_holds_the_one_number(world):
    first = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    second = legacy_card(world.person_b)  # made as person_a's second card of before the rule
    Certificate.objects.filter(pk=second.pk).update(
        person=world.person_a, number=first.number + "-2"
    )
    second.refresh_from_db()
    report = json.loads(run("--json"))["numbers"]
    assert [(r["old"], r["done"]) for r in report] == [(second.number, False)]
    assert first.number in report[0]["reason"]
    second.refresh_from_db()
    assert second.number == first.number + "-2" and second.former_number == ""


def test_a_cancelled_legacy_card_is_renamed_beside_a_live_one(world):
    """A dead card may carry the number beside the live one (the rule: the other card of the
    same number is not live, or this one is not)."""
    live = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    dead = legacy_card(world.person_b, status=CertificateStatus.CANCELLED)
    Certificate.objects.filter(pk=dead.pk).update(person=world.person_a, number=live.number + "-2")
    report = json.loads(run("--json"))["numbers"]
    assert [r["done"] for r in report] == [True]
    dead.refresh_from_db()
    assert dead.number == live.number and dead.former_number == live.number + "-2"
