"""The special-operation certificate's lifecycle rules (issue 26), one test per rule, each on a
fixed clock (the services take the day as `on`): refused with the rule's name and the date or
hours it allows, nothing written.

1. One number per person: T + ID number, again after 注销 (cancel) and after 撤销 (revoke) once
   its 3-year bar has run out; two live cards never share it.
2. Theory AND practical, each passed: the certificate is issued by whichever comes last, once.
3. Review (复审) from the records: a passed review exam, no unfit health check, no repeated
   violations or accident penalty in the validity.
4. One resit, then retrain: no new candidacy for the item until the training hours after the
   failed resit meet the rule.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateStatus,
    CertificateType,
    ConductRecord,
    HealthCheck,
    PracticalExam,
)
from certificates.services.health import health_check_record
from certificates.services.issuing import (
    CertificateError,
    certificate_issue,
    certificate_issue_for_attempt,
)
from certificates.services.lifecycle import certificate_change_status, certificate_review
from certificates.services.numbering import number_allocate
from certificates.services.windows import person_windows, retrain_needed
from certificates.tasks import issue_certificate_for_attempt_task
from courses.models import CreditEntry, StudySettings, TrainingKind, ViolationRetraining
from question_banks.models import Candidate, ExamSession
from question_banks.services.candidates import candidates_from_id_numbers
from question_banks.services.sessions import session_add_candidates
from roster.choices import Role
from roster.models import RoleGrant
from tests.factories import UserFactory

from .conftest import credit_review_hours, passed_exam, record_practical, take_exam

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages read in English here, whatever the Chinese catalogue says."""
    with translation.override("en"):
        yield


def ctype(code: str) -> CertificateType:
    return CertificateType.objects.get(code=code)


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


# 1. One number per person ---------------------------------------------------------------


def test_a_card_after_cancellation_carries_the_same_t_plus_id_number(world):
    person = world.person_a
    first = certificate_issue(
        person=person, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    certificate_change_status(
        certificate=first, kind=CertificateEvent.Kind.CANCELLED, actor=None, reason="本人申请注销"
    )
    again = certificate_issue(
        person=person, ctype=ctype("TZ-GY"), actor=None, on=dt.date(2026, 9, 1)
    )
    assert again.pk != first.pk
    assert again.number == first.number == "T" + person.id_number
    assert not Certificate.objects.filter(number__contains="-").exists()


def test_after_revocation_the_bar_runs_three_years_then_the_same_number(world):
    person = world.person_a
    first = certificate_issue(
        person=person, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    certificate_change_status(
        certificate=first, kind=CertificateEvent.Kind.REVOKED, actor=None, reason="事故撤销"
    )
    first.events.filter(kind=CertificateEvent.Kind.REVOKED).update(at=at(dt.date(2026, 6, 1)))
    count = Certificate.objects.count()
    with pytest.raises(CertificateError) as err:
        certificate_issue(person=person, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2029, 5, 31))
    assert err.value.code == "revocation_bar"
    assert "3" in err.value.message and "2029-06-01" in err.value.message
    assert Certificate.objects.count() == count
    again = certificate_issue(
        person=person, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2029, 6, 1)
    )
    assert again.number == "T" + person.id_number
    assert Certificate.objects.get(pk=first.pk).status == CertificateStatus.REVOKED


def test_two_live_cards_never_share_a_number(world):
    person = world.person_a
    card = certificate_issue(person=person, ctype=ctype("TZ-DG"), actor=None)
    with pytest.raises(CertificateError) as err:
        number_allocate(ctype=ctype("TZ-GY"), person=person, on=timezone.localdate())
    assert err.value.code == "number_taken" and card.number in err.value.message
    # And the database says so too (unique_live_certificate_number), for a suspended card.
    Certificate.objects.filter(pk=card.pk).update(status=CertificateStatus.SUSPENDED)
    clone = Certificate.objects.get(pk=card.pk)
    clone.pk, clone.public_id, clone.status_index, clone.status = None, "x" * 16, 7, "valid"
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


# 2. Theory AND practical, each passed -------------------------------------------------------


