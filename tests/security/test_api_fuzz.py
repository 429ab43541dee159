"""Schemathesis against the JSON API's own OpenAPI document, in-process (WSGI, no server).

Every operation of /api/schema/ gets schema-valid and schema-breaking requests (bodies, query
strings, path parameters), as a signed-in regulator, as a trainee sitting an exam, and signed
out; no request may end in a server error. Path parameters are sometimes pinned to real
objects in the caller's scope, so the fuzzing reaches past the 404 of a random id into the
endpoint's own input handling (answers of a live attempt, a person the regulator may read).

Bounded: a few examples per operation and caller, no deadline (the first request of a page
pays for its imports), so the whole file runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import os
import secrets

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from config.wsgi import application

pytestmark = pytest.mark.django_db

# A deeper hunt: API_FUZZ_EXAMPLES=200 API_FUZZ_RANDOM=1 pytest tests/security/test_api_fuzz.py
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "15"))
DERANDOMIZE = not os.environ.get("API_FUZZ_RANDOM")
# The reports' figures are computed live: a valid request costs seconds, not milliseconds.
SLOW = {"/api/reports/figures": 3, "/api/reports/trend": 3}


@contextlib.contextmanager
def in_test_transaction():
    """What Django's test client does around a request: the WSGI handler must not close the
    test's database connection (it would end the test's transaction on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db):
    with in_test_transaction():
        return schemathesis.openapi.from_wsgi("/api/schema/", application)


def operations(schema):
    for result in schema.get_all_operations():
        yield result.ok()


def session_cookies(user) -> dict[str, str]:
    """A real session for `user` and a CSRF cookie, as a browser would hold them."""
    cookies = {"csrftoken": secrets.token_hex(16)}
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies["sessionid"] = client.cookies["sessionid"].value
    return cookies


def strategy(operation, pinned: dict):
    """Valid and invalid requests; half of them with the path pinned to real objects."""
    names = {p.name for p in operation.path_parameters}
    pins = {k: v for k, v in pinned.items() if k in names}
    strategies = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        strategies.append(operation.as_strategy(generation_mode=mode))
        if pins:
            strategies.append(operation.as_strategy(generation_mode=mode, path_parameters=pins))
    return st.one_of(strategies)


def fuzz(schema, user, pinned: dict) -> list[tuple[str, str, int]]:
    cookies = session_cookies(user)
    headers = {"X-CSRFToken": cookies["csrftoken"], "Accept-Language": "en"}
    seen: list[tuple[str, str, int]] = []  # (method, path template, status)
    for operation in operations(schema):
        examples = SLOW.get(operation.path, EXAMPLES)

        @given(case=strategy(operation, pinned))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=DERANDOMIZE,
            database=None,
            suppress_health_check=[
                HealthCheck.function_scoped_fixture,
                HealthCheck.too_slow,
                HealthCheck.filter_too_much,
            ],
        )
        def run(case):
            response = case.call(app=application, headers=headers, cookies=cookies)
            case.validate_response(response, checks=[not_a_server_error])
            seen.append((case.method, case.path, response.status_code))

        with in_test_transaction():
            run()
    return seen


def test_the_schema_lists_every_api_operation(api_schema):
    paths = {op.path for op in operations(api_schema)}
    assert {"/api/people", "/api/attempts/{attempt_id}/answers", "/api/verify/{token}"} <= paths
    assert len(list(operations(api_schema))) >= 18


def test_no_server_error_signed_out(api_schema, scene):
    seen = fuzz(api_schema, None, {"attempt_id": scene.attempt.pk})
    # Signed out, only the public verify endpoint (and the schema) ever answer 2xx.
    answered = {path for _method, path, status in seen if status < 300}
    assert answered <= {"/api/verify/{token}"}
    assert {status for _m, _p, status in seen} >= {401}


def test_no_server_error_as_a_regulator(api_schema, scene):
    w = scene.world
    seen = fuzz(
        api_schema,
        w.regulator_county,
        {"person_id": w.person_a.pk, "uscc": w.ent_a.uscc, "attempt_id": scene.attempt.pk},
    )
    assert any(status == 200 for _m, _p, status in seen)


def test_no_server_error_as_a_trainee_in_an_exam(api_schema, scene):
    seen = fuzz(
        api_schema,
        scene.world.trainee,
        {"attempt_id": scene.mock_attempt.pk, "person_id": scene.world.person_a.pk},
    )
    # The pinned attempt is the trainee's own: the fuzzing got past the ownership check
    # into the answer handling (422: not a question of the paper, a bad option, …).
    answers = {status for _m, path, status in seen if path.endswith("/answers")}
    assert answers - {404}
