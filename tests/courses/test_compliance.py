"""Hours compliance per category and industry, 三级安全教育 status and 三违 state."""

import datetime as dt
from decimal import Decimal

import pytest

from courses.models import CreditEntry, SafetyEducationRecord, StudySettings, TrainingKind
from courses.services.compliance import (
    person_compliance,
    safety_education_status,
    violation_open,
)
from courses.services.records import safety_education_record, violation_record
from roster.choices import EmploymentStatus, PersonnelCategory
from roster.models import Industry
from roster.services import employment_change_status
from tests.factories import EmploymentFactory, EnterpriseFactory

YEAR = 2025
END = dt.date(YEAR, 12, 31)


def hire(enterprise, category, hired=dt.date(YEAR, 2, 1)):
    return EmploymentFactory(enterprise=enterprise, category=category, hire_date=hired)


def credit(person, kind, minutes, on=dt.date(YEAR, 6, 1), source=CreditEntry.Source.ONLINE):
    return CreditEntry.objects.create(
        person=person, on=on, source=source, training_kind=kind, minutes=minutes
    )


def items(compliance):
    return {
        i.training_kind: (i.required_hours, i.done_hours, i.missing_hours) for i in compliance.items
    }


def test_principal_in_chemicals_needs_48_initial_in_the_year_of_taking_the_post(world):
    person = hire(world.ent_a_chem, PersonnelCategory.PRINCIPAL).person
    credit(person, TrainingKind.INITIAL, 45 * 10)

    result = person_compliance(person=person, year=YEAR, on=END)

    assert result.high_risk is True
    assert result.category == PersonnelCategory.PRINCIPAL
    assert items(result) == {"initial": (Decimal(48), Decimal(10), Decimal(38))}
    assert result.missing_hours == Decimal(38)


def test_principal_in_chemicals_needs_16_a_year_after_the_initial_training(world):
    person = hire(world.ent_a_chem, PersonnelCategory.PRINCIPAL, dt.date(YEAR - 1, 3, 1)).person
    credit(person, TrainingKind.INITIAL, 45 * 48, on=dt.date(YEAR - 1, 5, 1))
    credit(person, TrainingKind.RETRAINING, 45 * 4)

    result = person_compliance(person=person, year=YEAR, on=END)

    # Beside the retraining, the principal's special training (days, not hours: see
    # tests/courses/test_hours_rules.py).
    assert items(result) == {
        "retraining": (Decimal(16), Decimal(4), Decimal(12)),
        "special": (Decimal(0), Decimal(0), Decimal(0)),
    }


def test_principal_in_an_ordinary_industry_needs_32_initial(world):
    person = hire(world.ent_a, PersonnelCategory.PRINCIPAL).person

    result = person_compliance(person=person, year=YEAR, on=END)

    assert result.high_risk is False
    assert items(result) == {"initial": (Decimal(32), Decimal(0), Decimal(32))}


def test_unfinished_initial_training_stays_due_next_year_with_the_retraining(world):
    person = hire(world.ent_a, PersonnelCategory.SAFETY_MANAGER, dt.date(YEAR - 1, 9, 1)).person
    credit(person, TrainingKind.INITIAL, 45 * 20, on=dt.date(YEAR - 1, 10, 1))

    result = person_compliance(person=person, year=YEAR, on=END)

    assert items(result) == {
        "initial": (Decimal(32), Decimal(20), Decimal(12)),
        "retraining": (Decimal(12), Decimal(0), Decimal(12)),
    }


def test_general_worker_in_industry_and_trade_needs_8_a_year(world):
    person = world.person_a  # 工贸, hired 2020
    credit(person, TrainingKind.PRE_JOB, 45 * 24, on=dt.date(2020, 3, 2))
    credit(person, TrainingKind.RETRAINING, 45 * 3)
    credit(person, TrainingKind.RETRAINING, 45 * 9, on=dt.date(YEAR - 1, 6, 1))  # last year

    result = person_compliance(person=person, year=YEAR, on=END)

    assert items(result) == {"retraining": (Decimal(8), Decimal(3), Decimal(5))}


