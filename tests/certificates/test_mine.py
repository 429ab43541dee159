"""The holder's side: my certificates (only mine), the QR on screen, the PDF download (the
holder or staff in scope, nobody else) and the notifications page."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from certificates.models import Certificate, CertificateType, Notification
from certificates.services.issuing import certificate_issue
from certificates.services.lifecycle import certificate_change_status
from roster.models import AuditLog

pytestmark = pytest.mark.django_db

PEOPLE = ["person_a", "person_a_chem", "person_b", "person_other"]
PDF_SCOPE = {
    "trainee": {"person_a"},
    "enterprise_admin": {"person_a"},
    "regulator_county": {"person_a", "person_a_chem", "person_b"},
    "regulator_township_chem": {"person_a_chem"},
    "trainer": {"person_b"},
    "system_admin": set(PEOPLE),
    "no_role": set(),
}


def client_as(world, role: str) -> Client:
    client = Client()
    client.force_login(getattr(world, role))
    return client


def issue(person, code="TZ-DG", on=None):
    return certificate_issue(
        person=person, ctype=CertificateType.objects.get(code=code), actor=None, on=on
    )


@pytest.fixture
def certs(world):
    return {key: issue(getattr(world, key)) for key in PEOPLE}


def test_my_certificates_lists_only_my_own(world, certs):
    issue(world.person_a, code="ZY-AQY")
    response = client_as(world, "trainee").get(reverse("certificates:mine"))
    assert response.status_code == 200
    assert {c.person for c in response.context["certificates"]} == {world.person_a}
    assert len(response.context["certificates"]) == 2
    content = response.content.decode()
    for key in ["person_a_chem", "person_b", "person_other"]:
        assert certs[key].number not in content
        assert getattr(world, key).name not in content


def test_staff_see_their_own_certificates_there_not_the_ones_they_manage(world, certs):
    response = client_as(world, "system_admin").get(reverse("certificates:mine"))
    assert response.status_code == 200
    assert response.context["certificates"] == []


def test_my_certificate_in_force_shows_its_qr_code_and_pdf_links(world, certs):
    response = client_as(world, "trainee").get(reverse("certificates:mine"))
    content = response.content.decode()
    assert content.count("<svg") == 1
    assert 'shape-rendering="crispEdges"' in content
    pdf = reverse("certificates:pdf", args=[certs["person_a"].pk])
    assert f"{pdf}?variant=a4" in content and f"{pdf}?variant=card" in content


def test_a_suspended_certificate_shows_its_state_and_no_qr_code(world, certs):
    certificate_change_status(
        certificate=certs["person_a"], kind="suspended", actor=None, reason="违章作业"
    )
    response = client_as(world, "trainee").get(reverse("certificates:mine"))
    [certificate] = response.context["certificates"]
    assert certificate.state_now == "suspended"
    assert certificate.qr is None
    assert "<svg" not in response.content.decode()


def test_an_expired_certificate_is_listed_without_a_qr_code(world):
    certificate = issue(world.person_a, on=dt.date(2018, 1, 1))
    response = client_as(world, "trainee").get(reverse("certificates:mine"))
    assert [c.pk for c in response.context["certificates"]] == [certificate.pk]
    assert response.context["certificates"][0].state_now == "expired"
    assert "<svg" not in response.content.decode()


def test_an_account_without_a_person_is_told_so(world):
    response = client_as(world, "no_role").get(reverse("certificates:mine"))
    assert response.status_code == 200
    assert response.context["has_person"] is False


def test_anonymous_is_sent_to_sign_in(world, certs):
    for url in [
        reverse("certificates:mine"),
        reverse("certificates:pdf", args=[certs["person_a"].pk]),
        reverse("certificates:notifications"),
    ]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# --- the PDF -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", list(PDF_SCOPE))
def test_pdf_download_is_for_the_holder_and_staff_in_scope(world, certs, role):
    client = client_as(world, role)
    statuses = {
        key: client.get(reverse("certificates:pdf", args=[certs[key].pk])).status_code
        for key in PEOPLE
    }
    assert statuses == {key: 200 if key in PDF_SCOPE[role] else 404 for key in PEOPLE}


@pytest.mark.parametrize("variant", ["a4", "card"])
def test_pdf_download_returns_a_pdf_and_is_audited(world, certs, variant):
    certificate = certs["person_a"]
    response = client_as(world, "trainee").get(
        reverse("certificates:pdf", args=[certificate.pk]), {"variant": variant}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert world.person_a.id_number not in response["Content-Disposition"]
    row = AuditLog.objects.get(action="certificate.pdf")
    assert (row.actor, row.target_id, row.data) == (
        world.trainee,
        str(certificate.pk),
        {"variant": variant},
    )


def test_pdf_with_an_unknown_variant_is_refused(world, certs):
    response = client_as(world, "trainee").get(
        reverse("certificates:pdf", args=[certs["person_a"].pk]), {"variant": "poster"}
    )
    assert response.status_code == 400
    assert not AuditLog.objects.filter(action="certificate.pdf").exists()


def test_pdf_of_a_missing_certificate_is_404(world, certs):
    missing = Certificate.objects.order_by("-pk").first().pk + 1
    response = client_as(world, "system_admin").get(reverse("certificates:pdf", args=[missing]))
    assert response.status_code == 404


# --- notifications -------------------------------------------------------------------------


def test_notifications_page_shows_only_mine_and_marks_them_read(world):
    Notification.objects.create(user=world.trainee, title="证书将于到期", url="/certificates/mine/")
    Notification.objects.create(user=world.enterprise_admin, title="别人的通知")
    client = client_as(world, "trainee")
    response = client.get(reverse("certificates:notifications"))
    content = response.content.decode()
    assert "证书将于到期" in content and "别人的通知" not in content
    assert response.context["unread"] == 1
    response = client.post(reverse("certificates:notifications_read"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=world.trainee, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=world.enterprise_admin, read_at__isnull=True).exists()


def test_marking_read_needs_a_post(world):
    Notification.objects.create(user=world.trainee, title="t")
    response = client_as(world, "trainee").get(reverse("certificates:notifications_read"))
    assert response.status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
