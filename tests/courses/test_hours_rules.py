"""Hours rules by industry and category (issue 26, Must 5), as data, each with its dates given
(the clock these rules read is the `on` date passed in, never today's).

- construction workers: 32 学时 before work and 20 a year, in place of the general 24 / 8;
- 执法人员 and 党政领导干部 have rules of their own;
- the principal's special training: at least 3 separate days a year;
- an online 学时 is at least 30 minutes: a smaller setting is refused in the admin.
The regulator's figures (reports/figures.py) apply the same rules: checked per person here.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import CreditEntry, HoursRule, StudySettings, TrainingKind
from courses.services.compliance import person_compliance
from reports import figures
from roster.choices import PersonnelCategory
from roster.models import Enterprise, Industry
from tests.factories import EmploymentFactory, EnterpriseFactory

YEAR = 2025
END = dt.date(YEAR, 12, 31)
CONSTRUCTION = "06"
ORDINARY = "07"  # 工贸
HIGH_RISK = "03"  # 危险化学品


def enterprise(world, code):
    return EnterpriseFactory(region=world.township_a, industry=Industry.objects.get(code=code))


def hire(ent, category, hired):
    return EmploymentFactory(enterprise=ent, category=category, hire_date=hired).person


def credit(person, kind, hours, on, source=CreditEntry.Source.CLASSROOM):
    return CreditEntry.objects.create(
        person=person, on=on, source=source, training_kind=kind, minutes=45 * hours
    )


def required(compliance):
    return {i.training_kind: i.required_hours for i in compliance.items}


def hours_ok_in_reports(person, on=END):
    employment = person.employments.get()
    row = figures.annotated(
        on=on, enterprises=Enterprise.objects.filter(pk=employment.enterprise_id)
    ).get(pk=employment.pk)
    return bool(row.must_train), bool(row.hours_ok)


# --------------------------------------------------------------------------- by industry


@pytest.mark.parametrize(
    ("code", "pre_job", "yearly"),
    [(CONSTRUCTION, 32, 20), (ORDINARY, 24, 8), (HIGH_RISK, 72, 20)],
    ids=["construction", "ordinary", "high-risk"],
)
def test_new_employee_hours_by_industry(world, code, pre_job, yearly):
    ent = enterprise(world, code)
    new = hire(ent, PersonnelCategory.GENERAL, dt.date(YEAR, 3, 1))
    old = hire(ent, PersonnelCategory.GENERAL, dt.date(YEAR - 3, 3, 1))

    assert required(person_compliance(person=new, year=YEAR, on=END)) == {
        "pre_job": Decimal(pre_job)
    }
    assert required(person_compliance(person=old, year=YEAR, on=END)) == {
        "retraining": Decimal(yearly)
    }


def test_construction_worker_is_short_with_the_general_24_hours_and_reports_agree(world):
    worker = hire(enterprise(world, CONSTRUCTION), PersonnelCategory.GENERAL, dt.date(YEAR, 3, 1))
    credit(worker, TrainingKind.PRE_JOB, 24, dt.date(YEAR, 3, 2))

    result = person_compliance(person=worker, year=YEAR, on=END)

    assert result.missing_hours == Decimal(8)
    assert hours_ok_in_reports(worker) == (True, False)
    credit(worker, TrainingKind.PRE_JOB, 8, dt.date(YEAR, 3, 3))
    assert person_compliance(person=worker, year=YEAR, on=END).complete
    assert hours_ok_in_reports(worker) == (True, True)


def test_an_industry_rule_is_data_an_admin_changes(world):
    worker = hire(enterprise(world, CONSTRUCTION), PersonnelCategory.GENERAL, dt.date(2019, 3, 1))
    HoursRule.objects.filter(
        industry__code=CONSTRUCTION,
        personnel_category=PersonnelCategory.GENERAL,
        training_kind=TrainingKind.RETRAINING,
    ).update(required_hours=Decimal(24))

    assert required(person_compliance(person=worker, year=YEAR, on=END)) == {
        "retraining": Decimal(24)
    }


def test_construction_three_types_keep_their_own_rules_in_the_construction_industry(world):
    c2 = hire(
        enterprise(world, CONSTRUCTION), PersonnelCategory.CONSTRUCTION_C2, dt.date(2019, 1, 1)
    )

    assert required(person_compliance(person=c2, year=YEAR, on=END)) == {"retraining": Decimal(20)}


# --------------------------------------------------------------------------- by category


@pytest.mark.parametrize("code", [ORDINARY, HIGH_RISK], ids=["ordinary", "high-risk"])
def test_enforcement_officer_needs_32_initial_then_16_a_year(world, code):
    ent = enterprise(world, code)
    new = hire(ent, PersonnelCategory.ENFORCEMENT, dt.date(YEAR, 5, 1))
    old = hire(ent, PersonnelCategory.ENFORCEMENT, dt.date(YEAR - 2, 5, 1))
    credit(old, TrainingKind.RETRAINING, 16, dt.date(YEAR, 6, 1))

    assert required(person_compliance(person=new, year=YEAR, on=END)) == {"initial": Decimal(32)}
    result = person_compliance(person=old, year=YEAR, on=END)
    assert required(result) == {"retraining": Decimal(16)}
    assert result.complete
    assert hours_ok_in_reports(old) == (True, True)


@pytest.mark.parametrize("code", [ORDINARY, HIGH_RISK], ids=["ordinary", "high-risk"])
def test_party_and_government_leader_needs_a_day_of_special_training_a_year(world, code):
    leader = hire(enterprise(world, code), PersonnelCategory.PARTY_LEADER, dt.date(2018, 1, 1))

    before = person_compliance(person=leader, year=YEAR, on=END)
    assert required(before) == {"special": Decimal(8)}
    assert not before.complete
    assert hours_ok_in_reports(leader) == (True, False)

    credit(leader, TrainingKind.SPECIAL, 8, dt.date(YEAR, 9, 1))
    assert person_compliance(person=leader, year=YEAR, on=END).complete
    assert hours_ok_in_reports(leader) == (True, True)
    # Last year's day does not count for the next year.
    assert not person_compliance(
        person=leader, year=YEAR + 1, on=dt.date(YEAR + 1, 12, 31)
    ).complete


# --------------------------------------------------------------------------- principal: 3 days


@pytest.mark.parametrize("code", [ORDINARY, HIGH_RISK], ids=["ordinary", "high-risk"])
def test_principal_special_training_needs_three_separate_days(world, code):
    principal = hire(enterprise(world, code), PersonnelCategory.PRINCIPAL, dt.date(2015, 1, 1))
    credit(principal, TrainingKind.RETRAINING, 16, dt.date(YEAR, 2, 1))
    # Two long days: plenty of hours, still only two days.
    credit(principal, TrainingKind.SPECIAL, 8, dt.date(YEAR, 4, 1))
    credit(principal, TrainingKind.SPECIAL, 8, dt.date(YEAR, 4, 2))
    credit(principal, TrainingKind.SPECIAL, 2, dt.date(YEAR, 4, 2), CreditEntry.Source.ONLINE)

    result = person_compliance(person=principal, year=YEAR, on=END)
    special = next(i for i in result.items if i.training_kind == TrainingKind.SPECIAL)
    assert (special.required_days, special.done_days, special.missing_days) == (3, 2, 1)
    assert not result.complete
    assert result.missing_hours == 0  # short in days, not in hours
    assert hours_ok_in_reports(principal) == (True, False)

    credit(principal, TrainingKind.SPECIAL, 8, dt.date(YEAR, 4, 3))
    assert person_compliance(person=principal, year=YEAR, on=END).complete
    assert hours_ok_in_reports(principal) == (True, True)
    # As of the second day (the clock of the check), the third had not happened yet.
    on = dt.date(YEAR, 4, 2)
    assert not person_compliance(person=principal, year=YEAR, on=on).complete
    assert hours_ok_in_reports(principal, on=on) == (True, False)


def test_principal_special_training_is_not_asked_in_the_year_of_taking_the_post(world):
    principal = hire(enterprise(world, ORDINARY), PersonnelCategory.PRINCIPAL, dt.date(YEAR, 2, 1))

    assert required(person_compliance(person=principal, year=YEAR, on=END)) == {
        "initial": Decimal(32)
    }


# --------------------------------------------------------------------------- online 学时 floor


def settings_form(minutes):
    return {
        "online_minutes_per_hour": minutes,
        "classroom_minutes_per_hour": 45,
        "idle_check_min_minutes": 5,
        "idle_check_max_minutes": 15,
        "return_after_days": 365,
    }


def test_an_online_hour_below_30_minutes_is_refused_in_the_admin(client, world):
    client.force_login(world.system_admin)
    url = reverse(
        "wagtailsettings:edit", args=["courses", "studysettings", StudySettings.load().pk]
    )

    response = client.post(url, settings_form(25))

    assert response.status_code == 200
    page = response.content.decode()
    assert "一个线上学时至少 30 分钟" in page
    assert 'value="25"' in page  # what was typed is kept
    assert StudySettings.load().online_minutes_per_hour == 45  # nothing written


def test_an_online_hour_of_30_minutes_is_accepted(client, world):
    client.force_login(world.system_admin)
    url = reverse(
        "wagtailsettings:edit", args=["courses", "studysettings", StudySettings.load().pk]
    )

    response = client.post(url, settings_form(30))

    assert response.status_code == 302
    assert StudySettings.load().online_minutes_per_hour == 30
