"""The windows and bars of the certificate rules (CertificateRule rows), one test per rule,
each on a fixed clock (the services take the day as `on` / `applied_on`): refused with the
rule's name and the date it allows, nothing written; and shown as "what, by when"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateRule,
    CertificateType,
    ConductRecord,
    PracticalExam,
)
from certificates.services.issuing import CertificateError, certificate_create, certificate_issue
from certificates.services.lifecycle import (
    certificate_change_status,
    certificate_renew,
    certificate_review,
)
from certificates.services.practical import practical_exam_record
from certificates.services.windows import clean_years, person_windows
from courses.models import ViolationRetraining
from question_banks.models import Attempt
from roster.choices import EmploymentStatus, PersonnelCategory
from roster.models import Employment, Industry
from roster.services.people import employment_change_status

from .conftest import credit_review_hours, passed_exam

pytestmark = pytest.mark.django_db


def ctype(code: str) -> CertificateType:
    return CertificateType.objects.get(code=code)


def snapshot(certificate: Certificate):
    certificate.refresh_from_db()
    return (
        certificate.status,
        certificate.next_review_on,
        certificate.last_reviewed_on,
        certificate.events.count(),
        Certificate.objects.count(),
    )


def theory_pass(session, person, day: dt.date) -> Attempt:
    """A passed official theory exam of `session` (TZ-DG), finished on `day`."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    return Attempt.objects.create(
        person=person,
        session=session,
        rule=session.rule,
        seed=1,
        status=Attempt.Status.SUBMITTED,
        started_at=at - dt.timedelta(hours=1),
        finished_at=at,
        score=Decimal(90),
        total_points=Decimal(100),
        passed=True,
    )


def test_the_national_rules_are_seeded_per_family():
    rules = {r.family: r for r in CertificateRule.objects.all()}
    special = rules["special_operation"]
    assert (
        special.review_apply_days_before,
        special.revocation_bar_years,
        special.away_practical_months,
        special.theory_valid_months,
    ) == (60, 3, 6, 12)
    assert rules["principal_manager"].renew_apply_days_before == 30
    assert rules["principal_manager"].assess_within_months == 6
    assert rules["construction"].renew_window_months == 3
    assert rules["construction"].renew_barred_by_records


# 特种作业: review applied for at least 60 days before it is due ---------------------------


@pytest.fixture
def special(world):
    """person_a's 低压电工 card issued 2026-03-01: review due 2029-03-01."""
    return certificate_issue(
        person=world.person_a, ctype=ctype("TZ-DG"), actor=None, on=dt.date(2026, 3, 1)
    )


def test_review_applied_for_59_days_before_it_is_due_is_refused(special, world):
    credit_review_hours(world.person_a, dt.date(2028, 12, 1))
    before = snapshot(special)
    with pytest.raises(CertificateError) as err:
        certificate_review(
            certificate=special,
            actor=None,
            on=dt.date(2029, 1, 20),
            applied_on=dt.date(2029, 1, 1),  # 59 days before 2029-03-01
        )
    assert err.value.code == "review_window"
    assert "60" in err.value.message and "2028-12-31" in err.value.message
    assert snapshot(special) == before


def test_review_applied_for_60_days_before_it_is_due_is_accepted(special, world):
    credit_review_hours(world.person_a, dt.date(2028, 12, 1))
    passed_exam(world, world.person_a, dt.date(2029, 1, 10))
    certificate_review(
        certificate=special, actor=None, on=dt.date(2029, 1, 20), applied_on=dt.date(2028, 12, 31)
    )
    special.refresh_from_db()
    assert special.last_reviewed_on == dt.date(2029, 1, 20)


def test_the_review_window_shows_as_what_by_when(special, world):
    windows = person_windows(person=world.person_a, on=dt.date(2028, 6, 1))
    review = next(w for w in windows if w.key.startswith("review:"))
    assert review.by == dt.date(2028, 12, 31)
    assert "复审" in review.what and "2029-03-01" in review.what
    assert not review.missed(dt.date(2028, 12, 31)) and review.missed(dt.date(2029, 1, 1))


