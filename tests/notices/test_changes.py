"""After publishing: the publisher changes a notice (readers are told; acknowledgements are
asked again only when the publisher says so) or withdraws it (readers no longer see it, the
publisher keeps its receipts, the figures count it as withdrawn). Nobody else may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from certificates.models import Notification
from notices import selectors
from notices.services import (
    NoticeChange,
    NoticeError,
    notice_acknowledge,
    notice_edit,
    notice_overdue_notify,
    notice_withdraw,
)
from reports import notice_figures
from reports.selectors import report_params
from roster.choices import Role
from roster.models import AuditLog, RoleGrant
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_of(notice, **overrides) -> NoticeChange:
    values = dict(
        title=notice.title,
        body="各企业：\n请于月底前完成自查，并上报整改清单。",
        publish_until=notice.publish_until,
        must_acknowledge=notice.must_acknowledge,
        ack_deadline=notice.ack_deadline,
    )
    values.update(overrides)
    return NoticeChange(**values)


@pytest.fixture
def acknowledged(world, regional_notice):
    notice_acknowledge(
        actor=world.trainee, receipt=regional_notice.receipts.get(person=world.person_a)
    )
    return regional_notice


def test_a_change_keeps_receipts_and_tells_readers(world, acknowledged):
    receipts_before = acknowledged.receipts.count()
    notice = notice_edit(
        actor=world.regulator_county, notice=acknowledged, change=change_of(acknowledged)
    )
    assert notice.edited_at is not None and "上报整改清单" in notice.body
    assert notice.receipts.count() == receipts_before
    mine = notice.receipts.get(person=world.person_a)
    assert mine.acknowledged_at is not None and mine.read_at is not None
    page = client_for(world.trainee).get(f"/notices/{notice.pk}/").content.decode()
    assert "改动时间" in page and "您首次阅读后，此通知已有改动" in page
    assert AuditLog.objects.filter(action="notice.edit", actor=world.regulator_county).exists()


def test_asking_again_clears_acknowledgements_and_shows_it_unread(world, acknowledged):
    assert selectors.unread_count(user=world.trainee) == 0
    notice_edit(
        actor=world.regulator_county,
        notice=acknowledged,
        change=change_of(acknowledged, ask_again=True),
    )
    assert not acknowledged.receipts.filter(acknowledged_at__isnull=False).exists()
    assert selectors.unread_count(user=world.trainee) == 1
    entry = AuditLog.objects.get(action="notice.edit")
    assert entry.data["acknowledgements_cleared"] == 1 and entry.data["asked_again"]


def test_a_new_deadline_reminds_again_those_who_missed_it(world, acknowledged):
    late = acknowledged.ack_deadline + dt.timedelta(hours=1)
    assert notice_overdue_notify(now=late) == 2
    notice_edit(
        actor=world.regulator_county,
        notice=acknowledged,
        change=change_of(
            acknowledged, ack_deadline=acknowledged.ack_deadline + dt.timedelta(days=3)
        ),
    )
    assert notice_overdue_notify(now=late + dt.timedelta(days=4)) == 2


@pytest.mark.parametrize(
    ("actor", "message"),
    [
        ("regulator_township_chem", "只有发布者"),
        ("enterprise_admin", "只有发布者"),
        ("system_admin", "只有发布者"),
        ("trainee", "只有发布者"),
    ],
)
def test_only_the_publisher_changes_or_withdraws(world, regional_notice, actor, message):
    user = getattr(world, actor)
    with pytest.raises(NoticeError) as exc:
        notice_edit(actor=user, notice=regional_notice, change=change_of(regional_notice))
    assert message in exc.value.message
    with pytest.raises(NoticeError):
        notice_withdraw(actor=user, notice=regional_notice)
    regional_notice.refresh_from_db()
    assert regional_notice.edited_at is None and regional_notice.withdrawn_at is None


def test_a_publisher_moved_out_of_scope_may_not_change_it(world, regional_notice):
    RoleGrant.objects.filter(user=world.regulator_county).update(region=world.other_county)
    moved = type(world.regulator_county).objects.get(pk=world.regulator_county.pk)
    with pytest.raises(NoticeError) as exc:
        notice_withdraw(actor=moved, notice=regional_notice)
    assert "不在您的管辖范围" in exc.value.message


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"body": ""}, "body"),
        ({"ask_again": True, "ack_deadline": "past"}, "ack_deadline"),
        ({"publish_until": "past"}, "publish_until"),
        ({"ack_deadline": None}, "ack_deadline"),
    ],
)
def test_a_bad_change_is_refused_and_writes_nothing(world, regional_notice, change, field):
    past = timezone.now() - dt.timedelta(minutes=1)
    change = {k: (past if v == "past" else v) for k, v in change.items()}
    with pytest.raises(NoticeError) as exc:
        notice_edit(
            actor=world.regulator_county,
            notice=regional_notice,
            change=change_of(regional_notice, **change),
        )
    assert exc.value.field == field
    regional_notice.refresh_from_db()
    assert regional_notice.edited_at is None and "上报" not in regional_notice.body


def test_withdrawing_hides_it_from_readers_and_keeps_it_for_the_publisher(world, acknowledged):
    notice_withdraw(actor=world.regulator_county, notice=acknowledged, reason="内容有误，另行通知")
    trainee = client_for(world.trainee)
    assert trainee.get(f"/notices/{acknowledged.pk}/").status_code == 404
    assert acknowledged.title not in trainee.get("/notices/").content.decode()
    assert selectors.unread_count(user=world.enterprise_admin) == 0
    attachment_less = trainee.get(f"/notices/{acknowledged.pk}/attachments/1/")
    assert attachment_less.status_code == 404
    regulator = client_for(world.regulator_county)
    page = regulator.get(f"/notices/{acknowledged.pk}/receipts/").content.decode()
    assert "撤回" in page and "内容有误，另行通知" in page
    assert "已撤回" in regulator.get("/notices/published/").content.decode()
    # Nobody is reminded of a withdrawn notice; it cannot be withdrawn twice.
    assert notice_overdue_notify(now=acknowledged.ack_deadline + dt.timedelta(hours=1)) == 0
    assert not Notification.objects.exists()
    with pytest.raises(NoticeError):
        notice_withdraw(actor=world.regulator_county, notice=acknowledged)
    assert AuditLog.objects.filter(action="notice.withdraw").count() == 1


def test_the_figures_count_a_withdrawn_notice_as_withdrawn(world, acknowledged):
    params = report_params(user=world.regulator_county)
    before = notice_figures.table(user=world.regulator_county, params=params, by="region").total
    assert before["notice_receipts"] == 3 and before["notice_withdrawn"] == 0
    notice_withdraw(actor=world.regulator_county, notice=acknowledged)
    after = notice_figures.table(user=world.regulator_county, params=params, by="region").total
    assert after["notice_receipts"] == 0 and after["notice_overdue"] == 0
    assert after["notice_withdrawn"] == 3
    api = client_for(world.regulator_county).get("/api/reports/notices").json()
    assert api["total"]["notice_withdrawn"] == 3
    page = client_for(world.regulator_county).get("/reports/notices/").content.decode()
    assert "已撤回" in page


def test_the_web_pages_change_and_withdraw_for_the_publisher_only(world, regional_notice):
    regulator = client_for(world.regulator_county)
    form = regulator.get(f"/notices/{regional_notice.pk}/edit/")
    assert form.status_code == 200 and "要求所有接收人重新签收" in form.content.decode()
    local = "%Y-%m-%dT%H:%M"
    bad = regulator.post(
        f"/notices/{regional_notice.pk}/edit/",
        {
            "title": "新的标题",
            "body": "",
            "must_acknowledge": "on",
            "ack_deadline": timezone.localtime(regional_notice.ack_deadline).strftime(local),
        },
    )
    assert bad.status_code == 400 and "新的标题" in bad.content.decode()
    regional_notice.refresh_from_db()
    assert regional_notice.title != "新的标题"
    colleague = UserFactory(username="county-colleague")
    RoleGrant.objects.create(user=colleague, role=Role.REGULATOR, region=world.county)
    other = client_for(colleague)
    assert other.get(f"/notices/{regional_notice.pk}/edit/").status_code == 403
    assert other.post(f"/notices/{regional_notice.pk}/withdraw/").status_code == 403
    assert client_for(world.trainee).get(f"/notices/{regional_notice.pk}/edit/").status_code == 404
    assert Client().post(f"/notices/{regional_notice.pk}/withdraw/").status_code == 302
    regional_notice.refresh_from_db()
    assert regional_notice.withdrawn_at is None
    done = regulator.post(f"/notices/{regional_notice.pk}/withdraw/", {"reason": "重复发布"})
    assert done.status_code == 302
    regional_notice.refresh_from_db()
    assert regional_notice.withdrawn_at is not None
