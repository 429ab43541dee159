"""建筑施工 延续 "granted when training was done" (MISSION.md): a construction renewal is
refused, with the rule's name, the year and the hours, while a whole year of the validity
lacks the yearly training hours of the holder's category (20 学时 for the three types) in
the hours ledger; nothing is written. The condition is data (CertificateRule
renew_needs_yearly_training, the HoursRule's hours). Dates are given, never today's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from certificates.models import Certificate, CertificateRule, CertificateType
from certificates.services.issuing import CertificateError, certificate_issue
from certificates.services.lifecycle import certificate_renew
from courses.models import CreditEntry, HoursRule, TrainingKind

pytestmark = pytest.mark.django_db

APPLIED = dt.date(2028, 11, 1)  # inside the 3 months before the 2029-01-04 expiry


def card(world):
    return certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="JZ-C3"),
        actor=None,
        on=dt.date(2026, 1, 5),
    )


def train(person, on, hours, kind=TrainingKind.RETRAINING):
    CreditEntry.objects.create(
        person=person,
        on=on,
        source=CreditEntry.Source.CLASSROOM,
        training_kind=kind,
        minutes=45 * hours,
    )


def renew(world, certificate):
    return certificate_renew(
        certificate=certificate, actor=world.system_admin, reason="延续", on=APPLIED
    )


def test_the_construction_rule_asks_for_the_training():
    assert CertificateRule.objects.get(family="construction").renew_needs_yearly_training
    assert not CertificateRule.objects.get(family="principal_manager").renew_needs_yearly_training


def test_a_renewal_without_the_yearly_training_is_refused_with_nothing_written(world):
    certificate = card(world)
    train(world.person_a, dt.date(2027, 4, 1), 19)
    count = Certificate.objects.count()
    with translation.override("zh-hans"), pytest.raises(CertificateError) as err:
        renew(world, certificate)
    assert err.value.code == "training_not_done"
    assert "2027" in err.value.message and "19.0" in err.value.message and "20" in err.value.message
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    assert Certificate.objects.count() == count


def test_a_renewal_with_the_yearly_training_done_is_granted(world):
    certificate = card(world)
    train(world.person_a, dt.date(2027, 4, 1), 12)
    train(world.person_a, dt.date(2027, 9, 1), 8)
    new = renew(world, certificate)
    assert new.supersedes == certificate


def test_training_of_another_year_or_kind_does_not_count(world):
    certificate = card(world)
    train(world.person_a, dt.date(2028, 3, 1), 20)  # the application year, not a whole year
    train(world.person_a, dt.date(2027, 3, 1), 20, TrainingKind.SPECIAL)
    with pytest.raises(CertificateError) as err:
        renew(world, certificate)
    assert err.value.code == "training_not_done"


def test_the_hours_are_the_hours_rule_an_admin_changes(world):
    certificate = card(world)
    train(world.person_a, dt.date(2027, 4, 1), 16)
    with pytest.raises(CertificateError):
        renew(world, certificate)
    HoursRule.objects.filter(
        personnel_category="construction_c3",
        training_kind=TrainingKind.RETRAINING,
        industry__isnull=True,
    ).update(required_hours=Decimal(16))
    assert renew(world, certificate).supersedes == certificate


def test_turning_the_rule_off_grants_the_renewal_without_training(world):
    certificate = card(world)
    CertificateRule.objects.filter(family="construction").update(renew_needs_yearly_training=False)
    assert renew(world, certificate).supersedes == certificate