# Must 4: review training from the hours ledger --------------------------------------------


def test_review_hours_come_from_the_ledger_since_the_last_review(special, world):
    credit_review_hours(world.person_a, dt.date(2026, 2, 1))  # before the validity: not counted
    with pytest.raises(CertificateError) as err:
        certificate_review(
            certificate=special,
            actor=None,
            on=dt.date(2029, 1, 20),
            applied_on=dt.date(2028, 12, 1),
        )
    assert err.value.code == "hours" and "0.0" in err.value.message
    credit_review_hours(world.person_a, dt.date(2029, 1, 5))
    passed_exam(world, world.person_a, dt.date(2029, 1, 10))
    certificate_review(
        certificate=special, actor=None, on=dt.date(2029, 1, 20), applied_on=dt.date(2028, 12, 1)
    )
    event = special.events.get(kind=CertificateEvent.Kind.REVIEWED)
    assert event.details["training_hours"] == 8.0


# Must 4: 10 clean years -> review every 6 years ------------------------------------------


def long_card(person, first: dt.date) -> Certificate:
    """An imported card first issued on `first`, its review due 10 years on (renewed cards
    keep the first-issue date; the validity here is long enough to see the next review)."""
    return certificate_create(
        person=person,
        ctype=ctype("TZ-DG"),
        source=Certificate.Source.IMPORT,
        on=first,
        first_issued_on=first,
        valid_from=first,
        valid_until=first.replace(year=first.year + 20),
        next_review_on=first.replace(year=first.year + 10),
    )


def test_exactly_ten_clean_years_give_the_six_year_review_cycle(world):
    card = long_card(world.person_a, dt.date(2016, 3, 1))
    credit_review_hours(world.person_a, dt.date(2025, 12, 1))
    passed_exam(world, world.person_a, dt.date(2026, 2, 1))
    # The review on the day the 10th year completes.
    certificate_review(
        certificate=card, actor=None, on=dt.date(2026, 3, 1), applied_on=dt.date(2025, 12, 1)
    )
    card.refresh_from_db()
    assert card.next_review_on == dt.date(2032, 3, 1)  # 6 years after the due date
    assert card.events.get(kind="reviewed").details["clean_years"] == 10


def test_one_day_short_of_ten_years_keeps_the_three_year_cycle(world):
    assert (
        clean_years(person=world.person_a, since=dt.date(2016, 3, 1), on=dt.date(2026, 2, 28)) == 9
    )
    card = long_card(world.person_a, dt.date(2016, 3, 2))
    credit_review_hours(world.person_a, dt.date(2025, 12, 1))
    passed_exam(world, world.person_a, dt.date(2026, 2, 1))
    certificate_review(
        certificate=card, actor=None, on=dt.date(2026, 3, 1), applied_on=dt.date(2025, 12, 1)
    )
    card.refresh_from_db()
    assert card.next_review_on == dt.date(2029, 3, 2)


def test_a_violation_within_the_ten_years_keeps_the_three_year_cycle(world):
    card = long_card(world.person_a, dt.date(2016, 3, 1))
    ViolationRetraining.objects.create(
        person=world.person_a,
        enterprise=world.ent_a,
        violation="违章操作",
        off_job_from=dt.date(2020, 5, 1),
        returned_on=dt.date(2020, 6, 1),
    )
    credit_review_hours(world.person_a, dt.date(2025, 12, 1))
    passed_exam(world, world.person_a, dt.date(2026, 2, 1))
    certificate_review(
        certificate=card, actor=None, on=dt.date(2026, 3, 1), applied_on=dt.date(2025, 12, 1)
    )
    card.refresh_from_db()
    assert card.next_review_on == dt.date(2029, 3, 1)
    assert card.events.get(kind="reviewed").details["clean_years"] == 5


def test_an_accident_record_breaks_the_clean_years(world):
    ConductRecord.objects.create(
        person=world.person_a,
        kind=ConductRecord.Kind.ACCIDENT_PENALTY,
        on=dt.date(2024, 1, 1),
        description="事故行政处罚",
    )
    assert (
        clean_years(person=world.person_a, since=dt.date(2010, 1, 1), on=dt.date(2026, 3, 1)) == 2
    )


