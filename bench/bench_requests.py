"""What one exam-day request costs the web process, without the network: CPU and wall time
per request of the hot paths, beside /healthz (the stack's floor) in the same run.

    .venv/bin/python bench/bench_requests.py [--people 200] [--requests 400]

Builds a throwaway PostgreSQL database like bench_load.py (dropped at the end), with Redis
as cache, production settings, and calls Django's WSGI application directly in this
process: /healthz, exam starts (one per examinee, papers drawn ahead, so `--people` - 1 of
them, each with the exam pass of its session page), the exam page, an answer save (through
the session, then with the exam page's pass as the page sends it), the verify API, the
verify page and the submits of the started papers, every question answered (half through
the session, half with the exam page's pass as the page sends it), and the grading each
submit queues for a Celery worker (the task's work, called directly).
Each line gives the median wall time, the median CPU time of the process (what a server's
cores pay per request, the verification log's writer thread included; the rest is waiting
on PostgreSQL and Redis), its mean (which spreads the log writer's batches over the
requests) and the 5th and 95th percentiles of the CPU time. Nothing is asserted.
`--profile` also prints, for each line, the functions that took most of its time under
cProfile (own time, then cumulative), to see where it goes.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_load  # noqa: E402  (the same data and settings as the load benchmark)

HOST = "127.0.0.1:8765"


def wsgi_call(
    application, method: str, path: str, body: bytes = b"", cookie: str = "", ctype="", **meta
):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8765",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": HOST,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": ctype,
    }
    if cookie:
        environ["HTTP_COOKIE"] = f"sessionid={cookie}; csrftoken={bench_load.CSRF}"
        environ["HTTP_X_CSRFTOKEN"] = bench_load.CSRF
    environ.update(meta)
    started = []
    chunks = application(environ, lambda status, headers, exc=None: started.append(status))
    LAST_ANSWER[:] = [chunks]  # Django's WSGI handler answers with the HttpResponse itself
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return started[0], content


LAST_ANSWER: list = []


def set_cookie(name: str) -> str | None:
    """The value the last answer set for cookie `name`, as a browser keeps it."""
    cookies = getattr(LAST_ANSWER[0], "cookies", {}) if LAST_ANSWER else {}
    return cookies[name].value if name in cookies else None


PROFILE = {"on": False, "top": 60}


def measure(label: str, request, count: int, warm: int = 30) -> str:
    for _ in range(warm):  # imports, connections, caches
        request()
    if PROFILE["on"]:
        profile(label, request, max(count // 2, 1))
    walls, cpus = [], []
    for _ in range(count):
        wall, cpu = time.perf_counter(), time.process_time()
        request()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    cpus.sort()

    def ms(value: float) -> str:
        return f"{value * 1000:7.3f}"

    return (
        f"{label:<26} n={count:>5}  wall median {ms(statistics.median(walls))} ms  "
        f"CPU median {ms(statistics.median(cpus))} ms  mean {ms(statistics.fmean(cpus))}  "
        f"p5 {ms(cpus[len(cpus) // 20])}  "
        f"p95 {ms(cpus[len(cpus) * 19 // 20])}"
    )


def profile(label: str, request, count: int) -> None:
    """Runs `request` under cProfile (slower than the timed runs) and prints the top functions.

    The profile's clock is this thread's CPU time: waiting on PostgreSQL or Redis costs the
    server's cores nothing, so it is left out."""
    profiler = cProfile.Profile(time.thread_time)
    profiler.enable()
    for _ in range(count):
        request()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    print(f"\n--- {label}: {count} requests under cProfile ---", file=out)
    stats.sort_stats("tottime").print_stats(PROFILE["top"])
    stats.sort_stats("cumulative").print_stats(PROFILE["top"])
    print(out.getvalue(), file=sys.stderr)


