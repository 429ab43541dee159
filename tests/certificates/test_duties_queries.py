"""The "what, by when" of one person reads each shared row once (certificates/services/
person_reads.py): the certificate rules, the current employment and the study settings, not
once per check that needs them; and the three pages that show it keep their query budgets
(the trainee's home is pinned in tests/notices/test_views.py)."""

import datetime as dt
from collections import Counter

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.models import CertificateType
from certificates.services.duties import person_duties
from certificates.services.issuing import certificate_issue

pytestmark = pytest.mark.django_db

ON = dt.date(2026, 6, 1)


@pytest.fixture
def holder(world):
    """person_a holds a 合格证 (renewal window) and a 低压电工 card (review window, practical
    exam after time away), so every certificate check runs."""
    for code in ("ZY-AQY", "TZ-DG"):
        certificate_issue(
            person=world.person_a,
            ctype=CertificateType.objects.get(code=code),
            actor=None,
            on=dt.date(2026, 1, 5),
        )
    return world.person_a


def tables(queries) -> Counter:
    return Counter(q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in queries)


def test_duties_read_the_rules_employment_and_settings_once(holder):
    with CaptureQueriesContext(connection) as read:
        duties = person_duties(person=holder, on=ON)
    assert any(d.key.startswith("renew:") for d in duties)
    assert any(d.key.startswith("review:") for d in duties)
    counts = tables(read.captured_queries)
    assert counts["certificates_certificaterule"] == 1
    assert counts["roster_employment"] == 1
    assert counts["courses_studysettings"] == 1
    assert counts["courses_creditentry"] == 1  # this year's and since taking the post, together
    assert len(read.captured_queries) <= 16


def _page_budget(client, url, budget, django_assert_max_num_queries):
    client.get(url)  # the session and caches warmed
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_my_certificates_page_keeps_its_budget(world, holder, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.trainee)
    _page_budget(client, reverse("certificates:mine"), 22, django_assert_max_num_queries)


def test_the_admins_person_page_keeps_its_budget(world, holder, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.enterprise_admin)
    url = reverse("certificates:person_windows", args=[holder.pk])
    _page_budget(client, url, 31, django_assert_max_num_queries)


def test_the_home_keeps_its_budget_with_certificates(world, holder, django_assert_max_num_queries):
    client = Client()
    client.force_login(world.trainee)
    _page_budget(client, reverse("home"), 27, django_assert_max_num_queries)
