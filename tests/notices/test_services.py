"""Who may publish to whom, who may acknowledge, and the refusals that write nothing."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certificates.models import Notification
from notices.models import KnowledgeItem, Notice, NoticeReceipt
from notices.services import (
    KnowledgeData,
    NoticeError,
    knowledge_publish,
    notice_acknowledge,
    notice_mark_read,
    notice_overdue_notify,
    notice_publish,
)
from roster.choices import Role
from roster.models import Department, Industry, RoleGrant
from tests.factories import EmploymentFactory, UserFactory

from .conftest import enterprise_data, pdf, regional_data

pytestmark = pytest.mark.django_db


def _nothing_written():
    assert Notice.objects.count() == 0
    assert NoticeReceipt.objects.count() == 0


def test_a_county_regulator_reaches_the_admins_and_people_of_one_industry(world):
    notice = notice_publish(
        actor=world.regulator_county, data=regional_data(world), uploads=[pdf()]
    )
    enterprises = set(notice.receipts.values_list("enterprise__name", flat=True))
    assert enterprises == {"城关机械厂", "河口纺织厂"}  # 工贸 in the county, not chemicals
    people = set(notice.receipts.values_list("person_id", flat=True))
    assert world.person_a.pk in people and world.person_b.pk in people
    assert world.person_a_chem.pk not in people and world.person_other.pk not in people
    admin = notice.receipts.get(user=world.enterprise_admin)
    assert admin.role == NoticeReceipt.Role.ADMIN and admin.enterprise == world.ent_a
    assert notice.attachments.count() == 1
    assert "<p>" in notice.body


def test_without_staff_only_the_enterprise_admins_receive_it(world):
    notice = notice_publish(
        actor=world.regulator_county, data=regional_data(world, include_staff=False)
    )
    assert list(notice.receipts.values_list("user__username", flat=True)) == ["admin_a"]


def test_a_regulator_cannot_publish_to_another_county(world):
    with pytest.raises(NoticeError) as exc:
        notice_publish(
            actor=world.regulator_county, data=regional_data(world, region=world.other_county)
        )
    assert exc.value.field == "region"
    _nothing_written()


def test_an_industry_regulator_cannot_publish_to_another_industry(world):
    data = regional_data(world, region=world.township_a)
    with pytest.raises(NoticeError) as exc:
        notice_publish(actor=world.regulator_township_chem, data=data)
    assert exc.value.field == "industries"
    _nothing_written()


def test_an_industry_regulator_without_a_choice_reaches_only_its_industry(world):
    data = regional_data(world, region=world.township_a, industries=[])
    notice = notice_publish(actor=world.regulator_township_chem, data=data)
    assert set(notice.receipts.values_list("enterprise", flat=True)) == {world.ent_a_chem.pk}


def test_an_enterprise_admin_cannot_publish_as_a_regulator(world):
    with pytest.raises(NoticeError):
        notice_publish(actor=world.enterprise_admin, data=regional_data(world))
    _nothing_written()


def test_an_enterprise_admin_publishes_to_their_own_people_cleaned(world):
    notice = notice_publish(actor=world.enterprise_admin, data=enterprise_data(world))
    assert "<script>" not in notice.body and "<b>注意安全</b>" in notice.body
    assert list(notice.receipts.values_list("person", flat=True)) == [world.person_a.pk]


def test_an_enterprise_notice_narrowed_by_department_post_and_category(world):
    welding = Department.objects.create(enterprise=world.ent_a, name="焊接车间")
    welder = EmploymentFactory(
        enterprise=world.ent_a, department=welding, post="焊工", category="special_operator"
    )
    EmploymentFactory(enterprise=world.ent_a, department=welding, post="仓管员")
    data = enterprise_data(
        world, departments=[welding], posts=["焊工"], categories=["special_operator"]
    )
    notice = notice_publish(actor=world.enterprise_admin, data=data)
    assert list(notice.receipts.values_list("person", flat=True)) == [welder.person_id]


def test_another_enterprise_and_its_department_are_refused(world):
    with pytest.raises(NoticeError) as exc:
        notice_publish(
            actor=world.enterprise_admin, data=enterprise_data(world, enterprise=world.ent_b)
        )
    assert exc.value.field == "enterprise"
    other_department = Department.objects.create(enterprise=world.ent_b, name="织造车间")
    with pytest.raises(NoticeError) as exc:
        notice_publish(
            actor=world.enterprise_admin,
            data=enterprise_data(world, departments=[other_department]),
        )
    assert exc.value.field == "departments"
    _nothing_written()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"publish_until": "before"}, "publish_until"),
        ({"ack_deadline": "after_end"}, "ack_deadline"),
        ({"ack_deadline": "before_start"}, "ack_deadline"),
        ({"ack_deadline": None}, "ack_deadline"),
    ],
)
def test_a_bad_window_or_deadline_is_refused(world, change, field):
    now = timezone.now()
    values = {
        "before": now - dt.timedelta(days=1),
        "after_end": now + dt.timedelta(days=60),
        "before_start": now - dt.timedelta(days=1),
        None: None,
    }
    data = regional_data(world, **{k: values[v] for k, v in change.items()})
    with pytest.raises(NoticeError) as exc:
        notice_publish(actor=world.regulator_county, data=data)
    assert exc.value.field == field
    _nothing_written()


def test_an_attachment_over_the_limit_is_refused(world, settings):
    settings.NOTICE_ATTACHMENT_MAX_BYTES = 1024
    big = pdf(data=b"%PDF-1.4\n" + b"0" * 2048)
    with pytest.raises(NoticeError) as exc:
        notice_publish(actor=world.regulator_county, data=regional_data(world), uploads=[big])
    assert exc.value.field == "attachments"
    _nothing_written()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("run.exe", b"MZ\x90\x00"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf"),
        ("page.html", b"<html><script>"),
    ],
)
def test_an_attachment_of_a_forbidden_type_is_refused(world, name, data):
    upload = SimpleUploadedFile(name, data)
    with pytest.raises(NoticeError):
        notice_publish(actor=world.regulator_county, data=regional_data(world), uploads=[upload])
    _nothing_written()


def test_reading_marks_read_and_acknowledging_records_who_and_when(world, regional_notice):
    notice_mark_read(user=world.trainee, notice=regional_notice)
    receipt = regional_notice.receipts.get(person=world.person_a)
    assert receipt.read_at is not None and receipt.acknowledged_at is None
    notice_acknowledge(actor=world.trainee, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is not None and receipt.user == world.trainee


def test_nobody_acknowledges_for_someone_else(world, regional_notice):
    theirs = regional_notice.receipts.get(person=world.person_a)
    for actor in (world.enterprise_admin, world.regulator_county, world.system_admin):
        with pytest.raises(NoticeError):
            notice_acknowledge(actor=actor, receipt=theirs)
    theirs.refresh_from_db()
    assert theirs.acknowledged_at is None


def test_a_person_who_signs_in_later_finds_their_receipt(world, regional_notice):
    receipt = regional_notice.receipts.get(person=world.person_b)
    assert receipt.user is None
    account = UserFactory(username=world.person_b.id_number, person=world.person_b)
    notice_mark_read(user=account, notice=regional_notice)
    receipt.refresh_from_db()
    assert receipt.user == account and receipt.read_at is not None


def test_overdue_acknowledgements_notify_the_reader_and_the_admin_once(world, regional_notice):
    receipt = regional_notice.receipts.get(person=world.person_a)
    later = regional_notice.ack_deadline + dt.timedelta(hours=1)
    told = notice_overdue_notify(now=later)
    assert told == regional_notice.receipts.count()
    assert Notification.objects.filter(user=world.trainee).count() == 1
    # The admin is a reader too (told once) and gets the enterprise's summary.
    admin_notes = Notification.objects.filter(user=world.enterprise_admin)
    assert admin_notes.count() == 2
    summary = admin_notes.get(body__contains=world.person_a.name)
    assert "1" in summary.title or "2" in summary.title
    # A second run (or a second worker) sends nothing again.
    assert notice_overdue_notify(now=later + dt.timedelta(hours=1)) == 0
    assert Notification.objects.count() == 3
    receipt.refresh_from_db()
    assert receipt.overdue_notified_at is not None


def test_acknowledged_readers_are_not_told(world, regional_notice):
    receipt = regional_notice.receipts.get(person=world.person_a)
    notice_acknowledge(actor=world.trainee, receipt=receipt)
    notice_overdue_notify(now=regional_notice.ack_deadline + dt.timedelta(hours=1))
    assert not Notification.objects.filter(user=world.trainee).exists()


def test_the_overdue_task_runs_eagerly(world, regional_notice):
    from notices.tasks import notify_overdue_acknowledgements_task

    assert notify_overdue_acknowledgements_task.delay().get() == 0  # not due yet


# --------------------------------------------------------------------------- library


def _law(**overrides):
    values = dict(
        kind=KnowledgeItem.Kind.LAW,
        title="中华人民共和国安全生产法",
        source="全国人民代表大会常务委员会",
        doc_number="主席令第八十八号",
        issued_on=dt.date(2021, 6, 10),
        body="第一条 为了加强安全生产工作，防止和减少生产安全事故……",
    )
    values.update(overrides)
    return KnowledgeData(**values)


def test_a_regulator_publishes_to_their_region_only(world):
    item = knowledge_publish(actor=world.regulator_county, data=_law(region=world.county))
    assert item.region == world.county
    with pytest.raises(NoticeError):
        knowledge_publish(actor=world.regulator_county, data=_law(region=world.other_county))
    assert KnowledgeItem.objects.count() == 1


def test_an_enterprise_admin_adds_for_their_own_people_only(world):
    knowledge_publish(actor=world.enterprise_admin, data=_law(enterprise=world.ent_a))
    with pytest.raises(NoticeError):
        knowledge_publish(actor=world.enterprise_admin, data=_law(enterprise=world.ent_b))
    with pytest.raises(NoticeError):
        knowledge_publish(actor=world.enterprise_admin, data=_law(region=world.county))
    assert KnowledgeItem.objects.count() == 1


def test_a_trainee_cannot_publish_to_the_library(world):
    with pytest.raises(NoticeError):
        knowledge_publish(actor=world.trainee, data=_law())
    with pytest.raises(NoticeError):
        knowledge_publish(actor=world.trainee, data=_law(enterprise=world.ent_a))
    assert not KnowledgeItem.objects.exists()


def test_only_grants_matter_not_admin_grants_elsewhere(world):
    # An admin of another enterprise added later still cannot write for ent_a.
    other = UserFactory(username="admin_other")
    RoleGrant.objects.create(user=other, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_other)
    with pytest.raises(NoticeError):
        knowledge_publish(actor=other, data=_law(enterprise=world.ent_a))
    assert Industry.objects.exists()
