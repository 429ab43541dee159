"""config/postgresql: the health check of a persistent connection costs no round trip, and
still tells a connection the server has ended from a live one."""

import time

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

# serialized_rollback as the suite's other transactional tests: without it, the flush after
# each test here re-creates the content types under new keys, and the next test that
# restores the serialized database collides with them.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


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


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_a_statement_run_again_and_again_is_prepared_on_the_server():
    from django.conf import settings

    from roster.models import User

    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    assert settings.DATABASES["default"]["OPTIONS"]["server_side_binding"] is True
    for user_id in range(threshold + 1):  # other values each time: one statement all the same
        User.objects.filter(pk=user_id).first()
    prepared = [s for s in _prepared_statements() if 'FROM "roster_user"' in s]
    assert len(prepared) == 1
    assert "$1" in prepared[0]  # its parameters are bound by the server


def test_the_verification_log_commits_its_rows_asynchronously():
    from certificates.models import Verification
    from certificates.services.lookup_log import insert_rows

    with CaptureQueriesContext(connection) as captured:
        insert_rows([(None, "2026-07-01T09:00:00+08:00", "web", "valid", "10.0.0.0/24", "")])
    sql = [q["sql"] for q in captured.captured_queries]
    # One transaction, whose commit alone does not wait for the disk.
    assert sql[:2] == ["BEGIN", "SET LOCAL synchronous_commit TO OFF"]
    assert sql[2].startswith("INSERT INTO certificates_verification")
    assert sql[3:] == ["COMMIT"]
    assert Verification.objects.filter(network="10.0.0.0/24").count() == 1


def test_prepared_statements_keep_the_options_database_url_sets():
    import os
    import subprocess
    import sys

    env = dict(
        os.environ,
        DATABASE_URL="postgres://u@db.example:5432/exams?sslmode=require",
        DJANGO_SETTINGS_MODULE="config.settings.base",
    )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; "
            "print(sorted(settings.DATABASES['default']['OPTIONS'].items()))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "('sslmode', 'require')" in out
    assert "('server_side_binding', True)" in out and "('prepare_threshold', 5)" in out
