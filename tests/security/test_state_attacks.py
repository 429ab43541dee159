"""State changes asked from a state that refuses them: each is refused in the service with a
Chinese message, and nothing changes (no row, no audit entry, no paper drawn).

A replayed POST or a second click must not publish a session twice (a second audit row, a
second draw of papers on commit), nor open one whose window has ended; a revoked card is not
revoked again, a decided transfer is not accepted again, a withdrawn notice is not edited,
a graded paper is not graded again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from certificates.models import CertificateEvent
from certificates.services.errors import CertificateError
from certificates.services.lifecycle import certificate_change_status
from question_banks.models import ExamSession
from question_banks.services.attempts import attempt_grade_pending
from question_banks.services.sessions import session_publish
from roster.services import RosterError, transfer_accept

from .conftest import changed_tables, database_fingerprint

pytestmark = pytest.mark.django_db


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def test_a_published_session_is_not_published_again(scene, django_capture_on_commit_callbacks):
    assert scene.session.is_published
    before = database_fingerprint()

    with (
        translation.override("zh-hans"),
        django_capture_on_commit_callbacks() as queued,
        pytest.raises(ValidationError) as refused,
    ):
        session_publish(session=scene.session, actor=scene.users["trainer"])

    assert _messages(refused.value) == "该考试场次已经发布。"
    assert queued == []  # no second draw of papers
    assert changed_tables(before, database_fingerprint()) == []


def test_a_session_whose_window_has_ended_is_not_published(scene):
    now = timezone.now()
    ended = ExamSession.objects.create(
        code="S-ENDED",
        name="已结束的场次",
        rule=scene.rule,
        is_published=False,
        opens_at=now - dt.timedelta(days=2),
        closes_at=now - dt.timedelta(days=1),
        training_body=scene.world.trainer_body,
        region=scene.world.township_b,
    )
    ended.candidates.create(person=scene.world.person_a)
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        session_publish(session=ended, actor=scene.users["trainer"])

    assert _messages(refused.value) == "本场考试已经结束。"
    assert changed_tables(before, database_fingerprint()) == []


def test_a_stale_copy_of_a_draft_published_meanwhile_is_not_published_again(scene, rule, now):
    """The check reads the row under its lock, not the caller's copy: two clicks that both
    loaded the draft publish it once."""
    draft = ExamSession.objects.create(
        code="S-DRAFT",
        name="草稿场次",
        rule=rule,
        opens_at=now + dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=3),
        training_body=scene.world.trainer_body,
        region=scene.world.township_b,
    )
    draft.candidates.create(person=scene.world.person_a)
    stale = ExamSession.objects.get(pk=draft.pk)
    session_publish(session=draft, actor=scene.users["trainer"], predraw=False)
    before = database_fingerprint()

    with pytest.raises(ValidationError):
        session_publish(session=stale, actor=scene.users["trainer"], predraw=False)

    assert changed_tables(before, database_fingerprint()) == []


def test_a_revoked_certificate_is_not_revoked_again(scene):
    card = certificate_change_status(
        certificate=scene.certificate,
        kind=CertificateEvent.Kind.REVOKED,
        actor=scene.users["admin"],
        reason="伪造材料",
    )
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(CertificateError) as refused:
        certificate_change_status(
            certificate=card,
            kind=CertificateEvent.Kind.REVOKED,
            actor=scene.users["admin"],
            reason="再次撤销",
        )

    assert "已吊销" in refused.value.message
    assert changed_tables(before, database_fingerprint()) == []


def test_an_accepted_transfer_is_not_accepted_again(scene):
    transfer = scene.transfer
    transfer_accept(transfer=transfer, actor=scene.users["admin"])
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(RosterError):
        transfer_accept(transfer=transfer, actor=scene.users["admin"])

    assert changed_tables(before, database_fingerprint()) == []


def test_a_withdrawn_notice_is_not_edited(scene):
    from notices.services import NoticeChange, NoticeError, notice_edit, notice_withdraw

    notice = notice_withdraw(actor=scene.users["regulator"], notice=scene.notice, reason="发错")
    before = database_fingerprint()

    with translation.override("zh-hans"), pytest.raises(NoticeError) as refused:
        notice_edit(
            actor=scene.users["regulator"],
            notice=notice,
            change=NoticeChange(
                title="改过的标题",
                body="改过的正文",
                publish_until=None,
                must_acknowledge=False,
                ack_deadline=None,
            ),
        )

    assert "撤回" in str(refused.value)
    assert changed_tables(before, database_fingerprint()) == []


def test_a_graded_paper_is_not_graded_again(scene):
    graded = scene.finished_attempt
    assert graded.score is not None
    before = database_fingerprint()

    assert attempt_grade_pending(attempt_id=graded.pk) is None

    assert changed_tables(before, database_fingerprint()) == []
