"""The workers' task processes give way to the web (issue 27, Must 6): a thousand grades
queued at the end of an exam wait for the answers to the submits that queued them."""

from celery.signals import worker_process_init

import config.celery


def test_a_task_process_lowers_its_priority_by_worker_nice(settings, monkeypatch):
    settings.WORKER_NICE = 10
    niced = []
    monkeypatch.setattr(config.celery.os, "nice", niced.append)
    worker_process_init.send(sender=None)
    assert niced == [10]


def test_worker_nice_zero_leaves_the_priority_alone(settings, monkeypatch):
    settings.WORKER_NICE = 0
    niced = []
    monkeypatch.setattr(config.celery.os, "nice", niced.append)
    worker_process_init.send(sender=None)
    assert niced == []
