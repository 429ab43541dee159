"""A change while the broker refuses the drain task: the change commits, nothing is raised
or logged as an error in its on-commit hook, and the beat's minute drain catches the
maintained figures up (reports/maintained.py)."""

from __future__ import annotations

import logging

import pytest
from kombu.exceptions import OperationalError
from redis.exceptions import ResponseError

from config.celery import app, task_named
from reports.maintained import DRAIN_TASK, employment_figures_rebuild
from reports.models import EmploymentFigures, FiguresQueue
from reports.tasks import refresh_report_figures_task
from roster.models import Industry

pytestmark = pytest.mark.django_db


def _figures() -> list[tuple]:
    return list(EmploymentFigures.objects.order_by("employment_id").values_list())


@pytest.fixture
def broker_refuses(monkeypatch):
    """A broker is configured (not eager) and every send of the drain task fails."""
    sends: list[dict] = []

    def refuse(exc):
        def apply_async(*args, **kwargs):
            sends.append(kwargs)
            raise exc

        monkeypatch.setattr(task_named(DRAIN_TASK), "apply_async", apply_async)

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield refuse, sends
    finally:
        app.conf.task_always_eager = eager


@pytest.mark.parametrize(
    "failure",
    [
        OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        ResponseError("OOM command not allowed when used memory > 'maxmemory'."),
        ResponseError("READONLY You can't write against a read only replica."),
    ],
    ids=["down", "out_of_memory", "read_only"],
)
def test_a_change_while_the_broker_refuses_commits_and_the_beat_drain_catches_up(
    world, broker_refuses, failure, caplog, django_capture_on_commit_callbacks
):
    refuse, sends = broker_refuses
    employment_figures_rebuild()
    refuse(failure)

    caplog.set_level(logging.WARNING)
    with django_capture_on_commit_callbacks(execute=True):
        world.ent_b.industry = Industry.objects.get(code="03")
        world.ent_b.save()

    assert sends and sends[0]["countdown"] > 0  # the drain was asked for, a window later
    # Nothing raised inside the on-commit hook (Django logs a robust hook's exception).
    raised = [r for r in caplog.records if r.getMessage().startswith("Error calling")]
    assert raised == [], [r.getMessage() for r in raised]
    assert any("left to the minute's beat drain" in r.getMessage() for r in caplog.records)
    world.ent_b.refresh_from_db()
    assert world.ent_b.industry.code == "03"  # the change committed
    assert FiguresQueue.objects.exists()  # and waits for the drain

    refresh_report_figures_task.apply()  # the beat's minute drain ("drain-report-figures")
    assert not FiguresQueue.objects.exists()
    drained = _figures()
    employment_figures_rebuild()
    assert drained == _figures()
