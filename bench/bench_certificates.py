"""Certificate figures: PDFs per second (one process, then N worker processes) and verify
requests per second.

    .venv/bin/python bench/bench_certificates.py [--people 120] [--workers 2] [--repeat 5]
        [--postgres] [--celery] [--keep DIR]

Builds a throwaway database (SQLite in a temporary folder, or with ``--postgres`` a
PostgreSQL database on BENCH_PG_ADMIN, dropped at the end), issues one certificate to each of
``--people`` holders (every other one with a 413 x 579 px photo, the 1-inch ID photo size),
then reports, as median and spread over ``--repeat`` runs:
- the machine's floor in the same run: a trivial call, SHA-256 of 1 KB, a ``SELECT 1``;
- certificate PDFs (load the row as a download does + render), A4 and card, one process;
- the same with N worker processes rendering in parallel (a fork pool, as Celery's prefork
  workers would), each with its own database connection, loading the certificates a hundred
  at a time as a batch job does (certificates.selectors.certificates_for_pdf: two queries per
  hundred); beside each figure the CPU milliseconds the workers used per PDF (the figure a
  busy machine changes least) and how the cores were shared meanwhile, read from /proc: by
  the workers, by their PostgreSQL backends, by every other process, and stolen by the
  hypervisor. Why 2 workers once gave no more than 1 (76/s against 70/s): the workers share
  nothing (CPU per PDF is the same with 1 and 2), but this machine's 2 cores are shared with
  other work; when those other processes keep one core busy, the second worker only gets
  what is left. The load average at the start and after the PDFs is printed with them;
- the same page without its QR code (the QR neither encoded nor drawn), one process and N
  workers, rendered in turn with the page with the QR by the same processes, run after run
  (which goes first alternates): the QR's ratio is printed for each pair of runs, as PDFs/s
  and as CPU per PDF, so a machine whose speed drifts between runs weighs on both pages;
- a batch zip job (``pdf_batch_run``) of every certificate;
- with ``--celery`` (and ``--postgres``): the same batches rendered by a real Celery worker
  (``celery -A config worker -c N`` on Redis at BENCH_REDIS, default database 13);
- verify requests through Django's test Client on ``/api/verify/<token>`` when that URL
  resolves, otherwise ``verify_token`` + the database look-up by status index (said so).
Never asserts times. ``--keep DIR`` also writes one A4 and one card PDF there to look at.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import io
import itertools
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("BENCH_PG_ADMIN", "postgres://postgres@127.0.0.1:5432/postgres")
DB_NAME = f"bench_certificates_{os.getpid()}"
WORKDIR = Path(tempfile.mkdtemp(prefix="bench_certificates_"))


def rates(fn, n: int, repeat: int) -> list[float]:
    """Operations per second of ``repeat`` runs of ``n`` calls (after one warm-up call)."""
    fn()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        out.append(n / (time.perf_counter() - start))
    return out


def show(label: str, samples: list[float], unit: str = "/s") -> None:
    med, lo, hi = statistics.median(samples), min(samples), max(samples)
    spread = (hi - lo) / med * 100 if med else 0
    print(f"  {label:<56} {med:>10,.1f}{unit}   (min {lo:,.1f}, max {hi:,.1f}; ±{spread / 2:.0f}%)")


def setup_django(postgres: bool) -> None:
    if postgres:
        os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB_NAME
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
    os.environ["DJANGO_MEDIA_ROOT"] = str(WORKDIR / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()  # the test Client's host "testserver" is allowed


def create_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def drop_database() -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def build(people: int) -> list[int]:
    """Migrate, make holders and issue each one certificate; returns the certificate ids."""
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from PIL import Image

    from certificates.models import CertificateType
    from certificates.services.issuing import certificate_issue
    from roster.models import Enterprise, Industry, Person, Region
    from tests.factories import make_id_number, make_uscc

    call_command("migrate", verbosity=0)
    province = Region.objects.create(code="990000", name="示范省", level=1)
    enterprise = Enterprise.objects.create(
        uscc=make_uscc(1), name="示范企业", region=province, industry=Industry.objects.first()
    )
    ctype = CertificateType.objects.get(code="TZ-DG")
    buf = io.BytesIO()
    Image.new("RGB", (413, 579), (70, 110, 170)).save(buf, format="JPEG", quality=85)
    photo = buf.getvalue()
    ids = []
    for i in range(people):
        birth = dt.date(1970 + i % 30, 1 + i // 30 % 12, 1 + i // 360 % 28)
        person = Person(id_number=make_id_number(birth=birth, seq=i), name=f"欧阳{i}")
        person.clean()  # checks the ID number and takes sex and birth date from it
        person.save()
        if i % 2 == 0:
            person.photo.save(f"{i}.jpg", ContentFile(photo))
        person.employments.create(enterprise=enterprise)
        ids.append(certificate_issue(person=person, ctype=ctype, actor=None).pk)
    return ids


def render_one(pk: int, variant: str) -> int:
    """What a download does: load the certificate with its type, holder and items, render it."""
    from certificates.pdf import certificate_pdf
    from certificates.selectors import certificates_for_pdf

    certificate = certificates_for_pdf().get(pk=pk)
    return len(certificate_pdf(certificate, variant))


BATCH_LOAD = 100  # certificates loaded per query pair in a batch, as pdf_batch_run loads them


def render_batch(ids: list[int], variant: str) -> int:
    """What a batch does (pdf_batch_run): load the certificates in bulk, render each."""
    from certificates.pdf import certificate_pdf
    from certificates.selectors import certificates_for_pdf

    size = 0
    for i in range(0, len(ids), BATCH_LOAD):
        loaded = certificates_for_pdf().in_bulk(ids[i : i + BATCH_LOAD])
        size += sum(len(certificate_pdf(loaded[pk], variant)) for pk in ids[i : i + BATCH_LOAD])
    return size


def _worker_init() -> None:
    # Forked from a process with a warm font and no open connection (closed before the
    # fork): each worker opens its own connection, as a Celery prefork child does.
    from django.db import connections

    connections.close_all()


def _proc_cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) of process ``pid`` from /proc, 0 when it is not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _db_backend_pid() -> int | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None  # SQLite runs inside the worker: its CPU is the worker's
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _render_chunk(args: tuple[list[int], str, bool]) -> tuple[int, float, float]:
    """Bytes rendered, the CPU seconds this worker process spent on them, and those its
    PostgreSQL backend spent answering it (0 on SQLite). ``with_qr`` False: the page
    without its QR."""
    ids, variant, with_qr = args
    backend = _db_backend_pid()
    db_cpu = _proc_cpu_seconds(backend) if backend else 0.0
    cpu = time.process_time()
    with contextlib.nullcontext() if with_qr else _WithoutQR():
        size = render_batch(ids, variant)
    cpu = time.process_time() - cpu
    if backend:
        db_cpu = _proc_cpu_seconds(backend) - db_cpu
    return size, cpu, db_cpu


def _machine_cpu() -> tuple[float, float]:
    """(busy, stolen) CPU seconds of the whole machine so far, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    tick = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / tick, steal / tick


