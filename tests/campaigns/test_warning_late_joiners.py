"""A warning assignment before its deadline follows the rosters: people who join its
enterprises, category or post get the case; people who leave keep what they read and, unread,
no longer count as owing it (the assignment's list, the figures and their own list)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from campaigns import selectors
from campaigns.models import WarningAssignee, WarningAssignment
from campaigns.services.warning import warning_assignment_create
from campaigns.services.warning_readers import warning_readers_sync
from campaigns.tasks import warning_readers_sync_task
from reports.campaign_figures import warning_people, warning_per_enterprise
from roster.choices import PersonnelCategory
from roster.services.employments import PersonData, employment_end
from roster.services.people import person_create_or_update
from tests.factories import EmploymentFactory, UserFactory, make_id_number

pytestmark = pytest.mark.django_db


def _assign(world, content, **kwargs):
    today = timezone.localdate()
    return warning_assignment_create(
        actor=kwargs.pop("actor", world.regulator_county),
        case=content["case"],
        enterprises=kwargs.pop("enterprises", [world.ent_a]),
        due_on=kwargs.pop("due_on", today + dt.timedelta(days=30)),
        **kwargs,
    )


def _upsert(world, capture, *, id_number, name="新员工", enterprise=None, **fields):
    data = PersonData(
        id_number=id_number,
        name=name,
        enterprise=enterprise or world.ent_a,
        category=fields.pop("category", PersonnelCategory.GENERAL),
        **fields,
    )
    with capture(execute=True):
        return person_create_or_update(data=data, actor=world.system_admin).person


def _row(assignment, person):
    return WarningAssignee.objects.get(assignment=assignment, person=person)


def test_a_new_hire_gets_an_open_assignment(world, content, django_capture_on_commit_callbacks):
    assignment = _assign(world, content)
    person = _upsert(world, django_capture_on_commit_callbacks, id_number=make_id_number(seq=711))
    assert _row(assignment, person).enterprise_id == world.ent_a.pk
    assert [r.assignment_id for r in selectors.my_warning_readings(person=person)] == [
        assignment.pk
    ]
    listed = selectors.warning_assignment_get(user=world.regulator_county, pk=assignment.pk)
    assert listed.readers == 2


def test_an_assignment_past_its_deadline_takes_no_newcomers(
    world, content, django_capture_on_commit_callbacks
):
    assignment = _assign(world, content)
    WarningAssignment.objects.filter(pk=assignment.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=1)
    )
    person = _upsert(world, django_capture_on_commit_callbacks, id_number=make_id_number(seq=712))
    assert not WarningAssignee.objects.filter(assignment=assignment, person=person).exists()


def test_a_changed_post_or_category_joins_and_leaves_an_assignment_by_post(
    world, content, django_capture_on_commit_callbacks
):
    EmploymentFactory(enterprise=world.ent_a, post="电工", category="special_operator")
    assignment = _assign(world, content, post="电工", personnel_category="special_operator")
    person = world.person_a
    _upsert(
        world,
        django_capture_on_commit_callbacks,
        id_number=person.id_number,
        name=person.name,
        post="电工",
        category="special_operator",
    )
    assert _row(assignment, person).left_at is None
    _upsert(
        world,
        django_capture_on_commit_callbacks,
        id_number=person.id_number,
        name=person.name,
        post="电工",
        category="general",
    )
    assert _row(assignment, person).left_at is not None
    assert list(selectors.my_warning_readings(person=person)) == []
    listed = selectors.warning_assignment_get(user=world.regulator_county, pk=assignment.pk)
    assert listed.readers == 1


def test_a_leaver_who_read_the_case_still_counts_and_one_who_did_not_does_not(
    world, content, django_capture_on_commit_callbacks
):
    other = EmploymentFactory(enterprise=world.ent_a).person
    assignment = _assign(world, content)
    WarningAssignee.objects.filter(assignment=assignment, person=world.person_a).update(
        read_at=timezone.now()
    )
    for person in (world.person_a, other):
        with django_capture_on_commit_callbacks(execute=True):
            employment_end(
                employment=person.employments.current().get(),
                on=timezone.localdate(),
                actor=world.enterprise_admin,
            )
    assert _row(assignment, other).left_at is not None
    per = warning_per_enterprise(
        enterprises=[world.ent_a], year=timezone.localdate().year, on=timezone.localdate()
    )
    assert per[world.ent_a.pk]["cases_assigned"] == 1
    assert per[world.ent_a.pk]["cases_read"] == 1
    listed = selectors.warning_assignment_get(user=world.regulator_county, pk=assignment.pk)
    assert (listed.readers, listed.read) == (1, 1)
    assert [r.assignment_id for r in selectors.my_warning_readings(person=world.person_a)] == [
        assignment.pk
    ]


def test_a_person_moved_between_two_assigned_enterprises_is_counted_where_they_work(
    world, content, django_capture_on_commit_callbacks
):
    assignment = _assign(world, content, enterprises=[world.ent_a, world.ent_b])
    person = world.person_b
    _upsert(
        world,
        django_capture_on_commit_callbacks,
        id_number=person.id_number,
        name=person.name,
        enterprise=world.ent_a,
    )
    row = _row(assignment, person)
    assert row.enterprise_id == world.ent_a.pk and row.left_at is None


def test_the_nightly_sync_catches_a_job_added_without_a_service_and_repeats_safely(world, content):
    assignment = _assign(world, content)
    person = EmploymentFactory(enterprise=world.ent_a).person  # no roster service: no signal
    assert tuple(warning_readers_sync_task.apply().get()) == (1, 0)
    assert _row(assignment, person).left_at is None
    assert tuple(warning_readers_sync_task.apply().get()) == (0, 0)


def _started_earlier(assignment, *, days_ago: int, due_in: int) -> WarningAssignment:
    """The assignment as if made `days_ago` days ago with a deadline `due_in` days from today
    (negative: passed)."""
    today = timezone.localdate()
    WarningAssignment.objects.filter(pk=assignment.pk).update(
        created_at=timezone.now() - dt.timedelta(days=days_ago),
        due_on=today + dt.timedelta(days=due_in),
    )
    assignment.refresh_from_db()
    return assignment


def test_a_late_joiner_gets_the_reading_period_counted_from_the_day_they_joined(
    world, content, django_capture_on_commit_callbacks
):
    # Made 20 days ago with 30 days to read it: ten days are left for everyone assigned then.
    assignment = _started_earlier(_assign(world, content), days_ago=20, due_in=10)
    person = _upsert(world, django_capture_on_commit_callbacks, id_number=make_id_number(seq=713))
    today = timezone.localdate()
    assert _row(assignment, person).due_on == today + dt.timedelta(days=30)
    assert _row(assignment, person).deadline == today + dt.timedelta(days=30)
    assert _row(assignment, world.person_a).due_on is None
    assert _row(assignment, world.person_a).deadline == assignment.due_on


def test_a_late_joiner_is_not_overdue_before_their_own_deadline_in_the_figures_or_the_lists(
    world, content, client
):
    assignment = _assign(world, content)
    # Made 12 days ago with 10 days to read it (its deadline passed two days ago); someone
    # joined four days ago, so has until six days from now.
    assignment = _started_earlier(assignment, days_ago=12, due_in=-2)
    person = EmploymentFactory(enterprise=world.ent_a).person
    warning_readers_sync(assignment=assignment, now=timezone.now() - dt.timedelta(days=4))
    today = timezone.localdate()
    assert _row(assignment, person).due_on == today + dt.timedelta(days=6)

    year = assignment.created_at.year
    per = warning_per_enterprise(enterprises=[world.ent_a], year=year, on=today)
    assert (per[world.ent_a.pk]["cases_assigned"], per[world.ent_a.pk]["cases_overdue"]) == (2, 1)
    listed = selectors.warning_assignment_get(user=world.enterprise_admin, pk=assignment.pk)
    assert (listed.readers, listed.overdue) == (2, 1)
    people = {p.name: p for p in warning_people(enterprise=world.ent_a, year=year, on=today)}
    assert (people[world.person_a.name].overdue, people[person.name].overdue) == (1, 0)

    # After their own deadline they are overdue too, in the figures as of that day.
    later = today + dt.timedelta(days=7)
    per = warning_per_enterprise(enterprises=[world.ent_a], year=year, on=later)
    assert per[world.ent_a.pk]["cases_overdue"] == 2

    client.force_login(world.enterprise_admin)
    page = client.get(f"/campaigns/warning/{assignment.pk}/").content.decode()
    assert (today + dt.timedelta(days=6)).isoformat() in page
    assert page.count('data-overdue="1"') == 1


def test_the_trainee_sees_their_own_later_deadline(world, content, client):
    assignment = _started_earlier(_assign(world, content), days_ago=12, due_in=-2)
    person = EmploymentFactory(enterprise=world.ent_a).person
    warning_readers_sync(assignment=assignment, now=timezone.now() - dt.timedelta(days=4))
    user = UserFactory(person=person)
    client.force_login(user)
    own = (timezone.localdate() + dt.timedelta(days=6)).isoformat()
    mine = client.get("/campaigns/warning/mine/").content.decode()
    assert own in mine and assignment.due_on.isoformat() not in mine
    row = _row(assignment, person)
    reading = client.get(f"/campaigns/warning/read/{row.pk}/").content.decode()
    assert own in reading


def test_a_late_joiner_who_leaves_before_their_own_deadline_no_longer_owes_it(
    world, content, django_capture_on_commit_callbacks
):
    assignment = _started_earlier(_assign(world, content), days_ago=12, due_in=-2)
    person = EmploymentFactory(enterprise=world.ent_a).person
    warning_readers_sync(assignment=assignment, now=timezone.now() - dt.timedelta(days=4))
    with django_capture_on_commit_callbacks(execute=True):
        employment_end(
            employment=person.employments.current().get(),
            on=timezone.localdate(),
            actor=world.enterprise_admin,
        )
    assert _row(assignment, person).left_at is not None
    # Nobody else joins an assignment past its deadline.
    newcomer = EmploymentFactory(enterprise=world.ent_a).person
    assert tuple(warning_readers_sync_task.apply().get()) == (0, 0)
    assert not WarningAssignee.objects.filter(assignment=assignment, person=newcomer).exists()


def test_figures_for_a_past_day_count_what_was_so_that_day(world, content):
    """Read after the day asked: unread then. Left unread after it: owed then. Joined after
    it: not yet a reader."""
    now, today = timezone.now(), timezone.localdate()
    other = EmploymentFactory(enterprise=world.ent_a).person
    assignment = _assign(world, content)
    created = now - dt.timedelta(days=6)
    WarningAssignment.objects.filter(pk=assignment.pk).update(
        created_at=created, due_on=today - dt.timedelta(days=4)
    )
    assignment.assignees.update(joined_at=created)
    yesterday = now - dt.timedelta(days=1)
    assignment.assignees.filter(person=world.person_a).update(read_at=yesterday)
    assignment.assignees.filter(person=other).update(left_at=yesterday)
    newcomer = EmploymentFactory(enterprise=world.ent_a).person
    WarningAssignee.objects.create(
        assignment=assignment,
        person=newcomer,
        enterprise=world.ent_a,
        joined_at=yesterday,
        due_on=today + dt.timedelta(days=3),
    )
    year = timezone.localdate(created).year

    def figures(on):
        per = warning_per_enterprise(enterprises=[world.ent_a], year=year, on=on)[world.ent_a.pk]
        return per["cases_assigned"], per["cases_read"], per["cases_overdue"], per["readers"]

    two_days_ago = today - dt.timedelta(days=2)
    assert figures(two_days_ago) == (2, 0, 2, 2)
    assert figures(today) == (2, 1, 0, 2)  # the leaver's unread case is owed no more
    rows = {
        r.name: (r.assigned, r.read, r.overdue)
        for r in warning_people(enterprise=world.ent_a, year=year, on=two_days_ago)
    }
    assert rows[world.person_a.name] == (1, 0, 1)
    assert rows[other.name] == (1, 0, 1)
    assert newcomer.name not in rows  # not yet a reader that day
