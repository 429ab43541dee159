"""Rules of issue 26 kept as data, each with its dates given (the `on` date these rules read,
never today's):

- 班组长 and 消防安全责任人/管理人 hours (courses/migrations/0002_seed_hours_rules.py) in a
  high-risk and an ordinary industry: 72 / 24 before work, then 20 / 8 a year;
- 劳务派遣, 外包, 临时 and 灵活用工 workers are held to the hours of the using enterprise's own
  staff, and the regulator's figures say the same;
- 三级安全教育 after time away: how long "away" is, is StudySettings.return_after_days (365
  seeded), and changing it changes who is due.
"""

import datetime as dt
from decimal import Decimal

import pytest

from courses.models import CreditEntry, SafetyEducationRecord, StudySettings, TrainingKind
from courses.services.compliance import person_compliance, safety_education_status
from reports import figures
from roster.choices import EmploymentForm, EmploymentStatus, PersonnelCategory
from roster.models import Enterprise, Industry
from roster.services import employment_change_status
from tests.factories import EmploymentFactory, EnterpriseFactory

YEAR = 2025
END = dt.date(YEAR, 12, 31)
ORDINARY = "07"  # 工贸
HIGH_RISK = "03"  # 危险化学品


def enterprise(world, code):
    return EnterpriseFactory(region=world.township_a, industry=Industry.objects.get(code=code))


def hire(ent, category, hired, form=EmploymentForm.REGULAR):
    return EmploymentFactory(
        enterprise=ent, category=category, hire_date=hired, employment_form=form
    ).person


def credit(person, kind, hours, on):
    return CreditEntry.objects.create(
        person=person,
        on=on,
        source=CreditEntry.Source.CLASSROOM,
        training_kind=kind,
        minutes=45 * hours,
    )


def required(compliance):
    return {i.training_kind: i.required_hours for i in compliance.items}


def hours_ok_in_reports(person, on=END):
    employment = person.employments.get()
    row = figures.annotated(
        on=on, enterprises=Enterprise.objects.filter(pk=employment.enterprise_id)
    ).get(pk=employment.pk)
    return bool(row.must_train), bool(row.hours_ok)


# --------------------------------------------------------------- 班组长, 消防安全责任人/管理人


@pytest.mark.parametrize("category", [PersonnelCategory.TEAM_LEADER, PersonnelCategory.FIRE_SAFETY])
@pytest.mark.parametrize(
    ("code", "pre_job", "yearly"),
    [(HIGH_RISK, 72, 20), (ORDINARY, 24, 8)],
    ids=["high-risk", "ordinary"],
)
def test_team_leader_and_fire_safety_hours_by_industry_class(
    world, category, code, pre_job, yearly
):
    ent = enterprise(world, code)
    new = hire(ent, category, dt.date(YEAR, 3, 1))
    old = hire(ent, category, dt.date(YEAR - 3, 3, 1))

    assert required(person_compliance(person=new, year=YEAR, on=END)) == {
        TrainingKind.PRE_JOB: Decimal(pre_job)
    }
    assert required(person_compliance(person=old, year=YEAR, on=END)) == {
        TrainingKind.RETRAINING: Decimal(yearly)
    }

    # One 学时 short of the yearly rule is short, here and in the regulator's figures.
    credit(old, TrainingKind.RETRAINING, yearly - 1, dt.date(YEAR, 5, 1))
    short = person_compliance(person=old, year=YEAR, on=END)
    assert short.missing_hours == Decimal(1)
    assert hours_ok_in_reports(old) == (True, False)
    credit(old, TrainingKind.RETRAINING, 1, dt.date(YEAR, 5, 2))
    assert person_compliance(person=old, year=YEAR, on=END).complete
    assert hours_ok_in_reports(old) == (True, True)

    # Before the year's training is held, on its first day, all of it is still missing.
    assert person_compliance(person=old, year=YEAR, on=dt.date(YEAR, 1, 1)).missing_hours == (
        Decimal(yearly)
    )