def test_a_theory_pass_alone_issues_nothing_and_says_by_when(
    cert_session, world, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = take_exam(cert_session, world.person_a, now)
    assert attempt.passed and not Certificate.objects.exists()
    assert issue_certificate_for_attempt_task(attempt.pk) is None
    with pytest.raises(CertificateError) as err:
        certificate_issue_for_attempt(attempt_id=attempt.pk)
    until = timezone.localtime(attempt.finished_at).date() + relativedelta(months=12)
    assert err.value.code == "practical_pending"
    assert "theory and practical exam, each passed" in err.value.message
    assert until.isoformat() in err.value.message
    assert not Certificate.objects.exists()


def test_the_passed_practical_issues_the_certificate_once(world):
    theory = passed_exam(world, world.person_a, dt.date(2026, 4, 1))
    failed = record_practical(world.person_a, dt.date(2026, 4, 20), score=70)
    assert not failed.passed and failed.certificate is None
    assert not Certificate.objects.exists()
    recorded = record_practical(world.person_a, dt.date(2026, 5, 10))
    certificate = recorded.certificate
    assert certificate is not None and certificate.attempt == theory
    assert certificate.number == "T" + world.person_a.id_number
    # Dated by the practical, the later of the two.
    assert certificate.valid_from == certificate.first_issued_on == dt.date(2026, 5, 10)
    # A retried task, or another passed practical, issues nothing twice.
    assert issue_certificate_for_attempt_task(theory.pk) == certificate.number
    assert record_practical(world.person_a, dt.date(2026, 5, 20)).certificate is None
    assert Certificate.objects.count() == 1


def test_a_practical_of_another_item_issues_nothing(world):
    passed_exam(world, world.person_a, dt.date(2026, 4, 1))  # 低压电工 theory
    passed_exam(world, world.person_a, dt.date(2026, 4, 2), "TZ-GY")
    record_practical(world.person_a, dt.date(2026, 5, 10), "TZ-GY")
    card = Certificate.objects.get()
    assert [i.certificate_type.code for i in card.items.all()] == ["TZ-GY"]


def test_a_principal_certificate_is_still_issued_on_the_exam_pass(
    cert_session, world, now, django_capture_on_commit_callbacks
):
    cert_session.certificate_type_code = "ZY-AQY"
    cert_session.save(update_fields=["certificate_type_code"])
    with django_capture_on_commit_callbacks(execute=True):
        attempt = take_exam(cert_session, world.person_a, now)
    assert Certificate.objects.get(attempt=attempt).certificate_type.code == "ZY-AQY"
    assert not PracticalExam.objects.exists()


def test_the_trainer_records_the_practical_on_the_web_and_the_certificate_is_issued(world):
    passed_exam(world, world.person_b, timezone.localdate() - dt.timedelta(days=3))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.trainer)
    response = client.post(
        reverse("certificates:practical_add", args=[world.person_b.pk]),
        {
            "practical-certificate_type": ctype("TZ-DG").pk,
            "practical-taken_on": timezone.localdate().isoformat(),
            "practical-examiner": "李考评员",
            "practical-score": "88",
        },
        follow=True,
    )
    certificate = Certificate.objects.get(person=world.person_b)
    page = response.content.decode()
    assert certificate.number in page and "is issued" in page


# 3. Review (复审) from the records -----------------------------------------------------------


