"""Report reads from a real streaming replica (reports/replica.py): they go there, they never
show a figure older than what the primary had committed when the page was asked for, a
replica that is behind leaves them on the primary, and nothing is ever written there.

CI starts the replica (`.ci/replica`, pg_basebackup of its PostgreSQL) and sets
DATABASE_REPLICA_URL and REQUIRE_REPLICA=1; without one, the tests that need it skip with the
reason unless REQUIRE_REPLICA=1 makes them fail.
"""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.replica import REPLICA, read_alias, report_reads
from reports.selectors import report_params, totals
from roster.models import AuditLog
from tests.factories import EmploymentFactory, build_world


def _needs_replica():
    if REPLICA in settings.DATABASES:
        return
    if os.environ.get("REQUIRE_REPLICA") == "1":
        pytest.fail("REQUIRE_REPLICA=1 but DATABASE_REPLICA_URL is not set")
    pytest.skip("needs a streaming replica (DATABASE_REPLICA_URL; CI's PostgreSQL run has one)")


# Without a replica the tests skip (below) rather than fail to set up.
ON_THE_REPLICA = pytest.mark.django_db(
    transaction=True,
    serialized_rollback=True,
    databases=["default", REPLICA] if REPLICA in settings.DATABASES else ["default"],
)


@pytest.fixture
def replica():
    _needs_replica()
    return connections[REPLICA]


def _people(user) -> int:
    return totals(user=user, params=report_params(user=user))["people"]


@pytest.mark.django_db
def test_reads_inside_a_transaction_stay_on_the_primary():
    # A test case (or code that has just written) is inside a transaction on the primary:
    # its own uncommitted rows are only there. Without a replica, reads stay there anyway.
    with report_reads() as alias:
        assert alias == "default"
        assert read_alias() == "default"
    assert read_alias() is None


@pytest.mark.usefixtures("replica")
@pytest.mark.postgres
@ON_THE_REPLICA
def test_the_dashboard_reads_the_replica_and_shows_a_write_committed_just_before(client):
    world = build_world()
    client.force_login(world.regulator_county)
    before = _people(world.regulator_county)

    EmploymentFactory(enterprise=world.ent_a)  # committed on the primary just now
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    assert len(on_replica) > 5  # the figures were computed there
    figures = [q["sql"] for q in on_primary if "employment" in q["sql"].lower()]
    assert figures == []  # and not on the primary
    with report_reads() as alias:
        assert alias == REPLICA
        assert _people(world.regulator_county) == before + 1  # no older figure


@pytest.mark.usefixtures("replica")
@pytest.mark.postgres
@ON_THE_REPLICA
def test_a_replica_that_is_behind_leaves_the_reads_on_the_primary(settings):
    world = build_world()
    settings.REPORTS_REPLICA_MAX_WAIT = 0.3
    before = _people(world.regulator_county)
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        EmploymentFactory(enterprise=world.ent_a)
        with report_reads() as alias:
            assert alias == "default"
            assert _people(world.regulator_county) == before + 1
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    settings.REPORTS_REPLICA_MAX_WAIT = 5
    with report_reads() as alias:  # caught up again
        assert alias == REPLICA
        assert _people(world.regulator_county) == before + 1


@pytest.mark.usefixtures("replica")
@pytest.mark.postgres
@ON_THE_REPLICA
def test_the_drill_down_and_exports_write_their_audit_entry_on_the_primary(client):
    world = build_world()
    client.force_login(world.regulator_county)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get(
            reverse("reports:export_xlsx"), {"by": "enterprise", "region": world.county.code}
        )
    assert response.status_code == 200
    # (A hot standby would refuse a write outright; none is even tried.)
    verbs = {q["sql"].split(None, 1)[0].upper() for q in on_replica}
    assert "SELECT" in verbs and not verbs & {"INSERT", "UPDATE", "DELETE"}
    assert AuditLog.objects.filter(action="reports.export").count() == 1


@pytest.mark.usefixtures("replica")
@pytest.mark.postgres
@ON_THE_REPLICA
def test_the_api_figures_read_the_replica(client):
    world = build_world()
    client.force_login(world.regulator_county)
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        response = client.get("/api/reports/figures", {"by": "region"})
    assert response.status_code == 200, response.content
    assert len(on_replica) > 3