class _WithoutQR:
    """The same page without its QR: certificates.pdf neither encodes nor draws it inside
    the block."""

    def __enter__(self):
        from certificates import pdf

        self.saved = pdf.make_qr, pdf.draw_qr
        pdf.make_qr = lambda *args, **kwargs: None
        pdf.draw_qr = lambda *args, **kwargs: None

    def __exit__(self, *exc):
        from certificates import pdf

        pdf.make_qr, pdf.draw_qr = self.saved


def celery_rates(ids: list[int], workers: int, repeat: int, user) -> list[float]:
    """Real Celery: a worker started with --concurrency N consumes render_pdf_batch_task from
    Redis; the ids are split into N batches, so N PDFs render at once, as in production."""
    import subprocess

    from certificates.models import PdfBatch
    from certificates.tasks import render_pdf_batch_task
    from config.celery import app

    app.conf.task_always_eager = False  # the test settings run tasks inline; not here
    env = dict(os.environ, REDIS_URL=os.environ["CELERY_BROKER_URL"])
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-c", str(workers)]
    command += ["--pool", "prefork", "-Q", "bench", "-l", "warning"]
    command += ["--without-heartbeat", "--without-gossip", "--without-mingle"]
    log = open(WORKDIR / "celery.log", "wb")  # noqa: SIM115 - closed in the finally
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    out = []
    try:
        app.control.ping(timeout=10)  # the worker answers once it is up
        for run_number in range(repeat + 1):  # the first run warms the workers up
            chunks = [ids[i::workers] for i in range(workers)]
            batches = [
                PdfBatch.objects.create(
                    requested_by=user, title="bench", certificate_ids=chunk, total=len(chunk)
                )
                for chunk in chunks
            ]
            start = time.perf_counter()
            for batch in batches:
                render_pdf_batch_task.apply_async((batch.pk,), queue="bench")
            pks = [b.pk for b in batches]
            done = PdfBatch.objects.filter(pk__in=pks, status=PdfBatch.Status.DONE)
            while done.count() < len(pks):
                if PdfBatch.objects.filter(pk__in=pks, status=PdfBatch.Status.FAILED).exists():
                    raise RuntimeError("a batch failed in the worker")
                if time.perf_counter() - start > 300:
                    tail = (WORKDIR / "celery.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"the Celery worker did not finish in 5 minutes:\n{tail}")
                time.sleep(0.05)
            if run_number:
                out.append(len(ids) / (time.perf_counter() - start))
    finally:
        worker.terminate()
        worker.wait(30)
        log.close()
        app.conf.task_always_eager = True
    return out


@dataclass
class ParallelRun:
    """One run of the fork pool: PDFs/s, and where the cores' time went meanwhile."""

    rate: float
    cpu_ms_per_pdf: float  # the workers' own CPU
    workers_busy: float  # cores: the workers' CPU seconds over the wall time
    db_busy: float  # cores: their PostgreSQL backends'
    others_busy: float  # cores: every other process on the machine
    stolen: float  # cores the hypervisor gave to other machines


def _pair_order(run_number: int) -> tuple[bool, bool]:
    """With the QR first in even runs, without it first in odd ones: a machine that grows
    busier or quieter during the benchmark then weighs on both alike."""
    return (True, False) if run_number % 2 == 0 else (False, True)


def parallel_rates(
    ids: list[int], variant: str, workers: int, repeat: int
) -> dict[bool, list[ParallelRun]]:
    """Each run's PDFs/s with the QR (key True) and without it (False), with the workers'
    CPU milliseconds per PDF and how the machine's cores were shared: the workers, their
    database backends, everything else, steal. The two pages are rendered in turn by the
    same pool, run after run, so each pair of runs shares the machine's state of the moment
    (on this host the same code's CPU per PDF has moved by half between runs minutes apart)."""
    from django.db import connections

    connections.close_all()
    ctx = mp.get_context("fork")
    out: dict[bool, list[ParallelRun]] = {True: [], False: []}
    with ctx.Pool(workers, initializer=_worker_init) as pool:
        # A whole discarded pass of each page first, so the runs measure warm workers as a
        # batch's are after its first certificates (the glyphs, font tables and QR tables
        # each process builds on first use).
        for with_qr in (True, False):
            pool.map(_render_chunk, [(ids[i::workers], variant, with_qr) for i in range(workers)])
        for run_number in range(repeat):
            for with_qr in _pair_order(run_number):
                chunks = [(ids[i::workers], variant, with_qr) for i in range(workers)]
                out[with_qr].append(_timed_map(pool, chunks, len(ids)))
    return out


def _timed_map(pool, chunks, count: int) -> ParallelRun:
    busy_before, steal_before = _machine_cpu()
    start = time.perf_counter()
    results = pool.map(_render_chunk, chunks)
    wall = time.perf_counter() - start
    busy_after, steal_after = _machine_cpu()
    cpu = sum(r[1] for r in results)
    db_cpu = sum(r[2] for r in results)
    others = max(0.0, (busy_after - busy_before) - cpu - db_cpu)
    return ParallelRun(
        rate=count / wall,
        cpu_ms_per_pdf=cpu / count * 1000,
        workers_busy=cpu / wall,
        db_busy=db_cpu / wall,
        others_busy=others / wall,
        stolen=(steal_after - steal_before) / wall,
    )


def single_rates(ids: list[int], variant: str, n: int, repeat: int) -> dict[bool, list[float]]:
    """One process, a download at a time (load + render): PDFs/s with the QR (True) and
    without (False), the two in turn run after run as in :func:`parallel_rates`."""
    cursor = itertools.cycle(ids)
    out: dict[bool, list[float]] = {True: [], False: []}
    for run_number in range(-1, repeat):  # run -1 warms both up
        for with_qr in _pair_order(run_number):
            with contextlib.nullcontext() if with_qr else _WithoutQR():
                start = time.perf_counter()
                for _ in range(n):
                    render_one(next(cursor), variant)
                rate = n / (time.perf_counter() - start)
            if run_number >= 0:
                out[with_qr].append(rate)
    return out


def ratios(with_qr: list[float], without: list[float]) -> list[float]:
    """Each pair's figure with the QR over the same pair's without it, in per cent."""
    return [a / b * 100 for a, b in zip(with_qr, without, strict=True)]


def show_parallel(label: str, runs: list[ParallelRun]) -> None:
    show(label, [r.rate for r in runs])

    def median(attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in runs)

    print(
        f"  {'':<56} CPU {median('cpu_ms_per_pdf'):.2f} ms per PDF; cores busy: "
        f"workers {median('workers_busy'):.2f}, their database {median('db_busy'):.2f}, "
        f"other processes {median('others_busy'):.2f}, stolen {median('stolen'):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (BENCH_PG_ADMIN)")
    parser.add_argument("--keep", metavar="DIR", help="write a sample A4 and card PDF here")
    parser.add_argument(
        "--celery",
        action="store_true",
        help="also run a real Celery worker on Redis (BENCH_REDIS); needs --postgres",
    )
    args = parser.parse_args()

    if args.celery and not args.postgres:
        parser.error("--celery needs --postgres: the worker is another process")
    if args.postgres:
        create_database()
    if args.celery:
        # Before Django (and Celery) read their settings: the broker the worker listens on.
        os.environ["CELERY_BROKER_URL"] = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
    setup_django(args.postgres)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if args.postgres:
            drop_database()


def run(args) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import Resolver404, resolve

    from certificates.models import Certificate, PdfBatch
    from certificates.services.batches import pdf_batch_run
    from certificates.services.keys import key_ring
    from certificates.trust.tokens import verify_token
    from roster.models import User

    r = args.repeat
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print(f"database: {connection.vendor}; repeat={r}; figures are median (spread over runs)")
    print(f"load average (1, 5, 15 min) at the start: {os.getloadavg()}\n")
    start = time.perf_counter()
    ids = build(args.people)
    print(f"migrated and issued {len(ids)} certificates in {time.perf_counter() - start:.1f} s\n")

    print("Machine floor")
    kilobyte = bytes(range(256)) * 4

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    show("trivial Python function call", rates(lambda: None, 200_000, r))
    show("SHA-256 of 1 KB", rates(lambda: hashlib.sha256(kilobyte).digest(), 100_000, r))
    show("SELECT 1 round trip", rates(select_one, 2_000, r))

    sizes = {v: statistics.median(render_one(pk, v) for pk in ids[:10]) for v in ("a4", "card")}
    print(
        f"\nCertificate PDFs (median size: A4 {sizes['a4'] / 1024:.0f} KB, "
        f"card {sizes['card'] / 1024:.0f} KB; half the holders have a photo)"
    )
    n = min(len(ids), 40)
    single: dict[str, dict[bool, list[float]]] = {}
    for variant in ("a4", "card"):
        single[variant] = single_rates(ids, variant, n, r)
        show(f"{variant}: one process (load + render)", single[variant][True])
        show(f"{variant}: one process (load + render), no QR", single[variant][False])
    # The workers render as a batch does: certificates loaded a hundred at a time.
    parallel: dict[tuple[str, int], dict[bool, list[ParallelRun]]] = {}
    for variant in ("a4", "card"):
        for workers in sorted({1, args.workers}):
            runs = parallel[variant, workers] = parallel_rates(ids, variant, workers, r)
            for with_qr in (True, False):
                show_parallel(
                    f"{variant}: {workers} worker process(es), all {len(ids)} certificates"
                    + ("" if with_qr else ", no QR"),
                    runs[with_qr],
                )
    print(
        "\nThe QR's cost: PDFs/s with it over PDFs/s without it, each run's pair rendered in\n"
        "turn by the same process(es) (target >= 80 %), and the CPU per PDF without it over\n"
        "with it"
    )
    for variant in ("a4", "card"):
        show(f"{variant}: one process", ratios(single[variant][True], single[variant][False]), " %")
        for workers in sorted({1, args.workers}):
            runs = parallel[variant, workers]
            rate = [[run.rate for run in runs[qr]] for qr in (True, False)]
            show(f"{variant}: {workers} worker(s), PDFs/s", ratios(*rate), " %")
            cpu = [[run.cpu_ms_per_pdf for run in runs[qr]] for qr in (False, True)]
            show(f"{variant}: {workers} worker(s), CPU per PDF", ratios(*cpu), " %")
    if args.workers > 1:
        print(f"\nFrom 1 to {args.workers} workers (PDFs/s with {args.workers} over PDFs/s with 1)")
        for variant in ("a4", "card"):
            gain = statistics.median(
                run.rate for run in parallel[variant, args.workers][True]
            ) / statistics.median(run.rate for run in parallel[variant, 1][True])
            print(f"  {variant}: x{gain:.2f}")
        print(
            "  Each worker renders on its own (no lock, no shared state: CPU per PDF is the same\n"
            "  with 1 and 2 workers). Where 2 workers give little more than 1, the 'cores busy'\n"
            "  lines above say why: the workers, their PostgreSQL backends, the machine's other\n"
            "  processes and the hypervisor's steal together use the 2 cores, so the second\n"
            "  worker only takes a share of a core that other work already held."
        )
    print(f"load average (1, 5, 15 min) after the PDFs: {os.getloadavg()}")

    print("\nBatch zip job (pdf_batch_run: render, zip, progress writes, save the file)")
    user = User.objects.create(username="bench")
    samples = []
    for _ in range(max(1, r // 2)):
        batch = PdfBatch.objects.create(
            requested_by=user, title="bench", certificate_ids=ids, total=len(ids)
        )
        start = time.perf_counter()
        pdf_batch_run(batch.pk)
        samples.append(len(ids) / (time.perf_counter() - start))
        batch.refresh_from_db()
        assert batch.status == PdfBatch.Status.DONE, batch.error  # a broken run is no figure
    show(f"A4 batch of {len(ids)}, one process", samples)
    print(f"  zip size: {batch.file.size / 1024:.0f} KB")
    if args.celery:
        print("\nCelery workers (a real worker process on Redis, prefork pool)")
        for workers in sorted({1, args.workers}):
            show(
                f"A4 batches, worker --concurrency {workers}",
                celery_rates(ids, workers, max(1, r // 2), user),
            )

    tokens = list(Certificate.objects.filter(pk__in=ids).values_list("token", flat=True))
    try:
        resolve(f"/api/verify/{tokens[0]}")
        has_api = True
    except Resolver404:
        has_api = False
    cursor = itertools.cycle(tokens)
    if has_api:
        print("\nVerify requests through Django's test Client (GET /api/verify/<token>)")
        client = Client()
        response = client.get(f"/api/verify/{tokens[0]}")
        print(f"  first response: HTTP {response.status_code}, {len(response.content)} bytes")
        assert response.status_code == 200, response.content  # an error page is no figure
        # Each request from another /24 network, as inspectors' phones are: the rate limit
        # (per network) is exercised but not hit.
        networks = iter(range(1, 10**6))
        statuses: dict[int, int] = {}

        def request():
            i = next(networks)
            address = f"10.{i // 256 % 256}.{i % 256}.7"
            code = client.get(f"/api/verify/{next(cursor)}", REMOTE_ADDR=address).status_code
            statuses[code] = statuses.get(code, 0) + 1

        show("verify requests (each logs a Verification row)", rates(request, 200, r))
        print(f"  responses by HTTP status: {statuses}")
    else:
        print("\n/api/verify/<token> does not resolve yet: measuring verify_token + the look-up")
    ring = key_ring()

    def verify_and_lookup():
        result = verify_token(next(cursor), ring)
        Certificate.objects.only("status").get(status_index=result.claims.status_index)

    show("verify_token + look-up by status index (no HTTP)", rates(verify_and_lookup, 200, r))

    if args.keep:
        from certificates.pdf import certificate_pdf

        keep = Path(args.keep)
        keep.mkdir(parents=True, exist_ok=True)
        from certificates.selectors import certificates_for_pdf

        sample = certificates_for_pdf().get(pk=ids[0])
        for variant in ("a4", "card"):
            (keep / f"sample-{variant}.pdf").write_bytes(certificate_pdf(sample, variant))
        print(f"\nsample PDFs written to {keep}")


if __name__ == "__main__":
    main()
