"""Record retention (MISSION.md "records kept": ≥ 6 years for 特种作业, ≥ 3 years for 主要负责人 /
安全管理人员), kept as data on the certificate types and enforced wherever records are deleted:
a training record, a 三级 record, an exam attempt or a certificate younger than its retention
is refused with the rule's name and the date it may go, and nothing is deleted (a cascade
from a person or a classroom session included). Dates are given (`on`), never today's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone, translation

from certificates.models import Certificate, CertificateType
from certificates.services.issuing import certificate_issue
from certificates.services.retention import (
    RetentionError,
    delete_check,
    kept_until,
    retention_years,
)
from courses.models import ClassroomSession, CreditEntry, SafetyEducationRecord
from courses.services.classroom import SessionData, classroom_record, classroom_update
from courses.training_file import training_file
from question_banks.models import Attempt
from roster.choices import PersonnelCategory
from roster.models import Person
from tests.courses.test_classroom import sheet
from tests.factories import EmploymentFactory
from tests.question_banks.conftest import bank, rule  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _today():
    """Each test's own day in China: a run that passes midnight there (16:00 UTC) must not
    keep the day the module was read on."""
    global TODAY
    TODAY = timezone.localdate()


def person_of(world, category):
    return EmploymentFactory(enterprise=world.ent_a, category=category).person


def credit(person, on):
    return CreditEntry.objects.create(
        person=person, on=on, source="classroom", training_kind="retraining", minutes=45
    )


@pytest.mark.parametrize(
    ("category", "years"),
    [
        (PersonnelCategory.SPECIAL_OPERATOR, 6),
        (PersonnelCategory.PRINCIPAL, 3),
        (PersonnelCategory.SAFETY_MANAGER, 3),
        (PersonnelCategory.GENERAL, None),
    ],
)
def test_retention_per_category_comes_from_the_types(world, category, years):
    assert retention_years(person_of(world, category).pk) == years


def test_the_retention_is_data_an_admin_changes(world):
    person = person_of(world, PersonnelCategory.PRINCIPAL)
    CertificateType.objects.filter(family="principal_manager").update(records_kept_years=5)
    assert retention_years(person.pk) == 5


@pytest.mark.parametrize(
    ("category", "years"),
    [(PersonnelCategory.SPECIAL_OPERATOR, 6), (PersonnelCategory.SAFETY_MANAGER, 3)],
)
def test_a_training_record_inside_the_retention_is_not_deleted(world, category, years):
    person = person_of(world, category)
    young = credit(person, TODAY - dt.timedelta(days=365 * years - 10))
    with (
        translation.override("zh-hans"),
        pytest.raises(RetentionError) as err,
        transaction.atomic(),
    ):
        young.delete()
    message = " ".join(err.value.messages)
    assert f"档案至少保存 {years} 年" in message
    assert kept_until(person_id=person.pk, dated=young.on).isoformat() in message
    assert CreditEntry.objects.filter(pk=young.pk).exists()


def test_a_record_past_its_retention_may_be_deleted(world):
    person = person_of(world, PersonnelCategory.SAFETY_MANAGER)
    old = credit(person, dt.date(2015, 1, 1))
    old.delete()
    assert not CreditEntry.objects.filter(person=person).exists()


def test_a_general_workers_record_has_no_retention_rule(world):
    person = person_of(world, PersonnelCategory.GENERAL)
    credit(person, TODAY).delete()
    assert not CreditEntry.objects.filter(person=person).exists()


def test_the_check_reads_the_given_day(world):
    person = person_of(world, PersonnelCategory.SPECIAL_OPERATOR)
    dated = dt.date(2020, 5, 1)
    with pytest.raises(RetentionError):
        delete_check(person_id=person.pk, dated=dated, what="x", on=dt.date(2026, 5, 1))
    delete_check(person_id=person.pk, dated=dated, what="x", on=dt.date(2026, 5, 2))


def test_deleting_a_person_with_young_records_deletes_nothing(world):
    person = person_of(world, PersonnelCategory.SPECIAL_OPERATOR)
    credit(person, TODAY)
    SafetyEducationRecord.objects.create(
        person=person,
        enterprise=world.ent_a,
        level="company",
        reason="new_hire",
        held_on=TODAY,
        hours=Decimal(8),
    )
    with pytest.raises(RetentionError), transaction.atomic():
        Person.objects.filter(pk=person.pk).delete()
    assert Person.objects.filter(pk=person.pk).exists()
    assert CreditEntry.objects.filter(person=person).count() == 1
    assert SafetyEducationRecord.objects.filter(person=person).count() == 1


def test_a_taken_exam_attempt_is_kept_and_an_unopened_paper_is_not(world, rule):  # noqa: F811
    person = person_of(world, PersonnelCategory.SPECIAL_OPERATOR)
    now = timezone.now()
    taken = Attempt.objects.create(
        person=person, rule=rule, seed=1, started_at=now, finished_at=now
    )
    unopened = Attempt.objects.create(person=person, rule=rule, seed=2)
    with pytest.raises(RetentionError), transaction.atomic():
        taken.delete()
    assert Attempt.objects.filter(pk=taken.pk).exists()
    unopened.delete()
    assert not Attempt.objects.filter(pk=unopened.pk).exists()


def test_a_certificate_is_kept_its_retention_after_it_ends(world):
    card = certificate_issue(
        person=world.person_a,
        ctype=CertificateType.objects.get(code="TZ-DG"),
        actor=None,
        on=dt.date(2010, 1, 1),
    )
    assert card.valid_until == dt.date(2015, 12, 31)
    with pytest.raises(RetentionError):
        delete_check(
            person_id=card.person_id, dated=card.valid_until, what="x", on=dt.date(2021, 12, 31)
        )
    delete_check(person_id=card.person_id, dated=card.valid_until, what="x", on=dt.date(2022, 1, 1))
    Certificate.objects.filter(pk=card.pk).update(valid_until=TODAY)
    card.refresh_from_db()
    card.events.all().delete()
    with pytest.raises(RetentionError), transaction.atomic():
        card.delete()
    assert Certificate.objects.filter(pk=card.pk).exists()


def test_a_classroom_session_still_corrects_its_own_credits(world):
    person = person_of(world, PersonnelCategory.SPECIAL_OPERATOR)
    other = person_of(world, PersonnelCategory.SPECIAL_OPERATOR)
    data = SessionData(
        title="低压电工复训",
        training_kind="retraining",
        held_on=TODAY,
        hours=Decimal("2.0"),
        trainer="王老师",
    )
    session = classroom_record(
        enterprise=world.ent_a, data=data, attendees=[person], sign_in_sheet=sheet(), actor=None
    )
    classroom_update(session=session, data=data, attendees=[other], actor=None)
    assert list(CreditEntry.objects.filter(classroom=session).values_list("person", flat=True)) == [
        other.pk
    ]
    # Deleting the session itself would take the credits with it: refused.
    with pytest.raises(RetentionError), transaction.atomic():
        ClassroomSession.objects.filter(pk=session.pk).delete()
    assert CreditEntry.objects.filter(classroom=session).exists()


def test_the_training_file_shows_at_least_the_retention(world):
    person = person_of(world, PersonnelCategory.SPECIAL_OPERATOR)
    credit(person, dt.date(2015, 3, 1))
    CertificateType.objects.filter(family="special_operation").update(records_kept_years=8)
    tf = training_file(person=person, on=dt.date(2025, 12, 31))
    assert [c.year for c in tf.compliance] == list(range(2025, 2017, -1))
    CertificateType.objects.filter(family="special_operation").update(records_kept_years=6)
    tf = training_file(person=person, on=dt.date(2025, 12, 31))
    assert len(tf.compliance) == 6