# --------------------------------------------------------------- non-fixed workers


NON_FIXED = [
    EmploymentForm.DISPATCHED,
    EmploymentForm.OUTSOURCED,
    EmploymentForm.TEMPORARY,
    EmploymentForm.FLEXIBLE,
]


@pytest.mark.parametrize("form", NON_FIXED)
@pytest.mark.parametrize(
    ("code", "pre_job", "yearly"),
    [(HIGH_RISK, 72, 20), (ORDINARY, 24, 8)],
    ids=["high-risk", "ordinary"],
)
def test_non_fixed_workers_need_the_hours_of_the_using_enterprises_own_staff(
    world, form, code, pre_job, yearly
):
    ent = enterprise(world, code)
    own_new = hire(ent, PersonnelCategory.GENERAL, dt.date(YEAR, 3, 1))
    own_old = hire(ent, PersonnelCategory.GENERAL, dt.date(YEAR - 2, 3, 1))
    their_new = hire(ent, PersonnelCategory.GENERAL, dt.date(YEAR, 3, 1), form)
    their_old = hire(ent, PersonnelCategory.GENERAL, dt.date(YEAR - 2, 3, 1), form)

    for own, theirs in [(own_new, their_new), (own_old, their_old)]:
        assert required(person_compliance(person=theirs, year=YEAR, on=END)) == required(
            person_compliance(person=own, year=YEAR, on=END)
        )
    assert required(person_compliance(person=their_new, year=YEAR, on=END)) == {
        TrainingKind.PRE_JOB: Decimal(pre_job)
    }
    # The regulator counts them as people who must train, short until they have the hours.
    assert hours_ok_in_reports(their_old) == (True, False)
    credit(their_old, TrainingKind.RETRAINING, yearly, dt.date(YEAR, 6, 1))
    assert hours_ok_in_reports(their_old) == (True, True)


# --------------------------------------------------------------- 三级 after time away


def _all_levels(person, enterprise, on):
    for level in ("company", "workshop", "team"):
        SafetyEducationRecord.objects.create(
            person=person,
            enterprise=enterprise,
            level=level,
            reason="new_hire",
            held_on=on,
            hours=Decimal(8),
        )


def _away(person, since, back):
    employment = person.employments.get()
    for status, on in [(EmploymentStatus.OFF_POST, since), (EmploymentStatus.ON_POST, back)]:
        employment_change_status(employment=employment, status=status, on=on, reason="", actor=None)


@pytest.mark.django_db
def test_return_after_is_seeded_as_a_year():
    assert StudySettings.load().return_after_days == 365


def test_changing_the_time_away_changes_who_is_due(world):
    person = world.person_a
    _all_levels(person, world.ent_a, dt.date(2020, 3, 1))
    # 200 days away: not a year, so nothing is due again by default.
    _away(person, dt.date(YEAR, 1, 1), dt.date(YEAR, 1, 1) + dt.timedelta(days=200))
    assert safety_education_status(person=person).complete

    settings = StudySettings.load()
    settings.return_after_days = 180
    settings.save()

    status = safety_education_status(person=person)
    assert status.reason == "return"
    assert status.missing_levels == ("workshop", "team")

    settings.return_after_days = 201
    settings.save()
    assert safety_education_status(person=person).complete


def test_the_time_away_is_changed_in_the_admin_and_zero_is_refused(client, world):
    from django.urls import reverse

    client.force_login(world.system_admin)
    url = reverse(
        "wagtailsettings:edit", args=["courses", "studysettings", StudySettings.load().pk]
    )
    form = {
        "online_minutes_per_hour": 45,
        "classroom_minutes_per_hour": 45,
        "idle_check_min_minutes": 5,
        "idle_check_max_minutes": 15,
    }
    refused = client.post(url, {**form, "return_after_days": 0})
    assert refused.status_code == 200
    assert StudySettings.load().return_after_days == 365
    assert client.post(url, {**form, "return_after_days": 180}).status_code == 302
    assert StudySettings.load().return_after_days == 180
