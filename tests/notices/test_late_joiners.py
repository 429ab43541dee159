"""People who join a notice's audience after it was published (hired, transferred in, their
post or category changed) get a receipt while its window is open, and count in the
publisher's list, the figures and their own unread count; people who leave keep their row
but owe nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from certificates.models import Notification
from notices import selectors
from notices.models import NoticeReceipt
from notices.services import (
    NoticeError,
    notice_acknowledge,
    notice_overdue_notify,
    notice_publish,
)
from notices.tasks import readers_sync_task
from reports import notice_figures
from reports.selectors import ReportParams
from roster.choices import PersonnelCategory, Role
from roster.models import Person, RoleGrant
from roster.services.employments import PersonData, employment_end
from roster.services.people import person_create_or_update
from roster.services.transfers import transfer_accept
from tests.factories import EmploymentFactory, UserFactory, make_id_number

from .conftest import enterprise_data, regional_data

pytestmark = pytest.mark.django_db


def _hire(world, capture, *, enterprise=None, actor=None, seq=701, **fields) -> Person:
    enterprise = enterprise or world.ent_a
    data = PersonData(
        id_number=make_id_number(seq=seq),
        name="新员工",
        enterprise=enterprise,
        category=fields.pop("category", PersonnelCategory.GENERAL),
        **fields,
    )
    with capture(execute=True):
        result = person_create_or_update(data=data, actor=actor or world.system_admin)
    return result.person


def _change(world, capture, person: Person, **fields):
    job = person.employments.current().get()
    data = PersonData(
        id_number=person.id_number,
        name=person.name,
        enterprise=job.enterprise,
        category=fields.pop("category", job.category),
        post=fields.pop("post", job.post),
    )
    with capture(execute=True):
        person_create_or_update(data=data, actor=world.system_admin)


def _receipt(notice, person):
    return NoticeReceipt.objects.get(notice=notice, person=person)


def test_a_new_hire_gets_an_open_enterprise_notice_and_counts_in_the_list(
    world, django_capture_on_commit_callbacks
):
    notice = notice_publish(actor=world.enterprise_admin, data=enterprise_data(world))
    before = selectors.receipts_by_enterprise(notice=notice)[0].total
    person = _hire(world, django_capture_on_commit_callbacks, actor=world.enterprise_admin)
    receipt = _receipt(notice, person)
    assert receipt.role == NoticeReceipt.Role.STAFF and receipt.left_at is None
    assert selectors.receipts_by_enterprise(notice=notice)[0].total == before + 1
    pending = selectors.receipt_list(notice=notice, pending="ack")
    assert person.pk in {r.person_id for r in pending}
    user = UserFactory(username="new-hire", person=person)
    assert selectors.unread_count(user=user) == 1


def test_a_new_hire_outside_the_chosen_category_gets_nothing(
    world, django_capture_on_commit_callbacks
):
    EmploymentFactory(enterprise=world.ent_a, category=PersonnelCategory.SAFETY_MANAGER)
    notice = notice_publish(
        actor=world.enterprise_admin,
        data=enterprise_data(world, categories=[PersonnelCategory.SAFETY_MANAGER]),
    )
    person = _hire(world, django_capture_on_commit_callbacks)
    assert not NoticeReceipt.objects.filter(notice=notice, person=person).exists()


def test_a_changed_category_joins_the_notice_and_changing_back_leaves_it(
    world, django_capture_on_commit_callbacks
):
    EmploymentFactory(enterprise=world.ent_a, category=PersonnelCategory.SAFETY_MANAGER)
    notice = notice_publish(
        actor=world.enterprise_admin,
        data=enterprise_data(world, categories=[PersonnelCategory.SAFETY_MANAGER]),
    )
    person = world.person_a
    assert not NoticeReceipt.objects.filter(notice=notice, person=person).exists()
    _change(world, django_capture_on_commit_callbacks, person, category="safety_manager")
    assert _receipt(notice, person).left_at is None
    assert selectors.unread_count(user=world.trainee) == 1

    _change(world, django_capture_on_commit_callbacks, person, category="general")
    receipt = _receipt(notice, person)
    assert receipt.left_at is not None  # the row stays: the history
    assert selectors.unread_count(user=world.trainee) == 0
    assert selectors.receipts_by_enterprise(notice=notice)[0].total == 1
    assert person.pk not in {
        r.person_id for r in selectors.receipt_list(notice=notice, pending="read")
    }
    with pytest.raises(NoticeError):
        notice_acknowledge(actor=world.trainee, receipt=receipt)


def test_a_changed_post_joins_a_notice_for_that_post(world, django_capture_on_commit_callbacks):
    EmploymentFactory(enterprise=world.ent_a, post="电工")
    notice = notice_publish(
        actor=world.enterprise_admin, data=enterprise_data(world, posts=["电工"])
    )
    _change(world, django_capture_on_commit_callbacks, world.person_a, post="电工")
    assert _receipt(notice, world.person_a).left_at is None


def test_a_person_transferred_in_gets_the_notice_and_leaves_the_old_one(
    world, django_capture_on_commit_callbacks
):
    at_a = notice_publish(actor=world.enterprise_admin, data=enterprise_data(world))
    admin_b = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    at_b = notice_publish(
        actor=admin_b, data=enterprise_data(world, enterprise=world.ent_b, title="纺织厂通知")
    )
    person = world.person_b
    assert _receipt(at_b, person).left_at is None
    data = PersonData(
        id_number=person.id_number, name=person.name, enterprise=world.ent_a, category="general"
    )
    result = person_create_or_update(data=data, actor=world.enterprise_admin)
    assert result.transfer is not None
    with django_capture_on_commit_callbacks(execute=True):
        transfer_accept(actor=None, transfer=result.transfer)
    assert _receipt(at_a, person).enterprise_id == world.ent_a.pk
    assert _receipt(at_b, person).left_at is not None


def test_a_regional_notice_reaches_a_new_hire_of_its_industry_only(
    world, django_capture_on_commit_callbacks
):
    notice = notice_publish(actor=world.regulator_county, data=regional_data(world))
    general = _hire(world, django_capture_on_commit_callbacks, enterprise=world.ent_b, seq=702)
    chemical = _hire(
        world, django_capture_on_commit_callbacks, enterprise=world.ent_a_chem, seq=703
    )
    elsewhere = _hire(
        world, django_capture_on_commit_callbacks, enterprise=world.ent_other, seq=704
    )
    readers = set(notice.receipts.values_list("person_id", flat=True))
    assert general.pk in readers
    assert chemical.pk not in readers and elsewhere.pk not in readers


def test_a_leaver_keeps_the_history_and_owes_nothing_in_the_figures(
    world, django_capture_on_commit_callbacks
):
    EmploymentFactory(enterprise=world.ent_a)
    notice = notice_publish(actor=world.enterprise_admin, data=enterprise_data(world))
    stayer = NoticeReceipt.objects.exclude(person=world.person_a).get(notice=notice)
    notice_acknowledge(actor=world.trainee, receipt=_receipt(notice, world.person_a))
    params = ReportParams(on=timezone.localdate(), region=world.county)
    counts = notice_figures.per_enterprise(user=world.regulator_county, params=params)
    assert counts[world.ent_a.pk]["notice_receipts"] == 2

    # The acknowledged one leaves: still counted (they did it); the other leaves unread: not.
    job = world.person_a.employments.current().get()
    with django_capture_on_commit_callbacks(execute=True):
        employment_end(employment=job, on=timezone.localdate(), actor=world.enterprise_admin)
    counts = notice_figures.per_enterprise(user=world.regulator_county, params=params)
    assert counts[world.ent_a.pk]["notice_receipts"] == 2
    assert counts[world.ent_a.pk]["notice_acknowledged"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        employment_end(
            employment=stayer.person.employments.current().get(),
            on=timezone.localdate(),
            actor=world.enterprise_admin,
        )
    tomorrow = ReportParams(on=timezone.localdate() + dt.timedelta(days=1), region=world.county)
    counts = notice_figures.per_enterprise(user=world.regulator_county, params=tomorrow)
    assert counts[world.ent_a.pk]["notice_receipts"] == 1
    assert selectors.receipts_by_enterprise(notice=notice)[0].total == 1
    assert _receipt(notice, stayer.person).left_at is not None


def test_a_leaver_is_not_reminded_when_the_deadline_passes(
    world, django_capture_on_commit_callbacks
):
    notice = notice_publish(actor=world.enterprise_admin, data=enterprise_data(world))
    with django_capture_on_commit_callbacks(execute=True):
        employment_end(
            employment=world.person_a.employments.current().get(),
            on=timezone.localdate(),
            actor=world.enterprise_admin,
        )
    notice_overdue_notify(now=notice.ack_deadline + dt.timedelta(hours=1))
    assert not Notification.objects.filter(user=world.trainee).exists()


def test_a_notice_past_its_window_takes_no_newcomers(world, django_capture_on_commit_callbacks):
    now = timezone.now()
    notice = notice_publish(
        actor=world.enterprise_admin,
        data=enterprise_data(world, publish_until=now + dt.timedelta(days=3)),
    )
    # Its window is over (shown from nine days ago until yesterday).
    type(notice).objects.filter(pk=notice.pk).update(
        publish_from=now - dt.timedelta(days=9), publish_until=now - dt.timedelta(days=1)
    )
    person = _hire(world, django_capture_on_commit_callbacks)
    assert not NoticeReceipt.objects.filter(notice=notice, person=person).exists()


def test_the_nightly_sync_adds_a_new_enterprise_admin_and_is_safe_to_repeat(world):
    notice = notice_publish(actor=world.regulator_county, data=regional_data(world))
    admin_b = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    assert tuple(readers_sync_task.apply().get()) == (1, 0)
    receipt = NoticeReceipt.objects.get(notice=notice, user=admin_b)
    assert receipt.role == NoticeReceipt.Role.ADMIN
    assert tuple(readers_sync_task.apply().get()) == (0, 0)
