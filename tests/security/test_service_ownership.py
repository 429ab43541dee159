"""The services that still trusted their callers now refuse a write to someone else's object
themselves (ARCHITECTURE.md rule 10: ownership on every write, whoever calls the service).

The pages and the API scoped these writes before calling, but the services took any actor:
a second door (a command, a task, an API added later) would have added an item to another
enterprise's holder's card, run another enterprise's certificate batch, renumbered cards
across the county, ended another enterprise's jobs, and saved, logged or handed in someone
else's exam paper. Each refusal says why in Chinese and changes nothing; the legitimate
callers still work.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from certificates.models import Certificate, CertificateStatus, CertificateType
from certificates.services.errors import CertificateError
from certificates.services.issuing import (
    certificate_issue,
    certificate_item_add,
    session_issue_certificates,
)
from certificates.services.renumbering import legacy_numbers_rename
from certificates.services.signing import certificate_sign
from question_banks.models import ExamSession
from question_banks.services.attempts import (
    ExamError,
    answers_save,
    attempt_event,
    attempt_submit,
)
from roster.choices import Role
from roster.models import RoleGrant, TrainingBody
from roster.services import RosterError, employment_end
from tests.factories import UserFactory

from .conftest import changed_tables, database_fingerprint

pytestmark = pytest.mark.django_db

OUTSIDERS = ["admin_b", "regulator", "regulator_other", "trainer", "trainee", "nobody"]


def _other_trainer(scene):
    """A trainer of another training body, over the same township as the session's."""
    w = scene.world
    body = TrainingBody.objects.create(name="另一培训机构", region=w.township_b)
    user = UserFactory(username="trainer_other")
    RoleGrant.objects.create(user=user, role=Role.TRAINER, region=w.township_b, training_body=body)
    return user


# ---------------------------------------------------------------- certificates


def _second_item():
    return CertificateType.objects.get(code="TZ-GY")


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_holders_admin_adds_an_item_to_a_card(scene, who):
    card = scene.certificate  # person_a's 低压电工 card, of ent_a
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(CertificateError) as refused:
        certificate_item_add(
            certificate=card,
            ctype=_second_item(),
            actor=scene.users[who],
            on=timezone.localdate(),
        )

    assert refused.value.code == "forbidden"
    assert "只有系统管理员和持证人所在企业的" in refused.value.message
    assert changed_tables(before, database_fingerprint()) == []


def test_an_exam_of_someone_else_adds_no_item_to_a_card(scene):
    """The exam path skips the manager's check (a pass earns the item whoever runs the
    batch), so the attempt itself must be the holder's and passed."""
    card = scene.certificate
    other = scene.finished_attempt  # person_a's mock, graded: nothing answered, failed
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(CertificateError) as refused:
        certificate_item_add(
            certificate=card,
            ctype=_second_item(),
            actor=scene.users["admin_b"],
            on=timezone.localdate(),
            attempt=other,
        )

    assert refused.value.code == "forbidden"
    assert "本人通过的考试" in refused.value.message
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("status", [CertificateStatus.REVOKED, CertificateStatus.CANCELLED])
def test_no_item_is_added_to_a_dead_card(scene, status):
    card = scene.certificate
    Certificate.objects.filter(pk=card.pk).update(status=status)
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(CertificateError) as refused:
        certificate_item_add(
            certificate=card, ctype=_second_item(), actor=None, on=timezone.localdate()
        )

    assert refused.value.code == "card_not_valid"
    assert "不能再增加操作项目" in refused.value.message
    assert changed_tables(before, database_fingerprint()) == []


def test_an_item_the_card_lists_is_not_added_twice(scene):
    card = scene.certificate
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(CertificateError) as refused:
        certificate_item_add(
            certificate=card,
            ctype=card.certificate_type,
            actor=scene.users["admin"],
            on=timezone.localdate(),
        )

    assert refused.value.code == "already_held"
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("who", ["admin", "sysadmin"])
def test_the_holders_admin_and_the_system_admin_add_an_item(scene, who):
    card = certificate_item_add(
        certificate=scene.certificate,
        ctype=_second_item(),
        actor=scene.users[who],
        on=timezone.localdate(),
    )
    assert card.items.filter(certificate_type=_second_item()).exists()


def _enterprise_session(scene) -> ExamSession:
    """ent_a's own exam session, issuing 低压电工 certificates (a passed attempt would earn
    one)."""
    at = timezone.now()
    return ExamSession.objects.create(
        code="S-ENT-A",
        name="城关机械厂内部考试",
        rule=scene.rule,
        is_published=True,
        opens_at=at - dt.timedelta(days=2),
        closes_at=at - dt.timedelta(days=1),
        enterprise=scene.world.ent_a,
        certificate_type_code="TZ-DG",
    )


@pytest.mark.parametrize("who", [*OUTSIDERS, "other_trainer"])
def test_only_the_sessions_own_admins_run_its_certificate_batch(scene, who):
    session = _enterprise_session(scene)
    actor = _other_trainer(scene) if who == "other_trainer" else scene.users[who]
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(CertificateError) as refused:
        session_issue_certificates(session=session, actor=actor)

    assert refused.value.code == "forbidden"
    assert "只有系统管理员和举办该考试场次的企业管理员" in refused.value.message
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("who", ["admin", "sysadmin", None])
def test_the_sessions_admin_the_system_admin_and_the_system_run_the_batch(scene, who):
    session = _enterprise_session(scene)
    actor = scene.users[who] if who else None
    issued, problems = session_issue_certificates(session=session, actor=actor)
    assert (issued, problems) == ([], [])  # nobody has passed yet: nothing to issue