def report(lines: list[str]) -> None:
    print()
    print("In-process WSGI calls, production settings, PostgreSQL and Redis on this machine:")
    for line in lines:
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument(
        "--only",
        choices=["page", "submit"],
        help="page: only the floor and the exam page; submit: only the floor, the submits and "
        "their grading (quicker runs while working on one of them)",
    )
    args = parser.parse_args()
    PROFILE["on"] = args.profile
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=bench_load.server_env(HOST),
        check=True,
    )
    bench_load.create_database()
    try:
        bench_load.setup_django(HOST)
        world = bench_load.build(args.people, args.people)
        from config.wsgi import application

        session_page = f"/exams/session/{world.session_code}/"

        def start_pass(key: str) -> str:
            """The exam pass of the session page's start form (exam_pass.py)."""
            html = wsgi_call(application, "GET", session_page, cookie=key)[1]
            return quote(re.search(rb'name="pass" value="([^"]+)"', html).group(1), safe="")

        def start(key: str, client: str, exam_pass: str) -> None:
            form = f"client={client}&csrfmiddlewaretoken={bench_load.CSRF}&pass={exam_pass}"
            status, _ = wsgi_call(
                application,
                "POST",
                session_page,
                form.encode(),
                key,
                "application/x-www-form-urlencoded",
            )
            if not status.startswith("302"):
                raise SystemExit(f"exam start: unexpected {status}")
            # The exam page's pass, set by the start for the page, as a browser keeps it.
            pass_cookies[client] = set_cookie("exam_pass") or ""

        pass_cookies: dict[str, str] = {}

        key = world.examinees[0][0]
        start(key, "tab-1", start_pass(key))
        others = iter(
            [
                (n, other_key, start_pass(other_key))
                for n, (other_key, _) in enumerate(world.examinees[1:], start=2)
            ]
        )

        from question_banks.models import Attempt

        attempt = Attempt.objects.get(client_id="tab-1").pk
        seq = [0]

        def ok(status: str) -> None:
            if not status.startswith("200"):
                raise SystemExit(f"unexpected {status}")

        # The exam page hands its saves a pass (question_banks/services/exam_pass.py).
        page = wsgi_call(application, "GET", f"/exams/attempt/{attempt}/", cookie=key)[1]
        exam_pass = re.search(rb'data-pass="([^"]+)"', page).group(1).decode()

        def save(**meta) -> None:
            seq[0] += 1
            answer = {"position": 1 + seq[0] % 100, "answer": ["A"], "seq": seq[0]}
            body = json.dumps({"client": "tab-1", "answers": [answer]}).encode()
            url = f"/api/attempts/{attempt}/answers"
            ok(wsgi_call(application, "POST", url, body, key, "application/json", **meta)[0])

        def verify(prefix: str):
            def request() -> None:
                seq[0] += 1
                token = world.tokens[seq[0] % len(world.tokens)]
                ok(wsgi_call(application, "GET", prefix + token)[0])

            return request

        def answered_papers() -> list[tuple[int, str, str]]:
            """The started papers but the first, each question answered with the option
            shown first (some right, some wrong, as a real paper), for the submits."""
            from question_banks.models import AttemptItem

            keys = {f"tab-{n}": key for n, (key, _) in enumerate(world.examinees, start=1)}
            papers = list(
                Attempt.objects.filter(status="in_progress")
                .exclude(client_id="tab-1")
                .values_list("pk", "client_id")
            )
            items = list(
                AttemptItem.objects.filter(attempt__in=[pk for pk, _ in papers]).select_related(
                    "version__question"
                )
            )
            for item in items:
                order = item.option_order
                if item.version.question.qtype == "case":
                    item.answer = {str(i): sub[:1] for i, sub in enumerate(order)}
                else:
                    item.answer = order[:1]
            AttemptItem.objects.bulk_update(items, ["answer"], batch_size=500)
            return [(pk, client, keys[client]) for pk, client in papers]

        papers = iter([])
        submitted: list[int] = []

        def exam_pass_of(pk: int) -> str:
            """The pass the exam page of this paper carries (the page's own call)."""
            from question_banks.services.attempts import answers_close_at
            from question_banks.services.exam_pass import attempt_scope, issue_pass

            paper = Attempt.objects.select_related("session").get(pk=pk)
            return issue_pass(
                scope=attempt_scope(pk),
                person_id=paper.person_id,
                valid_until=answers_close_at(paper),
            )

        def submit() -> None:
            pk, client, other_key = next(papers)
            body = json.dumps({"client": client}).encode()
            url = f"/api/attempts/{pk}/submit"
            ok(wsgi_call(application, "POST", url, body, other_key, "application/json")[0])
            submitted.append(pk)

        from question_banks.services.attempts import attempt_grade_pending

        graded = iter([])

        def grade() -> None:
            """The queued grading task's work for one submitted paper (a Celery worker's)."""
            if attempt_grade_pending(attempt_id=next(graded)) is None:
                raise SystemExit("grading: the paper was graded already")

        starts = len(world.examinees) - 11
        if args.profile:
            starts = starts * 3 // 5
        started: list[tuple[int, str]] = []  # (attempt, session key) of each start measured

        def next_start() -> None:
            n, other_key, exam_pass = next(others)
            start(other_key, f"tab-{n}", exam_pass)
            started.append((f"tab-{n}", other_key))

        def page(pk: int, session_key: str, exam_pass: str = "", **meta) -> None:
            url = f"/exams/attempt/{pk}/"
            if exam_pass:
                # A browser sends the pass cookie the start set with its session's.
                meta["HTTP_COOKIE"] = (
                    f"sessionid={session_key}; csrftoken={bench_load.CSRF}; exam_pass={exam_pass}"
                )
            ok(wsgi_call(application, "GET", url, cookie=session_key, **meta)[0])

        first_views = iter([])

        def first_view(**meta):
            """Another examinee's page, opened for the first time (as at 9:00: a thousand
            papers, each shown once right after its start)."""
            return lambda: page(*next(first_views), **meta)

        def pages_and_saves() -> list[str]:
            """The starts, the exam pages, the saves and the look-ups, measured."""
            nonlocal first_views
            lines = [
                # Each start takes an examinee of its own; the profile takes some of them too.
                measure("exam start (drawn ahead)", next_start, starts, warm=10),
                measure("exam page (same paper)", lambda: page(attempt, key), args.requests),
            ]
            # The started papers in two halves: one opened as a plain client does, the other as
            # a browser does (gzip).
            ids = dict(Attempt.objects.values_list("client_id", "pk"))
            # The started papers in three: opened through the session only (a client that keeps
            # no cookie but the session's, or a paper started elsewhere), and as a browser does,
            # with the pass cookie its start set (the session-free lane), plain and gzipped.
            views = [(ids[client], key, pass_cookies[client]) for client, key in started]
            third = len(views) // 3
            each = third - 5 if not args.profile else (third - 5) * 2 // 3
            first_views = iter([(pk, key) for pk, key, _ in views[:third]])
            lines.append(measure("exam page (first view, session)", first_view(), each, warm=5))
            first_views = iter(views[third : 2 * third])
            lines.append(measure("exam page (first view, lane)", first_view(), each, warm=5))
            first_views = iter(views[2 * third :])
            gzipped = first_view(HTTP_ACCEPT_ENCODING="gzip, deflate, br")
            lines.append(measure("exam page (first, lane, gzip)", gzipped, each, warm=5))
            if args.only == "page":
                return lines
            lines += [
                measure("answer save, session", save, args.requests),
                measure(
                    "answer save, exam pass",
                    lambda: save(HTTP_X_EXAM_PASS=exam_pass),
                    args.requests,
                ),
                measure("verify API", verify("/api/verify/"), args.requests),
                measure("verify page", verify("/verify/"), args.requests),
            ]
            return lines

        lines = [
            measure(
                "floor: /healthz",
                lambda: ok(wsgi_call(application, "GET", "/healthz")[0]),
                args.requests,
            )
        ]
        if args.only == "submit":
            for _ in range(len(world.examinees) - 1):  # every paper started, unmeasured
                next_start()
        else:
            lines += pages_and_saves()
        if args.only == "page":
            report(lines)
            return
        answered = answered_papers()
        papers = iter(answered)
        # Half through the session (a page without its pass), half with the exam page's pass
        # as the page sends it (the pass is made outside the timing: the page made it).
        submits = len(answered) // 2 - 5
        if args.profile:
            submits = submits * 3 // 5
        lines.append(measure("submit, session", submit, submits, warm=5))
        half = answered[len(answered) // 2 :]
        papers = iter([(pk, client, key, exam_pass_of(pk)) for pk, client, key in half])

        def submit_with_pass() -> None:
            pk, client, other_key, exam_pass = next(papers)
            body = json.dumps({"client": client}).encode()
            url = f"/api/attempts/{pk}/submit"
            meta = {"HTTP_X_EXAM_PASS": exam_pass}
            ok(wsgi_call(application, "POST", url, body, other_key, "application/json", **meta)[0])
            submitted.append(pk)

        lines.append(measure("submit, exam pass", submit_with_pass, submits, warm=5))
        # The submit queues its grade (issue 27): the task's work, measured here, runs in a
        # Celery worker. Nothing consumes this benchmark's queue: it is emptied at the end.
        graded = iter(submitted)
        grades = len(submitted) - 5
        if args.profile:  # the profile grades half as many again first
            grades = grades * 2 // 3
        lines.append(measure("grading (the queued task)", grade, grades, warm=5))
        report(lines)
    finally:
        from django.db import connections

        from certificates.services import lookup_log

        lookup_log.wait_until_written()  # the look-ups' log rows, before the database goes
        from config.celery import app

        app.control.purge()  # the grading tasks the submits queued: nobody ran them here
        connections.close_all()
        bench_load.drop_database()


if __name__ == "__main__":
    main()
