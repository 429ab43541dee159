"""Exam engine figures against PostgreSQL: starting an attempt and saving answers.

    .venv/bin/python bench/bench_exam.py [--people 200] [--clients 8] [--saves 300]

Creates a throwaway database (dropped at the end), a bank of 3,000 questions and a
100-question rule (70 判断 + 30 单选, mix 30/50/20), then reports, as median and spread:
- attempt start (draw + persist 100 items, fixing the deadline), one at a time;
- the same start when the paper was drawn ahead at publishing (a read, not a draw);
- answer saves from concurrent clients (separate processes, one connection each);
- the machine's floor in the same run: a `SELECT 1` round trip and a one-row UPDATE.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"bench_exam_{os.getpid()}"


def summary(label: str, samples: list[float], unit: str = "ms") -> str:
    scale = 1000 if unit == "ms" else 1
    values = sorted(s * scale for s in samples)
    p = lambda q: values[min(len(values) - 1, int(q * len(values)))]  # noqa: E731
    return (
        f"{label:<44} n={len(values):>5}  median {statistics.median(values):8.2f} {unit}"
        f"  p5 {p(0.05):8.2f}  p95 {p(0.95):8.2f}  p99 {p(0.99):8.2f}"
    )


def setup_django():
    os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB_NAME
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def create_database():
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database():
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def build(people: int):
    from decimal import Decimal

    from django.core.management import call_command
    from django.utils import timezone

    from question_banks.drawing import split_by_percent
    from question_banks.models import (
        Candidate,
        ExamSession,
        PaperRule,
        PaperSection,
        Question,
        QuestionBank,
        QuestionVersion,
    )
    from roster.models import Enterprise, Industry, Person, Region
    from tests.factories import make_id_number, make_uscc

    call_command("migrate", verbosity=0)
    bank = QuestionBank.objects.create(code="B", name="低压电工作业")
    for qtype, n in (("judge", 1800), ("single", 1200)):
        for i in range(n):
            keys = "AB" if qtype == "judge" else "ABCD"
            q = Question.objects.create(bank=bank, qtype=qtype, difficulty=1 + i % 3)
            v = QuestionVersion.objects.create(
                question=q,
                number=1,
                stem=f"题干 {qtype} {i}" * 3,
                options=[{"key": k, "text": f"选项 {k}", "correct": k == "A"} for k in keys],
                shuffle_options=qtype != "judge",
            )
            Question.objects.filter(pk=q.pk).update(current_version=v)
    rule = PaperRule.objects.create(code="R", name="理论", bank=bank, duration_minutes=120)
    for position, (qtype, total) in enumerate((("judge", 70), ("single", 30))):
        easy, medium, hard = split_by_percent(total, [30, 50, 20])
        PaperSection.objects.create(
            rule=rule,
            position=position,
            qtype=qtype,
            points_each=Decimal(1),
            easy_count=easy,
            medium_count=medium,
            hard_count=hard,
        )
    province = Region.objects.create(code="990000", name="示范省", level=1)
    enterprise = Enterprise.objects.create(
        uscc=make_uscc(1), name="示范企业", region=province, industry=Industry.objects.first()
    )
    now = timezone.now()
    sessions = []
    for code in ("LIVE", "PREDRAWN"):
        session = ExamSession.objects.create(
            code=code,
            name=code,
            rule=rule,
            is_published=True,
            opens_at=now - dt.timedelta(hours=1),
            closes_at=now + dt.timedelta(hours=5),
        )
        sessions.append(session)
    for i in range(people):
        person = Person.objects.create(
            id_number=make_id_number(seq=i),
            name=f"考生{i}",
            sex="M",
            birth_date=dt.date(1985, 6, 15),
        )
        person.employments.create(enterprise=enterprise, category="special_operator")
        for session in sessions:
            Candidate.objects.create(session=session, person=person)
    return rule, sessions


def bench_floor(rounds: int = 300):
    from django.db import connection

    from question_banks.models import QuestionBank

    select, update = [], []
    with connection.cursor() as cursor:
        for _ in range(rounds):
            t = time.perf_counter()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            select.append(time.perf_counter() - t)
    pk = QuestionBank.objects.first().pk
    for _ in range(rounds):
        t = time.perf_counter()
        QuestionBank.objects.filter(pk=pk).update(description="x")
        update.append(time.perf_counter() - t)
    return select, update


def bench_starts(session, people, label):
    from question_banks.services.attempts import attempt_start

    samples = []
    for person in people:
        t = time.perf_counter()
        attempt_start(session=session, person=person, client_id="bench")
        samples.append(time.perf_counter() - t)
    return samples


def save_worker(args):
    attempt_ids, saves, queue = args
    from django.db import connection

    connection.close()  # a fresh connection per process after fork
    from question_banks.models import Attempt
    from question_banks.services.attempts import answers_save

    attempts = list(Attempt.objects.filter(pk__in=attempt_ids).prefetch_related("items"))
    samples = []
    for n in range(saves):
        attempt = attempts[n % len(attempts)]
        item = attempt.items.all()[n % 100]
        seq = n + 1
        answer = ["A"] if n % 2 else ["B"]
        t = time.perf_counter()
        answers_save(
            attempt=attempt,
            person_id=attempt.person_id,
            client_id="bench",
            answers=[{"position": item.position, "answer": answer, "seq": seq}],
        )
        samples.append(time.perf_counter() - t)
    queue.put(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--saves", type=int, default=300, help="saves per client")
    args = parser.parse_args()
    create_database()
    try:
        setup_django()
        from question_banks.models import Attempt
        from question_banks.services.attempts import session_predraw
        from roster.models import Person

        _rule, (live, predrawn) = build(args.people)
        people = list(Person.objects.order_by("pk"))
        select, update = bench_floor()
        t = time.perf_counter()
        drawn = session_predraw(session=predrawn)
        predraw_seconds = time.perf_counter() - t
        starts_live = bench_starts(live, people, "live")
        starts_pre = bench_starts(predrawn, people, "predrawn")

        from django.db import connection

        connection.close()
        ids = list(Attempt.objects.filter(session=live).values_list("pk", flat=True))
        connection.close()
        chunks = [ids[i :: args.clients] for i in range(args.clients)]
        ctx = mp.get_context("fork")
        queue = ctx.Queue()
        procs = [
            ctx.Process(target=save_worker, args=((chunk, args.saves, queue),)) for chunk in chunks
        ]
        t = time.perf_counter()
        for p in procs:
            p.start()
        saves = []
        for _ in procs:
            saves.extend(queue.get())
        for p in procs:
            p.join()
        wall = time.perf_counter() - t

        print(
            f"PostgreSQL, {os.cpu_count()} cores; bank 3,000 questions; "
            f"paper 100 questions; {args.people} people"
        )
        print(summary("floor: SELECT 1 round trip", select))
        print(summary("floor: one-row UPDATE (autocommit)", update))
        print(summary("attempt start, drawn at start", starts_live))
        print(summary("attempt start, drawn ahead (predraw)", starts_pre))
        print(
            f"{'predraw of the whole session':<44} {drawn} papers in {predraw_seconds:.2f} s "
            f"({drawn / predraw_seconds:.1f} papers/s)"
        )
        print(summary(f"answer save, {args.clients} concurrent clients", saves))
        print(f"{'answer save throughput':<44} {len(saves) / wall:8.1f} saves/s over {wall:.2f} s")
    finally:
        from django.db import connections

        connections.close_all()
        drop_database()


if __name__ == "__main__":
    main()
