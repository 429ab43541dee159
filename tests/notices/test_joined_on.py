"""A receipt knows when its reader joined the notice's audience: a dated figure counts it
only from then, and a late joiner gets a deadline of their own (joined + the time the notice
gave everyone, or the notice's deadline if later), shown on the notice's page."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from certificates.models import Notification
from notices.audience import acknowledged_on_time, due_by
from notices.models import NoticeReceipt
from notices.services import (
    NoticeChange,
    notice_acknowledge,
    notice_edit,
    notice_overdue_notify,
    notice_publish,
)
from reports import notice_figures
from reports.selectors import ReportParams
from roster.choices import PersonnelCategory
from roster.services.employments import PersonData
from roster.services.people import person_create_or_update
from tests.factories import UserFactory, make_id_number

from .conftest import enterprise_data

pytestmark = pytest.mark.django_db


def _hire(world, capture, seq=811):
    data = PersonData(
        id_number=make_id_number(seq=seq),
        name="后来的员工",
        enterprise=world.ent_a,
        category=PersonnelCategory.GENERAL,
    )
    with capture(execute=True):
        return person_create_or_update(data=data, actor=world.enterprise_admin).person


@pytest.fixture
def old_notice(world):
    """Shown for six days; everyone was given five days to acknowledge (due yesterday)."""
    now = timezone.now()
    data = enterprise_data(
        world,
        publish_from=now - dt.timedelta(days=6),
        ack_deadline=now - dt.timedelta(days=1),
    )
    return notice_publish(actor=world.enterprise_admin, data=data)


def test_those_it_was_published_to_joined_at_its_start_and_keep_its_deadline(world, old_notice):
    receipt = NoticeReceipt.objects.get(notice=old_notice, person=world.person_a)
    assert receipt.joined_at == old_notice.publish_from
    assert receipt.ack_due_at is None  # the notice's own deadline


def test_a_late_joiner_gets_the_notice_s_period_from_joining(
    world, old_notice, django_capture_on_commit_callbacks
):
    before = timezone.now()
    person = _hire(world, django_capture_on_commit_callbacks)
    receipt = NoticeReceipt.objects.get(notice=old_notice, person=person)
    assert receipt.joined_at >= before
    assert receipt.ack_due_at == receipt.joined_at + dt.timedelta(days=5)

    # The reminder sweep: the original reader is overdue, the newcomer is not.
    user = UserFactory(username=person.id_number, person=person)
    NoticeReceipt.objects.filter(pk=receipt.pk).update(user=user)  # signed up since
    notice_overdue_notify(now=timezone.now() + dt.timedelta(minutes=1))
    assert Notification.objects.filter(user=world.trainee).exists()
    assert not Notification.objects.filter(user__person=person).exists()
    # Past their own deadline they are reminded, once.
    notice_overdue_notify(now=receipt.ack_due_at + dt.timedelta(minutes=1))
    assert Notification.objects.filter(user__person=person).count() == 1


def test_a_joiner_before_a_late_deadline_keeps_the_notice_s(
    world, django_capture_on_commit_callbacks
):
    """Joined on the second day of ten: joined + ten days would be later, so that; but one
    who joins a notice with most of its time left never gets less than its deadline."""
    now = timezone.now()
    notice = notice_publish(
        actor=world.enterprise_admin,
        data=enterprise_data(
            world, publish_from=now - dt.timedelta(days=1), ack_deadline=now + dt.timedelta(days=9)
        ),
    )
    person = _hire(world, django_capture_on_commit_callbacks)
    receipt = NoticeReceipt.objects.get(notice=notice, person=person)
    assert receipt.ack_due_at == receipt.joined_at + dt.timedelta(days=10)
    assert receipt.ack_due_at > notice.ack_deadline


def test_the_notice_page_tells_the_late_joiner_their_deadline(
    world, old_notice, django_capture_on_commit_callbacks
):
    person = _hire(world, django_capture_on_commit_callbacks)
    user = UserFactory(username=person.id_number, person=person)
    client = Client()
    client.force_login(user)
    page = client.get(f"/notices/{old_notice.pk}/").content.decode()
    receipt = NoticeReceipt.objects.get(notice=old_notice, person=person)
    own = timezone.localtime(receipt.ack_due_at).strftime("%Y-%m-%d %H:%M")
    assert f"请于 {own} 前签收" in page or own in page
    assert "您的签收期限" in page
    assert "已超过签收截止时间" not in page
    # The original reader is overdue and is told so.
    client.force_login(world.trainee)
    page = client.get(f"/notices/{old_notice.pk}/").content.decode()
    assert "您的签收期限" not in page


def test_a_dated_figure_counts_a_receipt_only_from_its_joining(
    world, old_notice, django_capture_on_commit_callbacks
):
    yesterday = ReportParams(on=timezone.localdate() - dt.timedelta(days=1), region=world.county)
    today = ReportParams(on=timezone.localdate(), region=world.county)
    before = notice_figures.per_enterprise(user=world.regulator_county, params=yesterday)
    _hire(world, django_capture_on_commit_callbacks)
    after_yesterday = notice_figures.per_enterprise(user=world.regulator_county, params=yesterday)
    assert after_yesterday == before  # not yet among its readers then
    now = notice_figures.per_enterprise(user=world.regulator_county, params=today)
    assert now[world.ent_a.pk]["notice_receipts"] == before[world.ent_a.pk]["notice_receipts"] + 1


def test_due_and_on_time_follow_each_reader_s_own_deadline(
    world, old_notice, django_capture_on_commit_callbacks
):
    person = _hire(world, django_capture_on_commit_callbacks)
    late = NoticeReceipt.objects.get(notice=old_notice, person=person)
    now = timezone.now()
    due = set(old_notice.receipts.filter(due_by(now)).values_list("person_id", flat=True))
    assert world.person_a.pk in due and person.pk not in due
    later = late.ack_due_at + dt.timedelta(minutes=1)
    assert old_notice.receipts.filter(due_by(later), pk=late.pk).exists()

    user = UserFactory(username=person.id_number, person=person)
    notice_acknowledge(actor=user, receipt=late)
    on_time = old_notice.receipts.filter(acknowledged_on_time())
    assert list(on_time.values_list("person_id", flat=True)) == [person.pk]


def test_moving_the_notice_s_deadline_moves_the_late_joiner_s(
    world, django_capture_on_commit_callbacks
):
    now = timezone.now()
    notice = notice_publish(
        actor=world.enterprise_admin,
        data=enterprise_data(
            world,
            publish_from=now - dt.timedelta(days=6),
            publish_until=now + dt.timedelta(days=30),
            ack_deadline=now + dt.timedelta(days=1),
        ),
    )
    person = _hire(world, django_capture_on_commit_callbacks)
    receipt = NoticeReceipt.objects.get(notice=notice, person=person)
    assert receipt.ack_due_at == receipt.joined_at + dt.timedelta(days=7)
    notice_edit(
        actor=world.enterprise_admin,
        notice=notice,
        change=NoticeChange(
            title=notice.title,
            body=notice.body,
            publish_until=notice.publish_until,
            must_acknowledge=True,
            ack_deadline=notice.publish_from + dt.timedelta(days=10),
        ),
    )
    receipt.refresh_from_db()
    assert receipt.ack_due_at == receipt.joined_at + dt.timedelta(days=10)
    assert NoticeReceipt.objects.get(notice=notice, person=world.person_a).ack_due_at is None


def test_the_regulators_figures_hold_a_late_joiner_to_their_own_deadline(
    world, old_notice, django_capture_on_commit_callbacks
):
    """The notice's deadline passed yesterday: the original readers are overdue in the
    county's figures, the newcomer is not yet due; past their own deadline they are."""
    today = ReportParams(on=timezone.localdate(), region=world.county)
    before = notice_figures.per_enterprise(user=world.regulator_county, params=today)
    person = _hire(world, django_capture_on_commit_callbacks)
    now = notice_figures.per_enterprise(user=world.regulator_county, params=today)[world.ent_a.pk]
    was = before[world.ent_a.pk]
    assert now["notice_receipts"] == was["notice_receipts"] + 1
    assert (now["notice_due"], now["notice_overdue"]) == (was["notice_due"], was["notice_overdue"])

    late = NoticeReceipt.objects.get(notice=old_notice, person=person)
    after = ReportParams(
        on=timezone.localdate(late.ack_due_at) + dt.timedelta(days=1), region=world.county
    )
    then = notice_figures.per_enterprise(user=world.regulator_county, params=after)[world.ent_a.pk]
    assert then["notice_due"] == was["notice_due"] + 1
    assert then["notice_overdue"] == was["notice_overdue"] + 1
