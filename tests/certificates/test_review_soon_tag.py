"""A certificate whose review (复审) falls due soon while its validity runs for years is
tagged 复审将到期, not 即将到期 (which says the card itself runs out); a card that does run
out soon keeps 即将到期. The holder's page, the holders' list and the verify page agree."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateState, CertificateType
from certificates.selectors import certificate_list
from certificates.services.issuing import certificate_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(world):
    """person_a's 低压电工 card: valid for five more years, its review due in 30 days."""
    today = timezone.localdate()
    card = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    Certificate.objects.filter(pk=card.pk).update(
        valid_until=today + dt.timedelta(days=5 * 365), next_review_on=today + dt.timedelta(30)
    )
    card.refresh_from_db()
    return card


def test_a_review_due_soon_is_not_called_expiring(card):
    assert card.state() == CertificateState.REVIEW_SOON


def test_the_holder_sees_review_due_soon_not_expiring(world, card):
    client = Client()
    client.force_login(world.trainee)

    page = client.get(reverse("certificates:mine")).content.decode()

    assert "复审将到期" in page
    assert "即将到期" not in page


def test_a_card_that_runs_out_soon_is_still_expiring(world, card):
    today = timezone.localdate()
    Certificate.objects.filter(pk=card.pk).update(
        valid_until=today + dt.timedelta(days=30), next_review_on=None
    )
    client = Client()
    client.force_login(world.trainee)

    page = client.get(reverse("certificates:mine")).content.decode()

    assert "即将到期" in page and "复审将到期" not in page


def test_the_holders_list_filters_review_due_soon_apart_from_expiring(world, card):
    listed = certificate_list(user=world.system_admin, state=CertificateState.REVIEW_SOON)
    expiring = certificate_list(user=world.system_admin, state=CertificateState.EXPIRING)

    assert [c.pk for c in listed] == [card.pk]
    assert list(expiring) == []
    client = Client()
    client.force_login(world.enterprise_admin)
    page = client.get(reverse("certificates:holders")).content.decode()
    assert "复审将到期" in page
