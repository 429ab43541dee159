"""Taking on a person employed at another enterprise is a transfer request, decided by the
person's current enterprise (or a regulator over both, or the system admin): the services.

The attack it closes: the admin of ent_b adds person_a (employed at ent_a) by ID number with
another name and phone; that used to end person_a's job at ent_a, overwrite their name and
phone, and give ent_b their certificates."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from roster.choices import EmploymentStatus, PersonnelCategory
from roster.models import AuditLog, Employment, EmploymentEvent, Person, TransferRequest
from roster.services import (
    RosterError,
    employment_change_status,
    person_create_or_update,
    transfer_accept,
    transfer_cancel,
    transfer_refuse,
)
from roster.services.people import names_match
from tests.roster.transfer_scene import (
    OTHER_NAME,
    OTHER_PHONE,
    PHONE_ON_FILE,
    ask,
    asked,
    build,
    untouched,
)

pytestmark = pytest.mark.django_db

Status = TransferRequest.Status


@pytest.fixture
def scene(world):
    return build(world)


@pytest.fixture
def pending(scene):
    return ask(scene).transfer


# --- asking --------------------------------------------------------------------------------


def test_admin_of_another_enterprise_cannot_take_over_a_person_under_another_name(scene):
    with pytest.raises(RosterError) as refused:
        ask(scene, name=OTHER_NAME)
    assert (refused.value.code, refused.value.field) == ("name_mismatch", "name")
    assert scene.person.name not in refused.value.message  # the name on file stays unsaid
    assert untouched(scene)
    assert not TransferRequest.objects.exists()


def test_adding_a_person_employed_elsewhere_sends_a_request_and_changes_nothing(scene):
    result = ask(scene)
    transfer = result.transfer
    assert result.employment is None and not result.created_employment
    assert transfer.status == Status.PENDING
    assert (transfer.from_enterprise, transfer.to_enterprise) == (
        scene.world.ent_a,
        scene.world.ent_b,
    )
    assert transfer.from_employment == scene.employment
    assert (transfer.post, transfer.department_name, transfer.hire_date) == (
        "低压电工作业",
        "织造车间",
        dt.date(2025, 9, 1),
    )
    assert transfer.requested_by == scene.admin_b
    assert untouched(scene)  # name, phone and the job at ent_a as they were
    audit = AuditLog.objects.get(action="transfer.request")
    assert (audit.actor, audit.target_id) == (scene.admin_b, str(scene.person.pk))


def test_asking_again_returns_the_waiting_request(scene, pending):
    again = ask(scene, post="另一岗位")
    assert again.transfer == pending and not again.changed
    assert TransferRequest.objects.count() == 1


def test_one_pending_request_per_person_and_target_is_held_by_the_database(scene, pending):
    copy = TransferRequest.objects.filter(pk=pending.pk).values()[0]
    copy.pop("id")
    with pytest.raises(IntegrityError), transaction.atomic():
        TransferRequest.objects.create(**copy)


def test_an_admin_cannot_write_the_roster_of_an_enterprise_they_do_not_administer(scene):
    data = asked(scene, enterprise=scene.world.ent_a, name=OTHER_NAME)
    with pytest.raises(RosterError) as refused:
        person_create_or_update(data=data, actor=scene.admin_b)
    assert refused.value.code == "not_admin"
    assert untouched(scene)


def test_a_person_without_a_current_job_is_simply_hired_with_the_name_and_phone_on_file(scene):
    employment_change_status(
        employment=scene.employment,
        status=EmploymentStatus.LEFT,
        on=dt.date(2025, 6, 30),
        actor=scene.admin_a,
    )
    result = ask(scene)
    assert result.transfer is None and result.created_employment
    assert result.employment.enterprise == scene.world.ent_b
    person = Person.objects.get(pk=scene.person.pk)
    assert person.phone == PHONE_ON_FILE  # only their enterprise's admin changes it
    assert not TransferRequest.objects.exists()


def test_a_person_without_a_current_job_is_not_hired_under_another_name(scene):
    employment_change_status(
        employment=scene.employment,
        status=EmploymentStatus.LEFT,
        on=dt.date(2025, 6, 30),
        actor=scene.admin_a,
    )
    with pytest.raises(RosterError) as refused:
        ask(scene, name=OTHER_NAME)
    assert refused.value.code == "name_mismatch"
    assert Person.objects.get(pk=scene.person.pk).name == scene.person.name
    assert not Employment.objects.filter(enterprise=scene.world.ent_b, person=scene.person)


def test_the_persons_own_enterprise_admin_still_corrects_the_name_and_phone(scene):
    data = asked(scene, enterprise=scene.world.ent_a, name="王更正", phone=OTHER_PHONE)
    result = person_create_or_update(data=data, actor=scene.admin_a)
    assert result.transfer is None and not result.created_employment
    person = Person.objects.get(pk=scene.person.pk)
    assert (person.name, person.phone) == ("王更正", OTHER_PHONE)


def test_the_system_moves_a_person_between_enterprises_without_a_request(scene):
    result = person_create_or_update(data=asked(scene), actor=None)
    assert result.transfer is None and result.employment.enterprise == scene.world.ent_b
    assert Employment.objects.get(pk=scene.employment.pk).ended_on == dt.date(2025, 9, 1)


@pytest.mark.parametrize(
    ("stored", "given", "same"),
    [
        ("张三", "张 三", True),
        ("阿卜杜·热合曼", "阿卜杜•热合曼", True),
        ("Li Lei", "li lei", True),
        ("张三", "张山", False),
    ],
)
def test_names_match_ignores_spacing_width_and_dots_only(stored, given, same):
    assert names_match(stored, given) is same


# --- accepting -----------------------------------------------------------------------------


@pytest.mark.parametrize("decider", ["admin_a", "regulator_both", "sysadmin"])
def test_the_current_side_accepts_and_the_person_moves(scene, pending, decider):
    actor = getattr(scene, decider)
    new = transfer_accept(actor=actor, transfer=pending, today=dt.date(2025, 8, 20))
    old = Employment.objects.get(pk=scene.employment.pk)
    assert old.ended_on == dt.date(2025, 9, 1) and old.status == EmploymentStatus.LEFT
    assert old.events.filter(kind=EmploymentEvent.Kind.LEFT).exists()  # history kept
    assert new.enterprise == scene.world.ent_b and new.is_current
    assert (new.post, new.department.name, new.category, new.employment_form) == (
        "低压电工作业",
        "织造车间",
        PersonnelCategory.SPECIAL_OPERATOR,
        "dispatched",
    )
    transfer = TransferRequest.objects.get(pk=pending.pk)
    assert (transfer.status, transfer.decided_by) == (Status.ACCEPTED, actor)
    assert transfer.decided_at is not None
    person = Person.objects.get(pk=scene.person.pk)
    assert (person.name, person.phone) == (scene.person.name, PHONE_ON_FILE)
    assert AuditLog.objects.filter(action="transfer.accept", actor=actor).exists()


@pytest.mark.parametrize("who", ["admin_b", "regulator_one"])
def test_the_asking_side_and_a_regulator_over_one_enterprise_cannot_decide(scene, pending, who):
    actor = getattr(scene, who)
    with pytest.raises(RosterError) as accept:
        transfer_accept(actor=actor, transfer=pending)
    with pytest.raises(RosterError) as refuse:
        transfer_refuse(actor=actor, transfer=pending, reason="不放人")
    assert accept.value.code == refuse.value.code == "forbidden"
    assert TransferRequest.objects.get(pk=pending.pk).status == Status.PENDING
    assert untouched(scene)


def test_a_trainer_over_both_enterprises_cannot_decide(scene, pending):
    from roster.choices import Role
    from roster.models import RoleGrant

    RoleGrant.objects.create(user=scene.world.trainer, role=Role.TRAINER, region=scene.world.county)
    with pytest.raises(RosterError):
        transfer_accept(actor=scene.world.trainer, transfer=pending)
    assert untouched(scene)


def test_accepting_one_request_lapses_the_others_for_the_same_job(scene, pending, world):
    from roster.choices import Role
    from roster.models import RoleGrant
    from tests.factories import UserFactory

    admin_other = UserFactory(username="admin_other")
    RoleGrant.objects.create(
        user=admin_other, role=Role.ENTERPRISE_ADMIN, enterprise=world.ent_other
    )
    other = person_create_or_update(
        data=asked(scene, enterprise=world.ent_other), actor=admin_other
    ).transfer
    transfer_accept(actor=scene.admin_a, transfer=pending)
    assert TransferRequest.objects.get(pk=other.pk).status == Status.LAPSED


# --- refusing, withdrawing, lapsing ----------------------------------------------------------


def test_the_current_enterprise_refuses_with_a_reason_and_nothing_moves(scene, pending):
    transfer_refuse(actor=scene.admin_a, transfer=pending, reason="合同未到期")
    transfer = TransferRequest.objects.get(pk=pending.pk)
    assert (transfer.status, transfer.reason, transfer.decided_by) == (
        Status.REFUSED,
        "合同未到期",
        scene.admin_a,
    )
    assert untouched(scene)
    assert AuditLog.objects.filter(action="transfer.refuse").exists()


def test_a_regulator_over_both_enterprises_refuses(scene, pending):
    transfer_refuse(actor=scene.regulator_both, transfer=pending, reason="待核查")
    assert TransferRequest.objects.get(pk=pending.pk).status == Status.REFUSED


def test_refusing_without_a_reason_is_refused(scene, pending):
    with pytest.raises(RosterError) as refused:
        transfer_refuse(actor=scene.admin_a, transfer=pending, reason="  ")
    assert refused.value.field == "reason"
    assert TransferRequest.objects.get(pk=pending.pk).status == Status.PENDING


def test_the_asking_enterprise_withdraws_its_request(scene, pending):
    transfer_cancel(actor=scene.admin_b, transfer=pending)
    assert TransferRequest.objects.get(pk=pending.pk).status == Status.CANCELLED
    assert untouched(scene)
    assert AuditLog.objects.filter(action="transfer.cancel", actor=scene.admin_b).exists()


@pytest.mark.parametrize("who", ["admin_a", "regulator_both"])
def test_only_the_asking_enterprise_withdraws(scene, pending, who):
    with pytest.raises(RosterError) as refused:
        transfer_cancel(actor=getattr(scene, who), transfer=pending)
    assert refused.value.code == "forbidden"
    assert TransferRequest.objects.get(pk=pending.pk).status == Status.PENDING


def _accept(s, t):
    return transfer_accept(actor=s.admin_a, transfer=t)


def _refuse(s, t):
    return transfer_refuse(actor=s.admin_a, transfer=t, reason="不同意")


def _cancel(s, t):
    return transfer_cancel(actor=s.admin_b, transfer=t)


STEPS = {"accept": _accept, "refuse": _refuse, "cancel": _cancel}


@pytest.mark.parametrize("first", list(STEPS))
@pytest.mark.parametrize("then", list(STEPS))
def test_a_decided_request_cannot_change_again(scene, pending, first, then):
    STEPS[first](scene, pending)
    before = TransferRequest.objects.filter(pk=pending.pk).values()[0]
    jobs = list(Employment.objects.order_by("pk").values())
    with pytest.raises(RosterError) as refused:
        STEPS[then](scene, pending)
    assert refused.value.code == "state"
    assert TransferRequest.objects.filter(pk=pending.pk).values()[0] == before
    assert list(Employment.objects.order_by("pk").values()) == jobs


def test_a_request_lapses_when_the_person_leaves_before_a_decision(scene, pending):
    employment_change_status(
        employment=scene.employment,
        status=EmploymentStatus.LEFT,
        on=dt.date(2025, 7, 31),
        actor=scene.admin_a,
    )
    transfer = TransferRequest.objects.get(pk=pending.pk)
    assert transfer.status == Status.LAPSED
    with pytest.raises(RosterError):
        transfer_accept(actor=scene.admin_a, transfer=transfer)
    # Nothing to ask any more: ent_b simply hires the person now.
    assert ask(scene).created_employment