def test_another_county_sessions_batch_is_refused_to_its_trainer(scene):
    """A training body's session (the county's trainer holds it) has no enterprise: only the
    system admin runs its batch, as the batch page lists."""
    scene.session.certificate_type_code = "TZ-DG"
    scene.session.save(update_fields=["certificate_type_code"])
    before = database_fingerprint()

    with pytest.raises(CertificateError):
        session_issue_certificates(session=scene.session, actor=scene.users["trainer"])

    assert changed_tables(before, database_fingerprint()) == []


def _legacy_card(person) -> Certificate:
    card = certificate_issue(
        person=person, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    Certificate.objects.filter(pk=card.pk).update(number=card.number + "-2")
    card.refresh_from_db()
    certificate_sign(card)
    return card


@pytest.mark.parametrize("who", ["admin", *OUTSIDERS])
def test_only_the_system_renames_legacy_numbers(scene, who):
    _legacy_card(scene.world.person_a)
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(CertificateError) as refused:
        legacy_numbers_rename(actor=scene.users[who])

    assert refused.value.code == "forbidden"
    assert "只有系统管理员" in refused.value.message
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("who", ["sysadmin", None])
def test_the_system_admin_and_the_command_rename_legacy_numbers(scene, who):
    card = _legacy_card(scene.world.person_a)
    (done,) = legacy_numbers_rename(actor=scene.users[who] if who else None)
    assert done.done and done.certificate_id == card.pk


# ---------------------------------------------------------------- roster


@pytest.mark.parametrize("who", OUTSIDERS)
def test_only_the_enterprise_admin_ends_a_job(scene, who):
    employment = scene.world.person_a.employments.get(ended_on__isnull=True)
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(RosterError) as refused:
        employment_end(
            employment=employment,
            on=timezone.localdate(),
            reason="外企代办离职",
            actor=scene.users[who],
        )

    assert "只有本企业的管理员" in str(refused.value)
    assert changed_tables(before, database_fingerprint()) == []


def test_a_job_that_has_ended_does_not_end_again(scene):
    employment = scene.world.person_a.employments.get(ended_on__isnull=True)
    employment_end(employment=employment, on=timezone.localdate(), actor=scene.users["admin"])
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(RosterError) as refused:
        employment_end(
            employment=employment,
            on=timezone.localdate() + dt.timedelta(days=1),
            actor=scene.users["admin"],
        )

    assert "已经结束" in str(refused.value)
    assert changed_tables(before, database_fingerprint()) == []


def test_a_regulator_over_both_enterprises_still_accepts_a_transfer(scene):
    """transfer_accept ends the old job after its own rule of who decides (a regulator over
    both enterprises may), not employment_end's."""
    from roster.services import transfer_accept

    transfer = scene.transfer
    transfer_accept(transfer=transfer, actor=scene.users["regulator"])
    old = scene.world.person_a.employments.get(enterprise=scene.world.ent_a)
    assert old.ended_on is not None
    assert scene.world.person_a.employments.get(ended_on__isnull=True).enterprise == (
        scene.world.ent_b
    )


# ---------------------------------------------------------------- the exam paper


def _someone_else(scene, who: str) -> int | None:
    """The person id an outsider would act as: another trainee's, or none at all (signed
    out, or an account with no person)."""
    return {"trainee_b": scene.world.person_b.pk, "anon": None, "admin_b": None}[who]


EXAM_WRITES = {
    "answers_save": lambda s, person_id: answers_save(
        attempt=s.attempt,
        person_id=person_id,
        client_id="tab-1",
        answers=[{"position": 1, "answer": ["A"], "seq": 1}],
    ),
    "answers_save_read_already": lambda s, person_id: answers_save(
        attempt=s.attempt,
        person_id=person_id,
        client_id="tab-1",
        answers=[{"position": 1, "answer": ["A"], "seq": 1}],
        reread=False,
    ),
    "attempt_event": lambda s, person_id: attempt_event(
        attempt=s.attempt, person_id=person_id, kind="focus_lost", data={"client": "tab-1"}
    ),
    "attempt_submit": lambda s, person_id: attempt_submit(
        attempt=s.attempt, person_id=person_id, client_id="tab-1"
    ),
}


@pytest.mark.parametrize("write", sorted(EXAM_WRITES))
@pytest.mark.parametrize("who", ["trainee_b", "anon", "admin_b"])
def test_only_the_examinee_writes_on_their_paper(scene, write, who):
    scene.attempt  # noqa: B018 (person_a's paper, in progress on tab-1)
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(ExamError) as refused:
        EXAM_WRITES[write](scene, _someone_else(scene, who))

    assert refused.value.code == "not_yours"
    assert refused.value.message == "这不是您的试卷。"
    assert changed_tables(before, database_fingerprint()) == []


@pytest.mark.parametrize("write", sorted(EXAM_WRITES))
def test_the_examinee_still_writes_on_their_paper(scene, write):
    EXAM_WRITES[write](scene, scene.world.person_a.pk)


def test_checking_the_holder_costs_no_query(scene, django_assert_num_queries):
    """The exam day's hot path: a save with the attempt read already (reread=False) is
    refused for someone else before any query."""
    from question_banks.selectors import attempt_get_own_for_saving

    attempt = attempt_get_own_for_saving(person_id=scene.world.person_a.pk, pk=scene.attempt.pk)
    with django_assert_num_queries(0), pytest.raises(ExamError):
        answers_save(
            attempt=attempt,
            person_id=scene.world.person_b.pk,
            client_id="tab-1",
            answers=[{"position": 1, "answer": ["A"], "seq": 1}],
            reread=False,
        )
