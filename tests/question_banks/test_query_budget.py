"""How many database queries the exam-day requests make: each one is a round trip to
PostgreSQL and ORM work in Python for each of a thousand examinees, so a change that adds
one shows here first."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from question_banks.models import Attempt
from question_banks.services.attempts import session_predraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def examinee(client, world, session):
    session_predraw(session=session)
    client.force_login(world.trainee)
    client.get("/exams/")  # the session and CSRF cookies, as the page leaves them
    return client


def queries(client, method, url, **kwargs):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, **kwargs)
    assert response.status_code in (200, 302), response.content[:300]
    return [q["sql"] for q in captured.captured_queries]


def test_an_exam_start_and_an_answer_save_stay_within_their_queries(examinee, session):
    start = queries(examinee, "post", f"/exams/session/{session.code}/", data={"client": "tab"})
    attempt = Attempt.objects.get(session=session)
    url = f"/api/attempts/{attempt.pk}/answers"

    def save(seq):
        body = {"client": "tab", "answers": [{"position": 1, "answer": ["A"], "seq": seq}]}
        return queries(
            examinee, "post", url, data=json.dumps(body), content_type="application/json"
        )

    first, second = save(1), save(2)

    # Signed in: the session and the user come from the cache (the exam list warmed both).
    assert not any("django_session" in sql for sql in start + first + second)
    assert not any("roster_user" in sql for sql in start + first + second)
    if connection.vendor == "postgresql":
        # Start: one statement claims the paper drawn ahead and writes its "started" event.
        assert len(start) == 1 and start[0].lstrip().startswith("WITH started"), start
    else:
        # Elsewhere: the candidate with the person, the claim of the predrawn paper, one
        # count of earlier attempts, and its "started" event.
        assert len(start) <= 7, start
    # The paper's slots were cached when it was drawn ahead: no save reads its questions.
    assert not any("attemptitem" in sql and sql.startswith("SELECT") for sql in first + second)
    if connection.vendor == "postgresql":
        # One UPDATE that checks the attempt and writes the answer.
        assert len(first) == 1 and first[0].lstrip().startswith("UPDATE"), first
        assert len(second) == 1, second
    else:
        # Elsewhere: the attempt with its session, then the UPDATE in a transaction.
        assert len(first) <= 4, first
        assert len(second) <= 4, second


def test_a_save_that_is_refused_still_says_why(examinee, session):
    """The one-statement save writes nothing it should not; what it cannot explain goes the
    long way, with the same answers as before."""
    examinee.post(f"/exams/session/{session.code}/", data={"client": "tab"})
    attempt = Attempt.objects.get(session=session)
    url = f"/api/attempts/{attempt.pk}/answers"

    def save(seq, client="tab", answer=("A",)):
        body = {"client": client, "answers": [{"position": 1, "answer": list(answer), "seq": seq}]}
        return examinee.post(url, data=json.dumps(body), content_type="application/json")

    assert save(5).json()["saved"] == [{"position": 1, "seq": 5, "applied": True}]
    # An older post arriving late changes nothing and says so.
    assert save(4, answer=("B",)).json()["saved"] == [{"position": 1, "seq": 4, "applied": False}]
    # Another tab is refused with its reason.
    refused = save(6, client="other-tab")
    assert refused.status_code == 409 and refused.json()["code"] == "other_client"
    # A letter that is not an option is refused with its reason.
    bad = save(7, answer=("Z",))
    assert bad.status_code == 422 and bad.json()["code"] == "bad_option"
    item = attempt.items.get(position=1)
    assert (item.answer, item.answer_seq) == (["A"], 5)


def test_the_exam_page_and_a_submit_stay_within_their_queries(examinee, session):
    """A thousand examinees open the exam page at 9:00 and submit at 11:00: the page reads
    the attempt and its items (the question texts once per process), and a submit's
    grading takes a few statements for the whole paper, not some per question."""
    examinee.post(f"/exams/session/{session.code}/", data={"client": "tab"})
    attempt = Attempt.objects.get(session=session)
    page = f"/exams/attempt/{attempt.pk}/"
    first, again = queries(examinee, "get", page), queries(examinee, "get", page)
    # With the pass the start set in a cookie, before anything is answered: one statement
    # reads the attempt, the names and the cards kept when the paper was drawn.
    assert len(first) == 1 and len(again) == 1, again
    # Through the session (no pass cookie): the attempt with its kept cards, in one.
    examinee.cookies.pop("exam_pass")
    assert len(queries(examinee, "get", page)) == 1
    answers = [
        {"position": item.position, "answer": [item.option_order[0]], "seq": 1}
        for item in attempt.items.exclude(version__question__qtype="case")
    ]
    queries(
        examinee,
        "post",
        f"/api/attempts/{attempt.pk}/answers",
        data=json.dumps({"client": "tab", "answers": answers}),
        content_type="application/json",
    )
    submit = queries(
        examinee,
        "post",
        f"/api/attempts/{attempt.pk}/submit",
        data=json.dumps({"client": "tab"}),
        content_type="application/json",
    )
    assert len(answers) >= 20 and len(submit) <= 16, "\n".join(submit)


def test_the_retraining_check_at_the_start_costs_nothing_without_a_failed_resit(examinee, session):
    """A certificate session checks "one resit, then retrain" at the start only for a place
    marked when a resit failed elsewhere (Candidate.resit_failed_on): everyone else starts
    in the same statements as before."""
    from certificates.models import CertificateType
    from certificates.services.windows import rule_for

    session.certificate_type_code = "TZ-DG"
    session.save(update_fields=["certificate_type_code"])
    assert rule_for(CertificateType.objects.get(code="TZ-DG").family).resits_allowed == 1
    start = queries(examinee, "post", f"/exams/session/{session.code}/", data={"client": "tab"})
    assert not any("candidacy" in sql or "creditentry" in sql for sql in start)
    if connection.vendor == "postgresql":
        assert len(start) == 1 and start[0].lstrip().startswith("WITH started"), start
    else:
        assert len(start) <= 7, start
