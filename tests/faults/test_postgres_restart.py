"""PostgreSQL restarts while a trainee is answering (ARCHITECTURE.md rule 1): the page keeps
what the server did not acknowledge and sends it again; afterwards every answer is the last
one given, stored once, and the exam submits.

Real processes: a PostgreSQL cluster of our own (never the shared server: it is restarted
here with `pg_ctl restart -m fast`, twice), holding a copy of the suite's migrated test
database, and the production web server (granian through config/web.py, persistent
database connections) in front of it. The client speaks HTTP as the exam page
does (site/static/js/exam.js): one growing sequence number, every unacknowledged answer
resent with the same number, backing off after a network error or a 5xx.

Marked `postgres` because the copy comes from the suite's PostgreSQL test database (running
the migrations into a new cluster takes over a minute); CI's PostgreSQL run runs it.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.faults.processes import (
    ROOT,
    VENV_BIN,
    PostgresCluster,
    Process,
    django_env,
    free_port,
    pg_binary,
    tail,
    unavailable,
    wait_until,
)

# django_db: only so that pytest-django sets up the test database this module copies.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

DATABASE = "faults"


def _require_postgres():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "config.postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL; CI's PostgreSQL run runs it)")


@pytest.fixture(scope="module")
def pg_home():
    path = Path(tempfile.mkdtemp(prefix="faults-pg-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster(pg_home):
    _require_postgres()
    cluster = PostgresCluster(pg_home).create()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


def _run(argv, *, env=None, timeout=120, what=""):
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, env=env, cwd=ROOT
    )
    if result.returncode:
        pytest.fail(f"{what or argv[0]} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    return result.stdout


@pytest.fixture(scope="module")
def exam_database(cluster, pg_home, django_db_setup):
    """The suite's migrated test database copied into our cluster, plus an open exam."""
    from django.db import connection

    source = connection.settings_dict
    dump = pg_home / "migrated.sql"
    env = {**os.environ, "PGPASSWORD": source.get("PASSWORD") or ""}
    _run(
        [
            pg_binary("pg_dump"),
            *("-h", source.get("HOST") or "127.0.0.1", "-p", str(source.get("PORT") or 5432)),
            *("-U", source.get("USER") or "postgres", "--no-owner", "--no-privileges"),
            *("-f", str(dump), source["NAME"]),
        ],
        env=env,
        what="pg_dump of the test database",
    )
    psql = [pg_binary("psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    _run([*psql, "-d", "postgres", "-c", f"CREATE DATABASE {DATABASE}"], what="createdb")
    _run(
        [*psql, "-d", DATABASE, "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump)],
        what="loading the copy",
    )
    out = _run(
        [str(VENV_BIN / "python"), "-m", "tests.faults.seed_exam"],
        env=django_env(DATABASE_URL=cluster.url(DATABASE)),
        what="seeding the exam",
    )
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def web(cluster, exam_database, pg_home):
    """The web server as production starts it, two processes of two threads."""
    port = free_port()
    log = pg_home / "web.log"
    server = Process(
        "web",
        [str(VENV_BIN / "python"), "-m", "config.web"],
        log,
        env=django_env(
            DJANGO_SETTINGS_MODULE="tests.faults.child_settings",
            DATABASE_URL=cluster.url(DATABASE),
            DATABASE_CONN_MAX_AGE="600",  # persistent connections: they die with the restart
            WEB_BIND=f"127.0.0.1:{port}",
            WEB_WORKERS="2",
            WEB_THREADS="2",
            WEB_LOG_LEVEL="warning",
            WEB_GRACEFUL_TIMEOUT="3",  # do not wait for the clients' idle keep-alives
            # The verification log as production writes it, in batches from each process;
            # every 2 s, so that rows are still waiting when the database goes away.
            VERIFICATION_LOG_BATCH="1000",
            VERIFICATION_LOG_FLUSH_SECONDS="2",
            CERTIFICATE_VERIFY_RATE_LIMIT="0",
        ),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            lambda: requests.get(f"{base}/healthz", timeout=2).status_code == 200,
            timeout=60,
            what="the web server to answer /healthz",
            log=log,
        )
        yield base, log
    finally:
        server.stop()


class ExamPage:
    """The exam page's protocol (site/static/js/exam.js) in Python: every change gets the
    next sequence number and joins `pending`; a flush posts all of `pending`; what the server
    acknowledged (`saved.seq` >= the entry's) leaves it; a network error or a 5xx keeps
    everything and retries after a growing delay; any other refusal is a failure here."""

    def __init__(self, base: str, client_id: str = "tab-1"):
        self.base, self.client_id = base, client_id
        self.http = requests.Session()
        self.seq = 0
        self.pending: dict[int, dict] = {}
        self.retry_at = 0.0
        self.delay = self.MIN_DELAY
        self.failures: list[str] = []

    MIN_DELAY, MAX_DELAY = 0.1, 1.0  # the page: 1 s doubling to 10 s

    def _headers(self):
        return {"X-CSRFToken": self.http.cookies.get("csrftoken", "")}

    def sign_in_and_start(self, login: str, password: str, session: str) -> None:
        self.http.get(f"{self.base}/accounts/login/", timeout=10)
        response = self.http.post(
            f"{self.base}/accounts/login/",
            {
                "username": login,
                "password": password,
                "csrfmiddlewaretoken": self.http.cookies["csrftoken"],
            },
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:500]
        self.http.get(f"{self.base}/exams/session/{session}/", timeout=10)
        response = self.http.post(
            f"{self.base}/exams/session/{session}/",
            {"client": self.client_id, "csrfmiddlewaretoken": self.http.cookies["csrftoken"]},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:500]
        self.attempt = int(re.search(r"/exams/attempt/(\d+)/", response.headers["Location"])[1])
        page = self.http.get(f"{self.base}/exams/attempt/{self.attempt}/", timeout=10).text
        self.questions = {
            int(position): qtype
            for position, qtype in re.findall(r'data-position="(\d+)" data-qtype="(\w+)"', page)
        }
        self.seq = max(int(s) for s in re.findall(r'data-seq="(\d+)"', page))

    def answer(self, position: int, keys: list[str]) -> int:
        self.seq += 1
        self.pending[position] = {"position": position, "answer": keys, "seq": self.seq}
        return self.seq

    def _post(self, path: str, body: dict):
        """The response, or None after a network error or a 5xx (noted in `failures`)."""
        try:
            response = self.http.post(
                f"{self.base}/api/attempts/{self.attempt}{path}",
                json=body,
                headers=self._headers(),
                timeout=10,
            )
        except requests.RequestException as exc:
            self.failures.append(type(exc).__name__)
            return None
        if response.status_code >= 500:
            self.failures.append(str(response.status_code))
            return None
        assert response.ok, f"{path} refused: {response.status_code} {response.text[:300]}"
        return response

    def flush(self) -> None:
        if not self.pending or time.monotonic() < self.retry_at:
            return
        response = self._post(
            "/answers", {"client": self.client_id, "answers": [*self.pending.values()]}
        )
        if response is None:
            self.retry_at = time.monotonic() + self.delay
            self.delay = min(self.delay * 2, self.MAX_DELAY)
            return
        for saved in response.json()["saved"]:
            entry = self.pending.get(saved["position"])
            if entry and entry["seq"] <= saved["seq"]:
                del self.pending[saved["position"]]
        self.delay = self.MIN_DELAY

    def flush_all(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            self.flush()
            time.sleep(0.05)
        assert not self.pending, f"unsent after {timeout:.0f} s: {sorted(self.pending)}"

    def submit(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self._post("/submit", {"client": self.client_id})
            if response is not None:
                return response.json()
            time.sleep(0.5)
        pytest.fail(f"the submit did not go through in {timeout:.0f} s")


def stored(cluster, attempt: int, session: str = "FAULT-S"):
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname=DATABASE
    ) as db:
        items = db.execute(
            "SELECT position, answer, answer_seq FROM question_banks_attemptitem"
            " WHERE attempt_id = %s ORDER BY position",
            [attempt],
        ).fetchall()
        attempts = db.execute(
            "SELECT a.id, a.status FROM question_banks_attempt a"
            " JOIN question_banks_examsession s ON s.id = a.session_id"
            " WHERE s.code = %s AND a.person_id = (SELECT person_id FROM question_banks_attempt"
            " WHERE id = %s)",
            [session, attempt],
        ).fetchall()
    return items, attempts


def test_answers_survive_postgres_restarts(cluster, exam_database, web):
    base, log = web
    page = ExamPage(base)
    page.sign_in_and_start(
        exam_database["logins"][0], exam_database["password"], exam_database["session"]
    )
    positions = sorted(page.questions)
    rng = random.Random(20260101)
    last: dict[int, tuple[list[str], int]] = {}
    restarts = []

    def restart():
        began = time.monotonic()
        cluster.restart()
        restarts.append(time.monotonic() - began)

    restarter = None
    given = 0
    # Answer (and change answers) steadily; PostgreSQL restarts twice meanwhile. The answering
    # goes on while a restart is under way, so saves do meet the dead database.
    while given < 90 or (restarter and restarter.is_alive()):
        position = rng.choice(positions)
        keys = "AB" if page.questions[position] == "judge" else "ABCD"
        answer = [rng.choice(keys)]
        last[position] = (answer, page.answer(position, answer))
        given += 1
        if given in (15, 55):
            if restarter:
                restarter.join(90)
            restarter = threading.Thread(target=restart, daemon=True)
            restarter.start()
        page.flush()
        time.sleep(0.02)
    restarter.join(90)
    assert len(restarts) == 2, "a restart did not finish"
    page.flush_all(timeout=60)
    state = page.submit(timeout=60)
    assert state["status"] == "submitted"

    # The restarts did hit answer saves (answered 500 by the server, whose persistent
    # connections died): the page must resend on a 5xx, not only on a network error.
    assert any(f.startswith("5") for f in page.failures), (
        f"no save met the restarts ({page.failures}); web server log:\n{tail(log)}"
    )

    page.http.close()
    items, attempts = stored(cluster, page.attempt)
    assert attempts == [(page.attempt, "submitted")], "one attempt, started once"
    assert [p for p, _, _ in items] == positions, "one row per question, none doubled"
    for position, answer, seq in items:
        if position in last:
            assert (answer, seq) == last[position], f"question {position}"
        else:
            assert (answer, seq) == (None, 0), f"question {position} was never answered"


def logged_look_ups(cluster) -> int:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname=DATABASE
    ) as db:
        return db.execute("SELECT count(*) FROM certificates_verification").fetchone()[0]


def test_look_ups_waiting_for_the_log_survive_a_database_stop(cluster, exam_database, web):
    """Inspectors' look-ups are logged in batches (lookup_log): rows still queued when
    PostgreSQL stops wait in the web processes and are all written once it is back."""
    base, log = web
    url = f"{base}/api/verify/{exam_database['token']}"
    http = requests.Session()
    before = logged_look_ups(cluster)

    def look_up(times: int) -> int:
        answered = 0
        for _ in range(times):
            response = http.get(url, timeout=10)
            assert response.status_code == 200, response.text[:300]
            assert response.json()["status"] == "valid"
            answered += 1
        return answered

    answered = look_up(40)  # queued: the writers flush every 2 s
    cluster.stop_fast()
    try:
        # Down for longer than a flush interval: each process's writer meets the stopped
        # database with rows in hand (and says so in the log).
        wait_until(
            lambda: "not written yet" in log.read_text(errors="replace"),
            timeout=20,
            what="a log writer to meet the stopped database",
            log=log,
        )
    finally:
        cluster.start()
    # The first look-ups after the start may meet connections the stop cut (a 500, which
    # the phone retries); then the register answers again.
    wait_until(
        lambda: http.get(url, timeout=10).status_code == 200,
        timeout=30,
        what="look-ups to succeed again",
        log=log,
    )
    answered += 1 + look_up(20)
    wait_until(
        lambda: logged_look_ups(cluster) - before == answered,
        timeout=30,
        what=f"{answered} look-ups in the verification log",
        log=log,
    )
    time.sleep(2.5)  # one more flush interval: nothing written twice
    assert logged_look_ups(cluster) - before == answered
    http.close()


def figures_probe(cluster, command: str) -> dict:
    """tests/faults/figures_probe.py against our cluster's copy; its JSON answer."""
    out = _run(
        [str(VENV_BIN / "python"), "-m", "tests.faults.figures_probe", command],
        env=django_env(DATABASE_URL=cluster.url(DATABASE)),
        what=f"figures_probe {command}",
    )
    return json.loads(out.strip().splitlines()[-1])


def figures_locks(cluster, granted: bool) -> int:
    import psycopg

    with psycopg.connect(
        host="127.0.0.1", port=cluster.port, user="postgres", dbname=DATABASE
    ) as db:
        return db.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
            " WHERE c.relname = 'reports_employmentfigures' AND l.granted = %s"
            " AND l.mode = 'ShareRowExclusiveLock'",
            [granted],
        ).fetchone()[0]


def test_queued_figures_survive_a_restart_that_cuts_their_drain(cluster, exam_database):
    """The maintained report figures (reports/maintained.py): changes queued in PostgreSQL,
    a drain cut by a restart half-way (it waits on the table lock, its transaction dies),
    and afterwards the next drain leaves figures equal to the live query, each change
    counted once."""
    figures_probe(cluster, "build")
    changed = figures_probe(cluster, "change")
    before = figures_probe(cluster, "check")
    # Each person once, and the ended job's enterprise (reports/signals.py).
    assert before["queued"] >= len(changed["people"]) > 0
    assert not before["fresh"] and not before["rows_equal_rebuild"]

    psql = [pg_binary("psql"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres"]
    holder = subprocess.Popen(
        [
            *psql,
            *("-d", DATABASE, "-c"),
            "BEGIN; LOCK TABLE reports_employmentfigures IN SHARE ROW EXCLUSIVE MODE;"
            " SELECT pg_sleep(120); COMMIT;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    drain = None
    try:
        wait_until(lambda: figures_locks(cluster, True) == 1, timeout=30, what="psql's lock")
        drain = subprocess.Popen(
            [str(VENV_BIN / "python"), "-m", "tests.faults.figures_probe", "drain"],
            env=django_env(DATABASE_URL=cluster.url(DATABASE)),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        wait_until(
            lambda: figures_locks(cluster, False) == 1,
            timeout=60,
            what="the drain to wait on the figures' lock",
        )
        cluster.restart()
        output, _ = drain.communicate(timeout=60)
        assert drain.returncode != 0, f"the drain was not cut by the restart:\n{output[-2000:]}"
    finally:
        holder.kill()
        holder.wait(30)
        if drain is not None and drain.poll() is None:
            drain.kill()
            drain.wait(30)

    cut = figures_probe(cluster, "check")
    assert cut["queued"] == before["queued"], "the restart lost queued changes"
    assert not cut["rows_equal_rebuild"], "the cut drain wrote something after all"
    assert figures_probe(cluster, "drain")["rows"] > 0
    after = figures_probe(cluster, "check")
    assert after["queued"] == 0 and after["fresh"]
    assert after["unequal"] == [], "maintained figures differ from the live query"
    assert after["rows_equal_rebuild"], "the drained figures are not those of a rebuild"
    assert after["people"] == before["people"], "the live count itself moved"


@pytest.fixture
def browser():
    chromium = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.exists():
        unavailable(f"{chromium} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(chromium), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser
        finally:
            browser.close()


def test_the_exam_page_resends_what_a_stopped_database_refused(
    cluster, exam_database, web, browser
):
    """The real page (exam.js) in Chromium: answers given while PostgreSQL is down are
    answered 500 by the server; the page keeps them and sends them once it is back."""
    base, log = web
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    statuses = []
    page.on(
        "response",
        lambda r: statuses.append(r.status) if r.url.endswith("/answers") else None,
    )
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", exam_database["logins"][1])
    page.fill("input[name=password]", exam_database["password"])
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url, "sign-in failed"
    page.goto(f"{base}/exams/session/{exam_database['session']}/")
    with page.expect_navigation():
        page.click("#start-form button[type=submit]")
    page.wait_for_selector("#exam")
    attempt = int(page.locator("#exam").get_attribute("data-attempt"))

    chosen = {}

    def answer_next(choice: int):
        article = page.locator("article.question:visible")
        article.locator("label.choice").nth(choice).click()
        value = article.locator("input").nth(choice).get_attribute("value")
        chosen[int(article.get_attribute("data-position"))] = [value]
        article.locator("[data-next]").click()

    def net_state():
        return page.locator("#net-status").get_attribute("data-state")

    def unsent() -> dict:
        # Polled from here: the page's Content-Security-Policy forbids evaluating strings
        # in the page, which Playwright's wait_for_function would do.
        return json.loads(page.evaluate(f"() => localStorage.getItem('{pending_key}') || '{{}}'"))

    def wait_state(state: str, timeout: float):
        wait_until(lambda: net_state() == state, timeout=timeout, what=f"the page to say {state}")

    pending_key = f"exam:{attempt}:pending"
    for n in range(3):
        answer_next(n % 2)
    wait_state("saved", 20)

    cluster.stop_fast()
    try:
        for n in range(4):
            answer_next((n + 1) % 2)
        wait_until(
            lambda: any(s >= 500 for s in statuses),
            timeout=20,
            what="an answer save to meet the stopped database",
        )
        time.sleep(0.5)  # whatever the page does with the 500 (it used to drop the answers)
        assert len(unsent()) == 4, "the page must keep what the server failed to save"
        wait_state("retrying", 20)
    finally:
        cluster.start()
    answer_next(0)
    wait_until(
        lambda: net_state() == "saved" and not unsent(),
        timeout=30,
        what="the page to resend everything it kept",
        log=log,
    )
    items, attempts = stored(cluster, attempt)
    assert len(attempts) == 1
    assert {p: a for p, a, _ in items if a is not None} == chosen, tail(log)
