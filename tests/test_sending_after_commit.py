"""Tasks sent after a commit (config.celery.send_or_leave / send_on_commit): a broker that
refuses never turns the committed change into a 500. The work is done here when it can be,
and otherwise later by the sweep named for it (the nightly syncs for the rosters' followers,
the minute's sweep for a grade).

The web tests commit for real (transactional_db): the on-commit hooks then run inside the
request, as in production, so an exception there would reach the response."""

from __future__ import annotations

import logging

import pytest
from celery.app.task import Task
from django.test import Client
from kombu.exceptions import OperationalError

from campaigns.services.rotation import rotation_campaign_create
from campaigns.tasks import rotation_members_sync_task
from config.celery import app, send_on_commit, send_or_leave
from notices.models import NoticeReceipt
from notices.services import notice_publish
from notices.tasks import readers_sync_task
from roster.choices import EmploymentForm, PersonnelCategory
from roster.models import Person
from tests.factories import build_world, make_id_number
from tests.notices.conftest import enterprise_data

# Committed for real; serialized_rollback: the flush afterwards must not lose the seeded rows.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def tasks_sent():
    """Tasks sent to a broker, as in production (the tests run them inline otherwise)."""
    saved = app.conf.task_always_eager
    app.conf.update(task_always_eager=False)
    try:
        yield
    finally:
        app.conf.update(task_always_eager=saved)