@pytest.fixture
def card(world):
    """person_a's 低压电工 card from 2026-03-01, review due 2029-03-01, 8 review hours done."""
    card = certificate_issue(
        person=world.person_a, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    credit_review_hours(world.person_a, dt.date(2028, 12, 1))
    return card


def review(card):
    return certificate_review(
        certificate=card, actor=None, on=dt.date(2029, 1, 20), applied_on=dt.date(2028, 12, 20)
    )


def snapshot(card):
    card.refresh_from_db()
    return (card.next_review_on, card.last_reviewed_on, card.events.count())


def test_a_review_without_a_passed_review_exam_is_refused(card, world):
    before = snapshot(card)
    passed_exam(world, world.person_a, dt.date(2026, 2, 1))  # the first theory: before
    passed_exam(world, world.person_a, dt.date(2029, 1, 10), passed=False)
    with pytest.raises(CertificateError) as err:
        review(card)
    assert err.value.code == "no_review_exam"
    assert "a review needs a passed review exam" in err.value.message
    assert "2026-03-01" in err.value.message and "2029-03-01" in err.value.message
    assert snapshot(card) == before
    exam = passed_exam(world, world.person_a, dt.date(2029, 1, 12))
    review(card)
    assert card.events.get(kind="reviewed").details["attempt"] == exam.pk


def test_a_failed_review_exam_given_is_refused(card, world):
    failed = passed_exam(world, world.person_a, dt.date(2029, 1, 10), passed=False)
    with pytest.raises(CertificateError) as err:
        certificate_review(
            certificate=card,
            actor=None,
            on=dt.date(2029, 1, 20),
            applied_on=dt.date(2028, 12, 20),
            attempt=failed,
        )
    assert err.value.code == "not_passed"


def test_a_review_after_an_unfit_health_check_is_refused_until_a_fit_one(card, world):
    passed_exam(world, world.person_a, dt.date(2029, 1, 10))
    health_check_record(
        actor=world.enterprise_admin,
        person=world.person_a,
        on=dt.date(2028, 11, 5),
        fit=False,
        today=dt.date(2028, 11, 5),
    )
    before = snapshot(card)
    with pytest.raises(CertificateError) as err:
        review(card)
    assert err.value.code == "health_unfit"
    assert "no review after a failed health check" in err.value.message
    assert "2028-11-05" in err.value.message
    assert snapshot(card) == before
    health_check_record(
        actor=world.enterprise_admin,
        person=world.person_a,
        on=dt.date(2029, 1, 8),
        fit=True,
        today=dt.date(2029, 1, 8),
    )
    review(card)


def test_repeated_violations_in_the_validity_refuse_the_review(card, world):
    passed_exam(world, world.person_a, dt.date(2029, 1, 10))
    for day in (dt.date(2026, 2, 1), dt.date(2027, 5, 1)):  # one before the validity
        ViolationRetraining.objects.create(
            person=world.person_a, enterprise=world.ent_a, violation="违章操作", off_job_from=day
        )
    review(card)  # one in the validity: not repeated
    card2 = certificate_issue(
        person=world.person_b, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    credit_review_hours(world.person_b, dt.date(2028, 12, 1))
    passed_exam(world, world.person_b, dt.date(2029, 1, 10))
    for day in (dt.date(2027, 5, 1), dt.date(2028, 7, 1)):
        ViolationRetraining.objects.create(
            person=world.person_b, enterprise=world.ent_b, violation="违章指挥", off_job_from=day
        )
    before = snapshot(card2)
    with pytest.raises(CertificateError) as err:
        review(card2)
    assert err.value.code == "violations"
    assert "2027-05-01" in err.value.message and "2028-07-01" in err.value.message
    assert snapshot(card2) == before


def test_an_accident_penalty_in_the_validity_refuses_the_review(card, world):
    passed_exam(world, world.person_a, dt.date(2029, 1, 10))
    record = ConductRecord.objects.create(
        person=world.person_a,
        kind=ConductRecord.Kind.ACCIDENT_PENALTY,
        on=dt.date(2026, 2, 28),  # the day before the validity
        description="触电事故负有责任",
    )
    review(card)
    card.refresh_from_db()
    ConductRecord.objects.filter(pk=record.pk).update(on=dt.date(2026, 3, 1))
    card2 = certificate_issue(
        person=world.person_b, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )
    credit_review_hours(world.person_b, dt.date(2028, 12, 1))
    passed_exam(world, world.person_b, dt.date(2029, 1, 10))
    ConductRecord.objects.create(
        person=world.person_b,
        kind=ConductRecord.Kind.ACCIDENT_PENALTY,
        on=dt.date(2027, 8, 8),
        description="高处坠落事故负有责任",
    )
    before = snapshot(card2)
    with pytest.raises(CertificateError) as err:
        review(card2)
    assert err.value.code == "accident" and "2027-08-08" in err.value.message
    assert snapshot(card2) == before


def test_the_enterprise_admin_records_a_health_check_on_the_web(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    url = reverse("certificates:health_add", args=[world.person_a.pk])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    client.force_login(world.enterprise_admin)
    response = client.post(url, {"health-on": tomorrow, "health-fit": "0", "health-note": "血压高"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "血压高" in page and tomorrow in page  # what was typed is kept
    assert not HealthCheck.objects.exists()
    today = timezone.localdate().isoformat()
    response = client.post(url, {"health-on": today, "health-fit": "0", "health-note": "血压高"})
    assert response.status_code == 302
    check = HealthCheck.objects.get()
    assert (check.fit, check.recorded_by) == (False, world.enterprise_admin)
    # The person themself, the county regulator and a trainer record nothing.
    for outsider in (world.trainee, world.regulator_county, world.trainer):
        client.force_login(outsider)
        assert client.post(url, {"health-on": today, "health-fit": "1"}).status_code in (403, 404)
    assert HealthCheck.objects.count() == 1


# 4. One resit, then retrain -----------------------------------------------------------------


def credit_training(person, on: dt.date, hours: int):
    per_hour = StudySettings.load().classroom_minutes_per_hour
    return CreditEntry.objects.create(
        person=person,
        on=on,
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.PRE_JOB,
        minutes=hours * per_hour,
    )


@pytest.fixture
def new_session(world, cert_session):
    """The next 低压电工 session, whose list person_a would join."""
    return ExamSession.objects.create(
        code="S2",
        name="2026年第2期低压电工考试",
        rule=cert_session.rule,
        opens_at=cert_session.opens_at + dt.timedelta(days=30),
        closes_at=cert_session.closes_at + dt.timedelta(days=30),
        training_body=world.trainer_body,
        region=world.township_b,
        certificate_type_code="TZ-DG",
    )


def test_one_failure_allows_the_resit(world, new_session):
    passed_exam(world, world.person_a, dt.date(2026, 4, 1), passed=False)
    assert session_add_candidates(session=new_session, actor=None, people=[world.person_a]) == 1


def test_a_failed_resit_refuses_a_new_candidacy_until_retrained(world, new_session):
    passed_exam(world, world.person_a, dt.date(2026, 4, 1), passed=False)
    passed_exam(world, world.person_a, dt.date(2026, 4, 15), passed=False)  # the resit
    credit_training(world.person_a, dt.date(2026, 4, 15), 30)  # the same day: not after
    credit_training(world.person_a, dt.date(2026, 5, 1), 10)
    with pytest.raises(ValidationError) as err:
        session_add_candidates(session=new_session, actor=None, people=[world.person_a])
    message = " ".join(err.value.messages)
    assert "one resit, then retrain" in message
    assert "2026-04-15" in message and "24" in message and "10.0" in message
    assert not Candidate.objects.filter(session=new_session).exists()
    # Pasted ID numbers: the line is named with the same reason, nobody added.
    people, problems = candidates_from_id_numbers(
        actor=world.system_admin, session=new_session, text=world.person_a.id_number
    )
    assert people == [] and "2026-04-15" in problems[0].reason
    # What, by when: the person and their admin see the retraining it waits for.
    [window] = [w for w in person_windows(person=world.person_a) if w.key.startswith("retrain:")]
    assert "24" in window.what and "2026-04-15" in window.what
    # 14 more hours after the resit meet the rule (24): the candidacy goes through.
    credit_training(world.person_a, dt.date(2026, 5, 20), 14)
    assert (
        retrain_needed(person=world.person_a, ctype=ctype("TZ-DG"), on=timezone.localdate()) is None
    )
    assert session_add_candidates(session=new_session, actor=None, people=[world.person_a]) == 1


def test_after_retraining_the_next_exam_and_its_resit_count_afresh(world):
    for day in (dt.date(2026, 4, 1), dt.date(2026, 4, 15)):
        passed_exam(world, world.person_a, day, passed=False)
    credit_training(world.person_a, dt.date(2026, 5, 1), 24)
    passed_exam(world, world.person_a, dt.date(2026, 6, 1), passed=False)  # retrained, 1st
    assert (
        retrain_needed(person=world.person_a, ctype=ctype("TZ-DG"), on=dt.date(2026, 6, 2)) is None
    )
    passed_exam(world, world.person_a, dt.date(2026, 6, 15), passed=False)  # its resit
    need = retrain_needed(person=world.person_a, ctype=ctype("TZ-DG"), on=dt.date(2026, 6, 16))
    assert need is not None and need.failed_on == dt.date(2026, 6, 15)
    assert need.hours_done == Decimal("0.0")


def test_a_pass_ends_the_failures(world):
    for day in (dt.date(2026, 4, 1), dt.date(2026, 4, 15)):
        passed_exam(world, world.person_a, day, passed=False)
    passed_exam(world, world.person_a, dt.date(2026, 6, 1))
    assert (
        retrain_needed(person=world.person_a, ctype=ctype("TZ-DG"), on=dt.date(2026, 6, 2)) is None
    )


def test_another_enterprises_admin_records_no_health_check(world):
    """The person is ent_a's: ent_b's admin is refused on the web and in the service, and
    nothing is written."""
    admin_b = UserFactory(username="health_admin_b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(admin_b)
    url = reverse("certificates:health_add", args=[world.person_a.pk])
    today = timezone.localdate()
    response = client.post(url, {"health-on": today.isoformat(), "health-fit": "0"})
    assert response.status_code in (403, 404)
    with pytest.raises(CertificateError):
        health_check_record(actor=admin_b, person=world.person_a, on=today, fit=False)
    assert not HealthCheck.objects.exists()