def test_general_worker_in_chemicals_needs_72_pre_job_then_20_a_year(world):
    new = hire(world.ent_a_chem, PersonnelCategory.GENERAL).person
    old = hire(world.ent_a_chem, PersonnelCategory.GENERAL, dt.date(2020, 1, 1)).person
    credit(old, TrainingKind.PRE_JOB, 45 * 72, on=dt.date(2020, 1, 10))

    assert items(person_compliance(person=new, year=YEAR, on=END)) == {
        "pre_job": (Decimal(72), Decimal(0), Decimal(72))
    }
    assert items(person_compliance(person=old, year=YEAR, on=END)) == {
        "retraining": (Decimal(20), Decimal(0), Decimal(20))
    }


def test_construction_c2_needs_20_a_year(world):
    building = EnterpriseFactory(region=world.township_a, industry=Industry.objects.get(code="06"))
    person = hire(building, PersonnelCategory.CONSTRUCTION_C2, dt.date(2019, 1, 1)).person
    credit(person, TrainingKind.PRE_JOB, 45 * 32, on=dt.date(2019, 2, 1))
    credit(person, TrainingKind.RETRAINING, 45 * 20)

    result = person_compliance(person=person, year=YEAR, on=END)

    assert items(result) == {"retraining": (Decimal(20), Decimal(20), Decimal(0))}
    assert result.complete


def test_online_minutes_use_the_online_rate_and_classroom_the_classroom_rate(world):
    settings = StudySettings.load()
    settings.online_minutes_per_hour = 30
    settings.save()
    person = world.person_a
    credit(person, TrainingKind.PRE_JOB, 45 * 24, on=dt.date(2020, 3, 2))
    credit(person, TrainingKind.RETRAINING, 90)  # 3 学时 online at 30 minutes
    credit(person, TrainingKind.RETRAINING, 90, source=CreditEntry.Source.CLASSROOM)  # 2 学时

    result = person_compliance(person=person, year=YEAR, on=END)

    assert result.done_hours == Decimal(5)
    assert result.missing_hours == Decimal(3)


def test_credit_after_the_as_of_date_does_not_count(world):
    person = world.person_a
    credit(person, TrainingKind.PRE_JOB, 45 * 24, on=dt.date(2020, 3, 2))
    credit(person, TrainingKind.RETRAINING, 45 * 8, on=dt.date(YEAR, 9, 1))

    assert person_compliance(person=person, year=YEAR, on=dt.date(YEAR, 8, 31)).missing_hours == 8
    assert person_compliance(person=person, year=YEAR, on=END).missing_hours == 0


def test_person_without_a_current_employment_needs_nothing(world):
    employment = world.person_b.employments.get()
    employment.ended_on = dt.date(YEAR, 1, 1)
    employment.save()

    result = person_compliance(person=world.person_b, year=YEAR, on=END)

    assert result.items == [] and result.missing_hours == 0


# --------------------------------------------------------------------------- 三级


def test_new_employee_misses_every_level_until_recorded(world, django_user_model):
    person = world.person_a
    assert safety_education_status(person=person).missing_levels == ("company", "workshop", "team")

    safety_education_record(
        person=person,
        enterprise=world.ent_a,
        level=SafetyEducationRecord.Level.COMPANY,
        reason=SafetyEducationRecord.Reason.NEW_HIRE,
        held_on=dt.date(2020, 3, 1),
        hours=Decimal(8),
        actor=world.enterprise_admin,
    )

    status = safety_education_status(person=person)
    assert status.missing_levels == ("workshop", "team")
    assert status.reason == "new_hire"


def _all_levels(person, enterprise, on):
    for level in SafetyEducationRecord.Level.values:
        safety_education_record(
            person=person,
            enterprise=enterprise,
            level=level,
            reason=SafetyEducationRecord.Reason.NEW_HIRE,
            held_on=on,
            hours=Decimal(8),
            actor=None,
        )


def test_safety_education_credits_pre_job_hours(world):
    _all_levels(world.person_a, world.ent_a, dt.date(2020, 3, 1))

    result = person_compliance(person=world.person_a, year=2020, on=dt.date(2020, 12, 31))

    assert items(result) == {"pre_job": (Decimal(24), Decimal(24), Decimal(0))}