# 合格证: renewed at least 30 days before expiry ----------------------------------------


@pytest.fixture
def manager_card(world):
    """person_a's safety-manager card from 2026-01-05: expires 2029-01-04."""
    return certificate_issue(
        person=world.person_a, ctype=ctype("ZY-AQY"), actor=None, on=dt.date(2026, 1, 5)
    )


def test_a_certificate_renewal_29_days_before_expiry_is_refused(manager_card, world):
    before = snapshot(manager_card)
    with pytest.raises(CertificateError) as err:
        certificate_renew(
            certificate=manager_card,
            actor=world.system_admin,
            reason="延续",
            on=dt.date(2028, 12, 6),
            applied_on=dt.date(2028, 12, 6),
        )
    assert err.value.code == "renew_window"
    assert "30" in err.value.message and "2028-12-05" in err.value.message
    assert snapshot(manager_card) == before


def test_a_certificate_renewal_30_days_before_expiry_is_accepted(manager_card, world):
    new = certificate_renew(
        certificate=manager_card,
        actor=world.system_admin,
        reason="延续",
        on=dt.date(2028, 12, 5),
        applied_on=dt.date(2028, 12, 5),
    )
    assert new.valid_from == dt.date(2029, 1, 5)


# 建筑施工: 延续 within the 3 months before expiry, not after an accident or bad credit ------


@pytest.fixture
def construction_card(world):
    """person_a's C3 card from 2026-01-05: expires 2029-01-04, the window opens 2028-10-04.
    The yearly training of 2027 is done (the renewal's training condition, see
    test_construction_renewal_training.py)."""
    from courses.models import CreditEntry, TrainingKind

    CreditEntry.objects.create(
        person=world.person_a,
        on=dt.date(2027, 5, 1),
        source=CreditEntry.Source.CLASSROOM,
        training_kind=TrainingKind.RETRAINING,
        minutes=45 * 20,
    )
    return certificate_issue(
        person=world.person_a, ctype=ctype("JZ-C3"), actor=None, on=dt.date(2026, 1, 5)
    )


def test_a_construction_renewal_before_its_window_opens_is_refused(construction_card, world):
    before = snapshot(construction_card)
    with pytest.raises(CertificateError) as err:
        certificate_renew(
            certificate=construction_card,
            actor=world.system_admin,
            reason="延续",
            on=dt.date(2028, 10, 3),
        )
    assert err.value.code == "renew_window" and "2028-10-04" in err.value.message
    assert snapshot(construction_card) == before


def test_a_construction_renewal_inside_the_three_months_is_accepted(construction_card, world):
    new = certificate_renew(
        certificate=construction_card,
        actor=world.system_admin,
        reason="延续",
        on=dt.date(2028, 10, 4),
    )
    assert new.supersedes == construction_card


def test_a_construction_renewal_after_expiry_is_refused(construction_card, world):
    with pytest.raises(CertificateError) as err:
        certificate_renew(
            certificate=construction_card,
            actor=world.system_admin,
            reason="延续",
            on=dt.date(2029, 1, 5),
        )
    assert err.value.code == "renew_window" and "2029-01-04" in err.value.message


@pytest.mark.parametrize(
    "kind", [ConductRecord.Kind.ACCIDENT_PENALTY, ConductRecord.Kind.BAD_CREDIT]
)
def test_a_construction_renewal_after_an_accident_penalty_or_bad_credit_is_refused(
    construction_card, world, kind
):
    ConductRecord.objects.create(
        person=world.person_a, kind=kind, on=dt.date(2027, 6, 1), description="记录"
    )
    before = snapshot(construction_card)
    with pytest.raises(CertificateError) as err:
        certificate_renew(
            certificate=construction_card,
            actor=world.system_admin,
            reason="延续",
            on=dt.date(2028, 11, 1),
        )
    assert err.value.code == "barred_by_record" and "2027-06-01" in err.value.message
    assert snapshot(construction_card) == before


