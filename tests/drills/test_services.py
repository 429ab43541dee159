"""Who may write drills, what is refused with a clear message, and that a refusal writes
nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from config.storage import private_storage
from courses.models import CreditEntry
from courses.training_file import sections, training_file
from drills import services
from drills.models import DrillAction, DrillEvidence, DrillParticipant, DrillRecord, PlannedDrill

from .conftest import jpeg, record_data

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 6, 1)


def save(world, **kwargs):
    args = dict(
        actor=world.enterprise_admin,
        enterprise=world.ent_a,
        data=record_data(),
        participants=[world.person_a],
        on=ON,
    )
    args.update(kwargs)
    return services.record_save(**args)


def errors(exc_info) -> dict:
    return exc_info.value.message_dict


def test_an_admin_records_a_drill_with_participants_and_a_photo(world):
    record = save(world, evidence=[jpeg()])
    assert list(record.participants.values_list("person", flat=True)) == [world.person_a.pk]
    evidence = record.evidence.get()
    assert evidence.kind == DrillEvidence.Kind.PHOTO
    # Kept in the private storage, out of the published MEDIA_ROOT, with no URL of its own.
    path = Path(evidence.file.path)
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not get_image_model().objects.exists()
    with pytest.raises(ValueError):
        evidence.file.url  # noqa: B018


def test_a_record_without_participants_is_refused_and_nothing_is_written(world):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        save(world, participants=[])
    assert "参加" in errors(exc)["participants"][0]
    assert not DrillRecord.objects.exists()


def test_a_drill_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        save(world, data=record_data(held_on=ON + dt.timedelta(days=1)))
    assert "held_on" in errors(exc)
    assert not DrillRecord.objects.exists()


def test_another_enterprises_people_are_refused_without_naming_them(world):
    with pytest.raises(ValidationError) as exc:
        save(world, participants=[world.person_a, world.person_b])
    message = errors(exc)["participants"][0]
    assert world.person_b.name not in message
    assert not DrillRecord.objects.exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream"),
        SimpleUploadedFile("fake.jpg", b"not a picture", content_type="image/jpeg"),
    ],
)
def test_evidence_of_a_forbidden_type_is_refused_and_nothing_is_written(world, upload):
    with pytest.raises(ValidationError) as exc:
        save(world, evidence=[upload])
    assert upload.name in errors(exc)["evidence"][0]
    assert not DrillRecord.objects.exists() and not DrillEvidence.objects.exists()


def test_evidence_too_large_is_refused(world, settings):
    settings.DRILL_EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        save(world, evidence=[jpeg()])
    assert "MB" in errors(exc)["evidence"][0]
    assert not DrillRecord.objects.exists()


def test_a_video_and_a_document_are_kept_privately(world):
    record = save(
        world,
        evidence=[
            SimpleUploadedFile("drill.mp4", b"\x00\x00\x00\x18ftypmp42", content_type="video/mp4"),
            SimpleUploadedFile("report.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
        ],
    )
    kinds = sorted(record.evidence.values_list("kind", flat=True))
    assert kinds == ["document", "video"]
    assert all(e.file.storage is private_storage for e in record.evidence.all())
    assert not get_document_model().objects.exists()


def test_another_enterprises_admin_may_not_record_nor_change_a_drill(world, drill):
    from roster.choices import Role
    from roster.models import RoleGrant
    from tests.factories import UserFactory

    admin_b = UserFactory(username="admin_b")
    RoleGrant.objects.create(user=admin_b, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_b)
    with pytest.raises(PermissionDenied):
        save(world, actor=admin_b)
    with pytest.raises(PermissionDenied):
        services.evaluation_file(actor=admin_b, record=drill, problems_found="x", plan_changes="")
    for who in (world.regulator_county, world.trainee, world.trainer):
        with pytest.raises(PermissionDenied):
            save(world, actor=who)
    assert DrillRecord.objects.count() == 1


def test_hours_credited_reach_the_ledger_and_the_training_file(world):
    record = save(world, data=record_data(hours_credited=Decimal("2.0")))
    credit = CreditEntry.objects.get(person=world.person_a, source="drill")
    assert credit.on == record.held_on and credit.minutes > 0
    # Changing the hours replaces the entry, never adds a second.
    save(world, record=record, data=record_data(hours_credited=Decimal("1.0")))
    assert CreditEntry.objects.filter(person=world.person_a, source="drill").count() == 1
    save(world, record=record, data=record_data(hours_credited=Decimal("0")))
    assert not CreditEntry.objects.filter(source="drill").exists()
    with translation.override("zh-hans"):
        file = sections(training_file(person=world.person_a), id_number="x")
    titles = [title for title, _columns, _rows in file]
    assert "应急演练" in titles
    rows = dict((t, r) for t, _c, r in file)["应急演练"]
    assert rows[0][0] == "2026-03-10"


def test_evaluation_needs_the_problems_found(world, drill):
    with pytest.raises(ValidationError):
        services.evaluation_file(
            actor=world.enterprise_admin, record=drill, problems_found=" ", plan_changes=""
        )
    services.evaluation_file(
        actor=world.enterprise_admin,
        record=drill,
        problems_found="疏散通道有杂物",
        plan_changes="增加夜班疏散路线",
    )
    drill.refresh_from_db()
    assert drill.evaluated_at and drill.problems_found == "疏散通道有杂物"


def test_an_action_due_before_the_drill_is_refused_and_one_is_closed_once(world, drill):
    with pytest.raises(ValidationError) as exc:
        services.action_add(
            actor=world.enterprise_admin,
            record=drill,
            description="清理通道",
            owner=world.person_a,
            due_on=drill.held_on - dt.timedelta(days=1),
        )
    assert "due_on" in errors(exc)
    with pytest.raises(ValidationError) as exc:
        services.action_add(
            actor=world.enterprise_admin,
            record=drill,
            description="清理通道",
            owner=world.person_b,
            due_on=drill.held_on,
        )
    assert "owner" in errors(exc)
    assert not DrillAction.objects.exists()
    action = services.action_add(
        actor=world.enterprise_admin,
        record=drill,
        description="清理通道",
        owner=world.person_a,
        due_on=drill.held_on + dt.timedelta(days=7),
    )
    with pytest.raises(ValidationError):
        services.action_close(actor=world.enterprise_admin, action=action, note="")
    services.action_close(actor=world.enterprise_admin, action=action, note="已清理")
    action.refresh_from_db()
    assert action.status == "closed" and action.closing_note == "已清理"
    with pytest.raises(ValidationError):
        services.action_close(actor=world.enterprise_admin, action=action, note="again")


def test_a_trainee_checks_in_once_with_the_signed_code(world, drill):
    token = services.checkin_token(drill)
    # person_a was picked already: scanning changes nothing.
    record, created = services.record_check_in(user=world.trainee, token=token)
    assert not created and record == drill
    drill.participants.all().delete()
    assert services.record_check_in(user=world.trainee, token=token)[1] is True
    assert services.record_check_in(user=world.trainee, token=token)[1] is False
    participant = DrillParticipant.objects.get(record=drill)
    assert participant.method == "check_in" and participant.checked_in_at


def test_a_check_in_code_of_another_enterprise_expired_or_forged_is_refused(world, drill):
    from tests.factories import UserFactory

    outsider = UserFactory(username=world.person_b.id_number, person=world.person_b)
    token = services.checkin_token(drill)
    with pytest.raises(services.CheckInError):
        services.record_check_in(user=outsider, token=token)
    with pytest.raises(services.CheckInError):
        services.record_check_in(user=world.trainee, token=token + "x")
    with pytest.raises(services.CheckInError):
        services.record_check_in(user=world.enterprise_admin, token=token)  # no person
    assert drill.participants.count() == 1


def test_an_expired_check_in_code_is_refused(world, drill, settings):
    """The code shown changes every step and is taken for one step more: a photo of it
    forwarded to someone who is not there stops working within two steps."""
    settings.DRILL_CHECKIN_STEP_SECONDS = 30
    drill.participants.all().delete()
    shown = timezone.now().replace(second=0, microsecond=0)  # a step's start
    token = services.checkin_token(drill, shown)
    assert services.checkin_expires(shown) == shown + dt.timedelta(seconds=60)
    with pytest.raises(services.CheckInError) as refused:
        services.record_check_in(
            user=world.trainee, token=token, now=shown + dt.timedelta(seconds=61)
        )
    assert "30" in str(refused.value)
    assert not drill.participants.exists()
    _record, created = services.record_check_in(
        user=world.trainee, token=token, now=shown + dt.timedelta(seconds=59)
    )
    assert created


def test_a_scan_in_time_leaves_minutes_to_sign_in(world, drill, settings):
    settings.DRILL_CHECKIN_SIGN_IN_MINUTES = 10
    drill.participants.all().delete()
    shown = timezone.now().replace(second=0, microsecond=0)
    token = services.checkin_token(drill, shown)
    scanned = shown + dt.timedelta(seconds=5)
    with pytest.raises(services.CheckInError):  # signed in too long after the scan
        services.record_check_in(
            user=world.trainee,
            token=token,
            now=scanned + dt.timedelta(minutes=11),
            scanned_at=scanned,
        )
    _record, created = services.record_check_in(
        user=world.trainee, token=token, now=scanned + dt.timedelta(minutes=4), scanned_at=scanned
    )
    assert created


def test_only_the_planned_departments_and_people_check_in(world, drill):
    """A drill planned for some departments and people: only they check in; the rest of
    the enterprise is refused, nothing written. Planned for nobody: the whole roster."""
    from drills.models import DrillPlan, PlannedDrill
    from roster.models import Department, Employment
    from tests.factories import EmploymentFactory, UserFactory

    workshop = Department.objects.create(enterprise=world.ent_a, name="一车间")
    office = Department.objects.create(enterprise=world.ent_a, name="办公室")
    Employment.objects.filter(person=world.person_a, enterprise=world.ent_a).update(
        department=office
    )
    colleague = EmploymentFactory(enterprise=world.ent_a, department=workshop).person
    colleague_user = UserFactory(username=colleague.id_number, person=colleague)
    named = EmploymentFactory(enterprise=world.ent_a, department=office).person
    named_user = UserFactory(username=named.id_number, person=named)
    plan = DrillPlan.objects.create(enterprise=world.ent_a, year=drill.held_on.year)
    planned = PlannedDrill.objects.create(
        plan=plan,
        kind=drill.kind,
        form=drill.form,
        scenario="车间火灾",
        planned_on=drill.held_on,
    )
    planned.departments.set([workshop])
    planned.people.set([named])
    drill.planned = planned
    drill.save()
    drill.participants.all().delete()
    token = services.checkin_token(drill)
    with pytest.raises(services.CheckInError) as refused:
        services.record_check_in(user=world.trainee, token=token)  # the office, not named
    assert "planned" in str(refused.value) or "计划" in str(refused.value)
    assert services.record_check_in(user=colleague_user, token=token)[1] is True  # workshop
    assert services.record_check_in(user=named_user, token=token)[1] is True  # named
    assert set(drill.participants.values_list("person", flat=True)) == {colleague.pk, named.pk}
    planned.departments.clear()
    planned.people.clear()
    assert services.record_check_in(user=world.trainee, token=token)[1] is True


def test_a_planned_drill_names_only_the_enterprises_departments_and_people(world):
    from roster.models import Department

    other = Department.objects.create(enterprise=world.ent_b, name="外企部门")
    data = services.PlannedData(
        kind="fire",
        form="live",
        scenario="夜间火灾疏散",
        planned_on=dt.date(2026, 9, 1),
        departments=[other],
        people=[world.person_b],
    )
    with pytest.raises(ValidationError) as exc:
        services.planned_drill_add(
            actor=world.enterprise_admin, enterprise=world.ent_a, year=2026, data=data
        )
    assert {"departments", "people"} <= set(errors(exc))
    data.departments, data.people = [], [world.person_a]
    with pytest.raises(ValidationError) as exc:
        services.planned_drill_add(
            actor=world.enterprise_admin, enterprise=world.ent_a, year=2027, data=data
        )
    assert "planned_on" in errors(exc)
    planned = services.planned_drill_add(
        actor=world.enterprise_admin, enterprise=world.ent_a, year=2026, data=data
    )
    assert planned.plan.year == 2026 and list(planned.people.all()) == [world.person_a]
    with pytest.raises(ValidationError):
        save(
            world,
            actor=world.system_admin,
            enterprise=world.ent_b,
            participants=[world.person_b],
            data=record_data(planned=planned),
        )
    assert PlannedDrill.objects.count() == 1