@pytest.fixture
def broker_refuses(tasks_sent, monkeypatch):
    """Every send is refused the way kombu refuses it when Redis is gone."""
    sent = []

    def refuse(self, *args, **kwargs):
        sent.append(self.name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return sent


@pytest.fixture
def followers_fail(monkeypatch):
    """The inline fallback fails too (the database busy, a bug): nothing of the work is
    done in the request."""

    def fail(**kwargs):
        raise RuntimeError("the sync failed")

    for module, name in (
        ("notices.audience", "notices_readers_sync"),
        ("campaigns.services.rotation", "rotation_members_follow"),
        ("campaigns.services.warning_readers", "warning_assignments_sync"),
    ):
        monkeypatch.setattr(f"{module}.{name}", fail)
    return monkeypatch


def _hire_on_the_web(world, seq):
    client = Client()
    client.force_login(world.enterprise_admin)
    id_number = make_id_number(seq=seq)
    response = client.post(
        "/roster/people/new/",
        {
            "name": "夜班新员工",
            "id_number": id_number,
            "category": PersonnelCategory.GENERAL,
            "employment_form": EmploymentForm.REGULAR,
        },
    )
    return response, id_number


def _world_with_followers():
    world = build_world()
    notice = notice_publish(actor=world.enterprise_admin, data=enterprise_data(world))
    campaign = rotation_campaign_create(
        actor=world.regulator_county,
        title="全员轮训",
        region=world.county,
        industries=[],
        categories=[PersonnelCategory.GENERAL],
        target_rate=1,
        starts_on=notice.publish_from.date(),
        ends_on=notice.publish_from.date().replace(year=notice.publish_from.year + 1),
    )
    return world, notice, campaign


@committed
def test_a_hire_with_the_broker_down_is_answered_and_followed_at_once(broker_refuses):
    world, notice, campaign = _world_with_followers()
    response, id_number = _hire_on_the_web(world, seq=941)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "notices.tasks.readers_sync_task" in broker_refuses
    person = Person.objects.get(id_number=id_number)
    # The broker refused: the syncs ran here instead (send_or_run's fallback).
    assert NoticeReceipt.objects.filter(notice=notice, person=person).exists()
    assert campaign.members.filter(person=person, left_on=None).exists()


@committed
def test_when_the_fallback_fails_too_the_user_is_answered_and_the_sweep_does_it(
    broker_refuses, followers_fail, caplog
):
    world, notice, campaign = _world_with_followers()
    with caplog.at_level(logging.WARNING, logger="config.celery"):
        response, id_number = _hire_on_the_web(world, seq=942)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(id_number=id_number)  # the hire committed
    assert not NoticeReceipt.objects.filter(notice=notice, person=person).exists()
    assert not campaign.members.filter(person=person).exists()
    logged = caplog.text
    assert "notice-readers-sync" in logged and "rotation-members-sync" in logged

    # The nightly sweeps (beat: notice-readers-sync, rotation-members-sync) do the work.
    followers_fail.undo()
    readers_sync_task.apply().get()
    rotation_members_sync_task.apply().get()
    assert NoticeReceipt.objects.filter(notice=notice, person=person, left_at=None).exists()
    assert campaign.members.filter(person=person, left_on=None).exists()


@pytest.mark.django_db
def test_send_or_leave_never_raises_and_names_the_sweep(broker_refuses, monkeypatch, caplog):
    def broken_apply(self, *args, **kwargs):
        raise RuntimeError("inline run blew up")

    monkeypatch.setattr(Task, "apply", broken_apply)
    with caplog.at_level(logging.WARNING, logger="config.celery"):
        assert send_or_leave(readers_sync_task, person_ids=[1], sweep="the nightly run") is None
        assert (
            send_or_leave(
                readers_sync_task, person_ids=[1], sweep="the nightly run", run_if_down=False
            )
            is None
        )
    assert caplog.text.count("left to the nightly run") == 2


@pytest.mark.django_db
def test_a_broker_refusing_with_any_error_counts_as_away(tasks_sent, monkeypatch):
    """Redis out of memory answers a push with a ResponseError, not a connection error."""
    ran = []

    def oom(self, *args, **kwargs):
        raise Exception("OOM command not allowed when used memory > 'maxmemory'.")

    monkeypatch.setattr(Task, "apply_async", oom)
    monkeypatch.setattr(
        "notices.audience.notices_readers_sync", lambda **kwargs: ran.append(kwargs) or (0, 0)
    )
    result = send_or_leave(readers_sync_task, person_ids=[7], sweep="the nightly run")
    assert result is not None and result.successful()
    assert ran == [{"person_ids": [7]}]


@pytest.mark.django_db
def test_send_on_commit_waits_for_the_commit_and_swallows_a_refusal(
    broker_refuses, monkeypatch, django_capture_on_commit_callbacks
):
    ran = []
    monkeypatch.setattr(
        "notices.audience.notices_readers_sync", lambda **kwargs: ran.append(kwargs) or (0, 0)
    )
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        send_on_commit(readers_sync_task, person_ids=[3], sweep="the nightly run")
        assert ran == []  # not before the commit
    assert len(hooks) == 1
    assert ran == [{"person_ids": [3]}]  # refused by the broker: run here


def test_a_task_sent_to_the_workers_is_not_asked_for_its_outcome(monkeypatch, caplog):
    """Production has no result backend: asking a sent task whether it failed raises. The
    send is a success and nothing is logged as lost (it once logged every grade as 'neither
    sent nor run' while the worker graded it)."""
    from celery.result import AsyncResult

    import config.celery as celery_module

    sent = AsyncResult("sent-to-the-workers", app=app)
    monkeypatch.setattr(celery_module, "_send", lambda task, args, kwargs: sent)
    with caplog.at_level(logging.WARNING, logger=celery_module.log.name):
        result = send_or_leave(readers_sync_task, sweep="the nightly readers sync")
    assert result is sent
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_task_run_inline_says_nothing_about_a_missing_broker_host(caplog):
    """Without a broker configured tasks run inline, but Celery still takes a producer of
    the in-memory broker for each: with no host in its URL kombu warned "No hostname was
    supplied" on stderr every time (it showed in the middle of bench_imports' figures)."""
    with caplog.at_level(logging.WARNING, logger="kombu"), app.producer_or_acquire() as producer:
        assert producer.connection.hostname
    assert not [r for r in caplog.records if "hostname" in r.getMessage()]