def test_a_record_before_the_validity_does_not_bar_a_construction_renewal(construction_card, world):
    ConductRecord.objects.create(
        person=world.person_a,
        kind=ConductRecord.Kind.BAD_CREDIT,
        on=dt.date(2025, 6, 1),
        description="旧记录",
    )
    certificate_renew(
        certificate=construction_card,
        actor=world.system_admin,
        reason="延续",
        on=dt.date(2028, 11, 1),
    )


# High-risk principals and safety managers assessed within 6 months ------------------------


def test_a_high_risk_safety_manager_must_be_assessed_within_six_months(world):
    employment = Employment.objects.get(person=world.person_a_chem)
    employment.category = PersonnelCategory.SAFETY_MANAGER
    employment.hire_date = dt.date(2026, 2, 10)
    employment.save()
    windows = person_windows(person=world.person_a_chem, on=dt.date(2026, 3, 1))
    assess = next(w for w in windows if w.key.startswith("assess:"))
    assert assess.by == dt.date(2026, 8, 10)
    assert not assess.missed(dt.date(2026, 8, 10)) and assess.missed(dt.date(2026, 8, 11))
    certificate_issue(
        person=world.person_a_chem, ctype=ctype("ZY-AQY"), actor=None, on=dt.date(2026, 7, 1)
    )
    windows = person_windows(person=world.person_a_chem, on=dt.date(2026, 7, 2))
    assert not [w for w in windows if w.key.startswith("assess:")]


def test_an_ordinary_industry_safety_manager_has_no_six_month_deadline(world):
    assert not Industry.objects.get(pk=world.ent_a.industry_id).high_risk
    employment = Employment.objects.get(person=world.person_a)
    employment.category = PersonnelCategory.SAFETY_MANAGER
    employment.hire_date = dt.date(2026, 2, 10)
    employment.save()
    windows = person_windows(person=world.person_a, on=dt.date(2026, 3, 1))
    assert not [w for w in windows if w.key.startswith("assess:")]


# 撤销 bars a new application for 3 years --------------------------------------------------


def test_revocation_bars_a_new_certificate_for_three_years(special, world):
    certificate_change_status(
        certificate=special, kind="revoked", actor=world.system_admin, reason="伪造材料"
    )
    revoked_on = timezone.localdate()
    free_from = revoked_on.replace(year=revoked_on.year + 3)
    count = Certificate.objects.count()
    with pytest.raises(CertificateError) as err:
        certificate_issue(
            person=world.person_a,
            ctype=ctype("TZ-GY"),  # any special operation: the bar is the person's
            actor=None,
            on=free_from - dt.timedelta(days=1),
        )
    assert err.value.code == "revocation_bar" and free_from.isoformat() in err.value.message
    assert Certificate.objects.count() == count
    certificate_issue(person=world.person_a, ctype=ctype("TZ-GY"), actor=None, on=free_from)
    bars = [w for w in person_windows(person=world.person_a, on=revoked_on) if w.is_bar]
    assert bars and bars[0].by == free_from


# 6 months or more away from the post: the practical exam again ---------------------------


def away(world, since: dt.date, back: dt.date | None):
    employment = Employment.objects.get(person=world.person_a)
    employment_change_status(
        employment=employment, status=EmploymentStatus.OFF_POST, on=since, actor=None
    )
    if back:
        employment_change_status(
            employment=employment, status=EmploymentStatus.ON_POST, on=back, actor=None
        )


def test_six_months_away_means_the_practical_exam_again(special, world, cert_session):
    away(world, dt.date(2027, 1, 10), dt.date(2027, 7, 10))
    credit_review_hours(world.person_a, dt.date(2028, 12, 1))
    with pytest.raises(CertificateError) as err:
        certificate_review(
            certificate=special,
            actor=None,
            on=dt.date(2029, 1, 20),
            applied_on=dt.date(2028, 12, 1),
        )
    assert err.value.code == "practical_again" and "2027-01-10" in err.value.message
    windows = person_windows(person=world.person_a, on=dt.date(2028, 12, 1))
    assert [w for w in windows if w.key.startswith("practical_again:")]
    # The practical exam again, on a theory pass of the last 12 months: the review may go on.
    theory_pass(cert_session, world.person_a, dt.date(2028, 6, 1))
    practical_exam_record(
        actor=None,
        person=world.person_a,
        ctype=ctype("TZ-DG"),
        taken_on=dt.date(2028, 7, 1),
        examiner="李考评员",
        score=Decimal(85),
        on=dt.date(2028, 7, 1),
    )
    certificate_review(
        certificate=special, actor=None, on=dt.date(2029, 1, 20), applied_on=dt.date(2028, 12, 1)
    )


