"""A certificate is changed by whoever employs its holder now, checked in the services
themselves (not only on the pages): the system admin, or the admin of the holder's current
enterprise. An enterprise that has only asked for the person (a transfer request) or that
employed them before cannot suspend, revoke, review, renew or replace it, nor issue one by
hand, whichever door it calls them through."""

import pytest

from certificates.models import CertificateStatus, CertificateType
from certificates.services.issuing import CertificateError, certificate_issue
from certificates.services.lifecycle import (
    certificate_change_status,
    certificate_renew,
    certificate_replace,
    certificate_review,
)
from roster.services import transfer_accept
from tests.roster.transfer_scene import ask, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world):
    return build(world)


@pytest.fixture
def pending(scene):
    return ask(scene).transfer


@pytest.fixture
def certificate(scene):
    return certificate_issue(
        person=scene.person, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )


def test_the_asking_enterprise_cannot_suspend_the_persons_certificate(scene, certificate):
    ask(scene)
    with pytest.raises(CertificateError) as refused:
        certificate_change_status(
            certificate=certificate, kind="suspended", actor=scene.admin_b, reason="违章"
        )
    assert refused.value.code == "forbidden"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_a_regulator_cannot_change_a_certificate_through_the_service(scene, certificate):
    with pytest.raises(CertificateError):
        certificate_change_status(
            certificate=certificate, kind="suspended", actor=scene.regulator_both, reason="x"
        )


def test_the_asking_enterprise_cannot_issue_to_the_person_by_hand(scene):
    ask(scene)
    with pytest.raises(CertificateError) as refused:
        certificate_issue(
            person=scene.person,
            ctype=CertificateType.objects.get(code="TZ-DG"),
            actor=scene.admin_b,
        )
    assert refused.value.code == "forbidden"


def test_after_an_accepted_transfer_the_new_enterprise_manages_the_certificates(
    scene, certificate, pending
):
    transfer_accept(actor=scene.admin_a, transfer=pending)
    with pytest.raises(CertificateError):
        certificate_change_status(
            certificate=certificate, kind="suspended", actor=scene.admin_a, reason="x"
        )
    certificate_change_status(
        certificate=certificate, kind="suspended", actor=scene.admin_b, reason="违章作业"
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED


@pytest.mark.parametrize(
    "change",
    [
        lambda c, a: certificate_review(certificate=c, actor=a),
        lambda c, a: certificate_renew(certificate=c, actor=a, reason="延续"),
        lambda c, a: certificate_replace(certificate=c, actor=a, reason="遗失"),
        lambda c, a: certificate_change_status(certificate=c, kind="revoked", actor=a, reason="x"),
    ],
    ids=["review", "renew", "replace", "revoke"],
)
def test_every_lifecycle_step_refuses_an_enterprise_that_does_not_employ_the_holder(
    scene, certificate, change
):
    ask(scene)
    with pytest.raises(CertificateError) as refused:
        change(certificate, scene.admin_b)
    assert refused.value.code == "forbidden"
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.events.count() == 1
