"""config/postgresql: the health check of a persistent connection costs no round trip, and
still tells a connection the server has ended from a live one."""

import time

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL; CI's PostgreSQL run runs it)")


def _server_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_live_connection_is_usable_without_a_query():
    _server_pid()  # connected
    with CaptureQueriesContext(connection) as captured:
        assert connection.is_usable()
    assert captured.captured_queries == []


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced():
    pid = _server_pid()
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye is on its way
    assert not connection.is_usable()
    # What Django does at the start of a request with health checks on: close and reconnect.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert _server_pid() != pid