def test_less_than_six_months_away_needs_no_practical_exam(special, world):
    away(world, dt.date(2027, 1, 10), dt.date(2027, 7, 9))
    credit_review_hours(world.person_a, dt.date(2028, 12, 1))
    passed_exam(world, world.person_a, dt.date(2029, 1, 10))
    certificate_review(
        certificate=special, actor=None, on=dt.date(2029, 1, 20), applied_on=dt.date(2028, 12, 1)
    )


# A theory pass is usable 12 months for the practical exam --------------------------------


def test_a_practical_exam_within_twelve_months_of_the_theory_pass_is_recorded(world, cert_session):
    theory_pass(cert_session, world.person_a, dt.date(2026, 1, 15))
    exam = practical_exam_record(
        actor=world.enterprise_admin,
        person=world.person_a,
        ctype=ctype("TZ-DG"),
        taken_on=dt.date(2027, 1, 15),
        examiner="李考评员",
        score=Decimal("79.5"),
        on=dt.date(2027, 1, 20),
    )
    assert exam.passed is False  # pass mark 80 (CertificateRule.practical_pass_mark)


def test_a_practical_exam_after_twelve_months_is_refused(world, cert_session):
    theory_pass(cert_session, world.person_a, dt.date(2026, 1, 15))
    with pytest.raises(CertificateError) as err:
        practical_exam_record(
            actor=world.enterprise_admin,
            person=world.person_a,
            ctype=ctype("TZ-DG"),
            taken_on=dt.date(2027, 1, 16),
            examiner="李考评员",
            score=Decimal(90),
            on=dt.date(2027, 1, 20),
        )
    assert err.value.code == "theory_expired"
    assert "12" in err.value.message and "2027-01-15" in err.value.message
    assert not PracticalExam.objects.exists()


def test_a_practical_exam_without_a_theory_pass_is_refused(world):
    with pytest.raises(CertificateError) as err:
        practical_exam_record(
            actor=world.enterprise_admin,
            person=world.person_a,
            ctype=ctype("TZ-DG"),
            taken_on=dt.date(2026, 5, 1),
            examiner="李考评员",
            score=Decimal(90),
            on=dt.date(2026, 5, 1),
        )
    assert err.value.code == "no_theory" and "2026-05-01" in err.value.message
    assert not PracticalExam.objects.exists()


def test_the_theory_pass_shows_the_practical_exam_by_when(world, cert_session):
    theory_pass(cert_session, world.person_a, dt.date(2026, 1, 15))
    windows = person_windows(person=world.person_a, on=dt.date(2026, 3, 1))
    practical = next(w for w in windows if w.key.startswith("theory:"))
    assert practical.by == dt.date(2027, 1, 15)


def test_who_may_record_a_practical_exam(world, cert_session):
    theory_pass(cert_session, world.person_b, dt.date(2026, 1, 15))
    args = {
        "person": world.person_b,
        "ctype": ctype("TZ-DG"),
        "taken_on": dt.date(2026, 2, 1),
        "examiner": "李考评员",
        "score": Decimal(90),
        "on": dt.date(2026, 2, 1),
    }
    for outsider in (world.enterprise_admin, world.regulator_county, world.no_role):
        with pytest.raises(CertificateError) as err:
            practical_exam_record(actor=outsider, **args)
        assert err.value.code == "forbidden"
    # The trainer (exam body) whose township employs person_b records it.
    assert practical_exam_record(actor=world.trainer, **args).passed
