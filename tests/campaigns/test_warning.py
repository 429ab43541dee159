"""Warning education: assigning cases within scope, reading them on the shared reading clock
(credited where the rule allows), and meetings with attendance from the roster."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns.models import WarningAssignee, WarningAssignment, WarningMeeting, WarningRule
from campaigns.services import CampaignError
from campaigns.services.warning import (
    warning_assignment_create,
    warning_meeting_record,
    warning_reading_tick,
)
from courses.models import CreditEntry, HeartbeatLog
from courses.services import study
from roster.choices import PersonnelCategory
from tests.factories import EmploymentFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 6)


def assign(world, content, actor, enterprises, **kwargs):
    return warning_assignment_create(
        actor=actor,
        case=content["case"],
        enterprises=enterprises,
        due_on=kwargs.pop("due_on", TODAY + dt.timedelta(days=30)),
        today=TODAY,
        **kwargs,
    )


def test_targets_and_rule_are_seeded_as_data():
    from campaigns.models import WarningTarget

    assert WarningTarget.objects.get(metric="meetings", industry=None).yearly_count == 6
    rule = WarningRule.objects.get(pk=1)
    assert rule.reading_minutes == 10 and rule.credits_hours


def test_a_regulator_assigns_a_case_to_the_people_of_enterprises_in_scope(world, content):
    assignment = assign(world, content, world.regulator_county, [world.ent_a, world.ent_b])
    people = set(assignment.assignees.values_list("person_id", flat=True))
    assert people == {world.person_a.pk, world.person_b.pk}


def test_an_enterprise_admin_assigns_by_category_and_post(world, content):
    manager = EmploymentFactory(
        enterprise=world.ent_a, category=PersonnelCategory.SAFETY_MANAGER, post="安全员"
    ).person
    assignment = assign(
        world,
        content,
        world.enterprise_admin,
        [world.ent_a],
        personnel_category=PersonnelCategory.SAFETY_MANAGER,
        post="安全员",
    )
    assert list(assignment.assignees.values_list("person_id", flat=True)) == [manager.pk]


@pytest.mark.parametrize(
    ("actor", "enterprise"),
    [
        ("enterprise_admin", "ent_b"),  # another enterprise
        ("regulator_township_chem", "ent_a"),  # same township, another industry
        ("regulator_county", "ent_other"),  # another county
        ("trainer", "ent_b"),  # a trainer assigns nothing
    ],
)
def test_assigning_outside_ones_scope_is_refused_and_writes_nothing(
    world, content, actor, enterprise
):
    with pytest.raises(CampaignError) as exc:
        assign(world, content, getattr(world, actor), [getattr(world, enterprise)])
    assert exc.value.field == "enterprises"
    assert not WarningAssignment.objects.exists() and not WarningAssignee.objects.exists()


def test_a_deadline_in_the_past_is_refused(world, content):
    with pytest.raises(CampaignError) as exc:
        assign(
            world, content, world.regulator_county, [world.ent_a], due_on=TODAY - dt.timedelta(1)
        )
    assert exc.value.field == "due_on"
    assert not WarningAssignment.objects.exists()


def read_for(reading, person, minutes: int, start=None):
    """Tick every 30 s for `minutes`, as the reading page does while on screen, answering
    the idle checks (the lessons' rule) at once."""
    start = start or timezone.now()
    result = warning_reading_tick(
        person=person, reading=reading, client_id="tab-aaaa1111", seq=1, opening=True, now=start
    )
    for step in range(1, minutes * 2 + 1):
        now = start + dt.timedelta(seconds=30 * step)
        result = warning_reading_tick(
            person=person, reading=reading, client_id="tab-aaaa1111", seq=step + 1, now=now
        )
        if result.challenge_id:
            assert study.challenge_answer(person=person, challenge_id=result.challenge_id, now=now)
    return result


def test_reading_to_the_end_is_recorded_per_assignment_and_credited(world, content):
    assignment = assign(world, content, world.regulator_county, [world.ent_a])
    reading = assignment.assignees.get(person=world.person_a)
    result = read_for(reading, world.person_a, minutes=5)
    reading.refresh_from_db()
    assert reading.read_at is None and not result.completed
    result = read_for(reading, world.person_a, minutes=5, start=timezone.now() + dt.timedelta(1))
    reading.refresh_from_db()
    assert result.completed and reading.read_at is not None
    assert reading.credited_ms == 10 * 60_000
    entries = CreditEntry.objects.filter(person=world.person_a, source="warning_education")
    assert sum(e.minutes for e in entries) == 10
    assert {e.training_kind for e in entries} == {"retraining"}


def test_each_reading_tick_is_logged_against_the_case_read(world, content):
    assignment = assign(world, content, world.regulator_county, [world.ent_a])
    reading = assignment.assignees.get(person=world.person_a)
    read_for(reading, world.person_a, minutes=2)
    logs = HeartbeatLog.objects.filter(person=world.person_a)
    assert logs.count() == 5
    # A warning case is no lesson: the log names the page itself.
    assert set(logs.values_list("page_id", "lesson_id")) == {(content["case"].pk, None)}
    assert sum(logs.values_list("credited_ms", flat=True)) == 2 * 60_000


def test_reading_is_not_credited_as_hours_when_the_rule_says_so(world, content):
    WarningRule.objects.filter(pk=1).update(credits_hours=False, reading_minutes=2)
    assignment = assign(world, content, world.regulator_county, [world.ent_a])
    reading = assignment.assignees.get(person=world.person_a)
    read_for(reading, world.person_a, minutes=3)
    reading.refresh_from_db()
    assert reading.read_at is not None
    assert not CreditEntry.objects.filter(person=world.person_a).exists()


def test_an_unanswered_idle_check_stops_the_reading_clock(world, content):
    from courses.models import StudySettings

    settings = StudySettings.load()
    settings.idle_check_min_minutes = settings.idle_check_max_minutes = 1
    settings.save()
    assignment = assign(world, content, world.regulator_county, [world.ent_a])
    reading = assignment.assignees.get(person=world.person_a)
    start = timezone.now()
    results = [
        warning_reading_tick(
            person=world.person_a,
            reading=reading,
            client_id="tab-aaaa1111",
            seq=step + 1,
            opening=step == 0,
            now=start + dt.timedelta(seconds=30 * step),
        )
        for step in range(12)
    ]
    assert results[2].challenge_id  # asked after a minute of credited reading
    assert results[-1].result == "idle" and results[-1].credited_ms == 0
    reading.refresh_from_db()
    assert reading.credited_ms < 3 * 60_000


def test_a_gap_or_a_second_tab_credits_nothing(world, content):
    assignment = assign(world, content, world.regulator_county, [world.ent_a])
    reading = assignment.assignees.get(person=world.person_a)
    start = timezone.now()
    warning_reading_tick(
        person=world.person_a,
        reading=reading,
        client_id="tab-aaaa1111",
        seq=1,
        opening=True,
        now=start,
    )
    other = warning_reading_tick(
        person=world.person_a,
        reading=reading,
        client_id="tab-bbbb2222",
        seq=1,
        now=start + dt.timedelta(seconds=20),
    )
    assert other.result == "other_client" and other.credited_ms == 0
    late = warning_reading_tick(
        person=world.person_a,
        reading=reading,
        client_id="tab-aaaa1111",
        seq=2,
        now=start + dt.timedelta(minutes=5),
    )
    assert late.credited_ms == 0


def test_nobody_reads_for_someone_else(world, content):
    assignment = assign(world, content, world.regulator_county, [world.ent_a, world.ent_b])
    reading = assignment.assignees.get(person=world.person_a)
    with pytest.raises(CampaignError):
        warning_reading_tick(
            person=world.person_b, reading=reading, client_id="tab-aaaa1111", seq=1, opening=True
        )


def test_an_enterprise_admin_records_a_meeting_with_attendance_from_the_roster(world, content):
    meeting = warning_meeting_record(
        actor=world.enterprise_admin,
        enterprise=world.ent_a,
        held_on=TODAY,
        topic="有限空间中毒事故警示教育",
        cases=[content["case"]],
        attendees=[world.person_a],
        today=TODAY,
    )
    assert list(meeting.attendees.all()) == [world.person_a]


@pytest.mark.parametrize(
    ("actor", "attendee", "held_on"),
    [
        ("enterprise_admin", "person_b", TODAY),  # not on the roster
        ("enterprise_admin", "person_a", TODAY + dt.timedelta(1)),  # not held yet
        ("regulator_county", "person_a", TODAY),  # regulators read, they do not record
    ],
)
def test_a_bad_meeting_is_refused_and_writes_nothing(world, content, actor, attendee, held_on):
    with pytest.raises(CampaignError):
        warning_meeting_record(
            actor=getattr(world, actor),
            enterprise=world.ent_a,
            held_on=held_on,
            topic="警示教育会",
            cases=[content["case"]],
            attendees=[getattr(world, attendee)],
            today=TODAY,
        )
    assert not WarningMeeting.objects.exists()