def test_post_change_needs_workshop_and_team_levels_again(world):
    person = world.person_a
    _all_levels(person, world.ent_a, dt.date(2020, 3, 1))
    assert safety_education_status(person=person).complete
    employment = person.employments.get()

    employment_change_status(
        employment=employment,
        status=EmploymentStatus.TRANSFERRED,
        on=dt.date(YEAR, 4, 1),
        reason="",
        actor=None,
    )

    status = safety_education_status(person=person)
    assert status.reason == "post_change"
    assert status.missing_levels == ("workshop", "team")


def test_back_after_a_year_away_needs_workshop_and_team_levels_again(world):
    person = world.person_a
    _all_levels(person, world.ent_a, dt.date(2020, 3, 1))
    employment = person.employments.get()
    for status, on in [
        (EmploymentStatus.OFF_POST, dt.date(YEAR - 2, 1, 1)),
        (EmploymentStatus.ON_POST, dt.date(YEAR, 3, 1)),
    ]:
        employment_change_status(employment=employment, status=status, on=on, reason="", actor=None)

    status = safety_education_status(person=person)
    assert status.reason == "return"
    assert status.missing_levels == ("workshop", "team")

    for level in ("workshop", "team"):
        safety_education_record(
            person=person,
            enterprise=world.ent_a,
            level=level,
            reason="return",
            held_on=dt.date(YEAR, 3, 2),
            hours=Decimal(4),
            actor=None,
        )
    assert safety_education_status(person=person).complete


def test_back_after_a_short_absence_needs_nothing_again(world):
    person = world.person_a
    _all_levels(person, world.ent_a, dt.date(2020, 3, 1))
    employment = person.employments.get()
    for status, on in [
        (EmploymentStatus.OFF_POST, dt.date(YEAR, 1, 1)),
        (EmploymentStatus.ON_POST, dt.date(YEAR, 3, 1)),
    ]:
        employment_change_status(employment=employment, status=status, on=on, reason="", actor=None)

    assert safety_education_status(person=person).complete


def test_violation_is_open_until_returned(world):
    assert violation_open(world.person_a) is None
    record = violation_record(
        person=world.person_a,
        enterprise=world.ent_a,
        violation="违章操作",
        off_job_from=dt.date(YEAR, 5, 1),
        exam_session=None,
        actor=world.enterprise_admin,
    )
    assert violation_open(world.person_a) == record


def test_safety_education_for_someone_not_on_the_roster_is_refused(world):
    from courses.services.records import RecordError

    with pytest.raises(RecordError):
        safety_education_record(
            person=world.person_b,
            enterprise=world.ent_a,
            level="company",
            reason="new_hire",
            held_on=dt.date(YEAR, 1, 1),
            hours=Decimal(8),
            actor=None,
        )
    assert not SafetyEducationRecord.objects.exists()
    assert not CreditEntry.objects.exists()


def test_someone_on_the_post_for_years_owes_the_yearly_hours_not_the_pre_job_ones(world):
    # Hired long before the system: the pre-job training is on paper, not in the ledger.
    person = hire(world.ent_a_chem, PersonnelCategory.GENERAL, dt.date(YEAR - 8, 4, 1)).person

    result = person_compliance(person=person, year=YEAR, on=END)

    assert items(result) == {"retraining": (Decimal(20), Decimal(0), Decimal(20))}


def test_a_december_hire_still_owes_the_pre_job_hours_early_next_year(world):
    person = hire(world.ent_a, PersonnelCategory.GENERAL, dt.date(YEAR - 1, 12, 10)).person
    credit(person, TrainingKind.PRE_JOB, 45 * 10, on=dt.date(YEAR - 1, 12, 20))

    result = person_compliance(person=person, year=YEAR, on=END)

    assert items(result) == {
        "pre_job": (Decimal(24), Decimal(10), Decimal(14)),
        "retraining": (Decimal(8), Decimal(0), Decimal(8)),
    }
