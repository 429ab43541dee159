"""The maintained figures (reports/maintained.py) equal the live query (reports/figures.py)
for every grouping: on the demo county, and on a generated county after random changes and
a clock moved past expiries; refreshing twice counts nothing twice."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus, CertificateType, PostRequirement
from courses.models import CreditEntry, TrainingKind, ViolationRetraining
from reports import figures, rollups, selectors
from reports.maintained import (
    employment_figures_drain,
    employment_figures_move_on,
    employment_figures_rebuild,
    figures_changed,
)
from reports.management.commands.certification_report import SystemPrincipal
from reports.models import (
    MAINTAINED_FLAGS,
    EmploymentFigures,
    EnterpriseCategoryFigures,
    EnterpriseFigures,
    FiguresQueue,
    MaintainedFiguresState,
)
from reports.selectors import GROUPINGS, report_params
from roster.models import Employment, Enterprise, Industry, Region
from tests.factories import EmploymentFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db
# Hired this year or before is always answered live (reports/rollups.py LIVE_GROUPINGS).
GROUPS = (None, *(by for by in GROUPINGS if by not in rollups.LIVE_GROUPINGS))


CATEGORIES = ["general", "special_operator", "safety_manager", "principal", "team_leader"]


def _rows() -> list[tuple]:
    fields = ["employment_id", "person_id", "enterprise_id", "category", "employment_form"]
    by_category = EnterpriseCategoryFigures.objects.order_by("enterprise_id", "category")
    return (
        list(EmploymentFigures.objects.order_by("pk").values_list(*fields, *MAINTAINED_FLAGS))
        + list(
            EnterpriseFigures.objects.order_by("pk").values_list("pk", "people", *MAINTAINED_FLAGS)
        )
        + list(by_category.values_list("enterprise_id", "category", "people", *MAINTAINED_FLAGS))
    )


def _summed_by_category() -> dict[tuple[int, str], tuple]:
    """EmploymentFigures summed by enterprise and category, in Python."""
    sums: dict[tuple[int, str], list[int]] = {}
    for enterprise, category, *flags in EmploymentFigures.objects.values_list(
        "enterprise_id", "category", *MAINTAINED_FLAGS
    ):
        row = sums.setdefault((enterprise, category), [0] * (1 + len(flags)))
        row[0] += 1
        for i, value in enumerate(flags, start=1):
            row[i] += value
    return {key: tuple(row) for key, row in sums.items()}


def _assert_category_sums() -> None:
    """The per-enterprise-and-category rows are the sums of the employment rows, no more
    (no row for a category an enterprise has nobody in) and no less."""
    stored = {
        (e, c): tuple(rest)
        for e, c, *rest in EnterpriseCategoryFigures.objects.values_list(
            "enterprise_id", "category", "people", *MAINTAINED_FLAGS
        )
    }
    assert stored == _summed_by_category()


def _compare(user, params) -> int:
    """Maintained == live for every grouping of these parameters; returns the people."""
    enterprises = selectors.scoped_enterprises(user=user, params=params)
    for by in GROUPS:
        live = selectors._grouped_live(user=user, params=params, by=by)
        kept = rollups.grouped(
            enterprises=enterprises, category=params.category, by=by, parent=params.region
        )
        assert kept == live, (params.describe(), by)
    total = selectors._grouped_live(user=user, params=params, by=None)
    return total.get("", figures.empty_counts())["people"]


def _compare_everywhere(user, *, categories=CATEGORIES) -> dict:
    """Every region (its parts; the table by category of each), every industry filter,
    every category filter, and one with the deepest region that has enterprises (the system
    scope: every region is in it)."""
    _assert_category_sums()
    for region in Region.objects.order_by("path"):
        _compare(user, report_params(user=user, region=region.code))
    deepest = Region.objects.filter(enterprises__isnull=False).order_by("-level", "path").first()
    _compare(user, report_params(user=user, region=deepest.code, category="special_operator"))
    for industry in Industry.objects.filter(
        pk__in=Enterprise.objects.values("industry_id")
    ).order_by("code"):
        _compare(user, report_params(user=user, industry=industry.code))
    for category in categories:
        _compare(user, report_params(user=user, category=category))
    totals = selectors._grouped_live(user=user, params=report_params(user=user), by=None)[""]
    _compare(user, report_params(user=user))
    return totals


def test_the_stored_columns_are_the_live_flags():
    assert MAINTAINED_FLAGS == figures.FLAGS


def test_on_the_demo_county_the_maintained_rollups_equal_the_live_query(demo_county):
    employment_figures_rebuild()
    assert rollups.maintained_fresh()
    totals = _compare_everywhere(SystemPrincipal())
    # Something in every figure, or equality would prove little.
    for code in ("required", "holding", "must_train", "trained", "hours_ok", "exams_sat"):
        assert totals[code] > 0, code
    assert totals["violations_open"] > 0 and totals["expiring_90"] > 0


def test_todays_tables_read_the_maintained_sums_when_fresh(world, monkeypatch):
    user = world.regulator_county
    params = report_params(user=user)
    before = selectors.table(user=user, params=params, by="region")
    employment_figures_rebuild()
    cache.clear()  # the rebuild's version bump waits for a commit the test never makes

    def no_live_query(*args, **kwargs):
        raise AssertionError("the live query ran")

    monkeypatch.setattr(figures, "grouped", no_live_query)
    for by in GROUPS[1:]:
        assert selectors.table(user=user, params=params, by=by).rows
    assert selectors.table(user=user, params=params, by="region").total == before.total
    # A queued change not yet drained: back to the live query (exact outside production).
    FiguresQueue.objects.create(person_id=world.person_a.pk)
    with pytest.raises(AssertionError, match="live query"):
        selectors.totals(user=user, params=report_params(user=user))


def test_by_category_the_rollups_read_the_category_sums_not_the_employment_rows(world):
    user = world.regulator_county
    EmploymentFactory(enterprise=world.ent_a, category="special_operator")
    employment_figures_rebuild()
    assert EnterpriseCategoryFigures.objects.exists()
    employment_rows = EmploymentFigures._meta.db_table
    for by, category in (("category", ""), ("region", "special_operator"), (None, "general")):
        params = report_params(user=user, category=category)
        with CaptureQueriesContext(connection) as queries:
            kept = rollups.grouped(
                scope=selectors.scope_q(user=user, params=params),
                category=category,
                by=by,
                parent=params.region,
            )
        assert kept == selectors._grouped_live(user=user, params=params, by=by), by
        assert not any(employment_rows in q["sql"] for q in queries.captured_queries), by
        assert any(
            EnterpriseCategoryFigures._meta.db_table in q["sql"] for q in queries.captured_queries
        ), by


def test_a_draining_before_the_first_build_only_empties_the_queue(world):
    FiguresQueue.objects.create(person_id=world.person_a.pk)
    assert employment_figures_drain() == 0
    assert not FiguresQueue.objects.exists() and not EmploymentFigures.objects.exists()


# --------------------------------------------------------------------------- a generated county

POST = "焊工"


def _certificate(person, ctype, *, start, until, review=None, n=[0]):  # noqa: B006
    n[0] += 1
    return Certificate.objects.create(
        number=f"G{person.pk}-{n[0]}",
        certificate_type=ctype,
        person=person,
        status=CertificateStatus.VALID,
        first_issued_on=start,
        valid_from=start,
        valid_until=until,
        next_review_on=review,
        issuer_code="X",
        issuer_name="X",
        source=Certificate.Source.IMPORT,
        status_index=person.pk * 1000 + n[0],
    )


def _credit(person, on, minutes, kind=TrainingKind.RETRAINING):
    return CreditEntry.objects.create(
        person=person,
        on=on,
        source=CreditEntry.Source.CLASSROOM,
        training_kind=kind,
        minutes=minutes,
    )


def _violation(person, enterprise, start, back=None):
    return ViolationRetraining.objects.create(
        person=person, enterprise=enterprise, violation="违章作业", off_job_from=start,
        returned_on=back,
    )  # fmt: skip


@pytest.fixture
def county(world):
    """About 60 people over eight enterprises of the world's county: welders who need a
    certificate (some held, expiring, overdue for review), hours, open 三违, future hires."""
    rng = random.Random(27)
    today = timezone.localdate()
    ctype = CertificateType.objects.order_by("pk").first()
    PostRequirement.objects.create(certificate_type=ctype, post=POST)
    chem = Industry.objects.get(code="03")
    extra = [
        EnterpriseFactory(region=[world.township_a, world.township_b][i % 2], industry=chem)
        for i in range(4)
    ]
    enterprises = [world.ent_a, world.ent_a_chem, world.ent_b, world.ent_other, *extra]
    categories = ["general", "special_operator", "safety_manager", "principal", "team_leader"]
    for i in range(60):
        category = rng.choice(categories)
        hired = today - dt.timedelta(days=rng.choice([3, 40, 400, 2000]))
        if i % 17 == 0:
            hired = today + dt.timedelta(days=2)  # takes the post in two days
        job = EmploymentFactory(
            enterprise=rng.choice(enterprises),
            category=category,
            post=POST if category == "special_operator" or rng.random() < 0.2 else "操作工",
            hire_date=hired,
        )
        person = job.person
        if rng.random() < 0.6:
            until = today + dt.timedelta(days=rng.choice([-3, 1, 5, 25, 31, 85, 95, 700]))
            review = rng.choice([None, today - dt.timedelta(days=2), today + dt.timedelta(days=4)])
            _certificate(person, ctype, start=today - dt.timedelta(days=300), until=until,
                         review=review)  # fmt: skip
        if rng.random() < 0.7:
            _credit(person, today - dt.timedelta(days=rng.randrange(0, 20)), rng.choice([60, 600]))
        if rng.random() < 0.1:
            _credit(person, today + dt.timedelta(days=3), 3000)  # a session booked ahead
        if rng.random() < 0.1:
            back = rng.choice([None, today + dt.timedelta(days=4)])
            _violation(person, job.enterprise, today - dt.timedelta(days=5), back)
    return world, enterprises, ctype, rng


def _random_changes(enterprises, ctype, rng, today) -> None:
    jobs = list(Employment.objects.filter(ended_on__isnull=True).select_related("person"))
    rng.shuffle(jobs)
    for job in jobs[:40]:
        person = job.person
        change = rng.randrange(8)
        if change == 0:
            _certificate(person, ctype, start=today - dt.timedelta(days=10),
                         until=today + dt.timedelta(days=rng.choice([6, 60, 900])))  # fmt: skip
        elif change == 1:
            card = person.certificates.first()
            if card:
                card.valid_until = today - dt.timedelta(days=1)  # expired
                card.save()
        elif change == 2:
            card = person.certificates.first()
            if card:
                card.status = CertificateStatus.REVOKED
                card.save()
        elif change == 3:
            _credit(person, today, rng.choice([30, 2400]))
        elif change == 4:
            _violation(person, job.enterprise, today - dt.timedelta(days=1))
        elif change == 5:
            open_ = person.violations.filter(returned_on__isnull=True).first()
            if open_:
                open_.returned_on = today
                open_.save()
        elif change == 7 and rng.random() < 0.5:
            job.category = rng.choice([c for c in CATEGORIES if c != job.category])
            job.save()  # another personnel category in the same enterprise
        elif change == 6:
            job.enterprise = rng.choice([e for e in enterprises if e.pk != job.enterprise_id])
            job.save()  # moved to another enterprise
        else:
            job.ended_on = today  # left today: not counted any more
            job.save()


def _today_is(monkeypatch, day: dt.date) -> None:
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def test_after_random_changes_and_past_an_expiry_the_figures_still_equal(
    county, monkeypatch, django_capture_on_commit_callbacks
):
    world, enterprises, ctype, rng = county
    today = timezone.localdate()
    employment_figures_rebuild()
    user = SystemPrincipal()
    _compare_everywhere(user)

    # Changes through the services' signals: queued on commit, drained (eagerly in tests).
    with django_capture_on_commit_callbacks(execute=True):
        _random_changes(enterprises, ctype, rng, today)
    with django_capture_on_commit_callbacks(execute=True):
        world.ent_b.industry = Industry.objects.get(code="03")  # an enterprise's industry
        world.ent_b.save()
    assert not FiguresQueue.objects.exists()
    assert rollups.maintained_fresh()
    _compare_everywhere(user)
    regulator = world.regulator_county
    _compare(regulator, report_params(user=regulator))
    _compare(regulator, report_params(user=regulator, category="special_operator"))

    # A rule changes: everything is recomputed.
    with django_capture_on_commit_callbacks(execute=True):
        PostRequirement.objects.create(certificate_type=ctype, post="操作工")
    assert rollups.maintained_fresh()
    _compare_everywhere(user)

    # Ten days on: certificates expired, reviews fell due, a hire took the post, a 三违
    # ended, a booked session was held. Not moved on yet: the live query answers.
    later = today + dt.timedelta(days=10)
    _today_is(monkeypatch, later)
    assert not rollups.maintained_fresh()
    employment_figures_move_on()
    assert rollups.maintained_fresh()
    _compare_everywhere(user)
    moved = _rows()
    employment_figures_rebuild()
    assert _rows() == moved  # the daily move-on left nothing behind a full rebuild


def test_refreshing_twice_counts_nothing_twice(county, django_capture_on_commit_callbacks):
    employment_figures_rebuild()
    first = _rows()
    employment_figures_rebuild()
    assert _rows() == first
    people = list(Employment.objects.values_list("person_id", flat=True))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            figures_changed(
                person_ids=people, enterprise_ids=Enterprise.objects.values_list("pk", flat=True)
            )
        assert _rows() == first
    FiguresQueue.objects.bulk_create([FiguresQueue(person_id=p) for p in people * 2])
    employment_figures_drain()
    assert _rows() == first
    assert sum(r[1] for r in EnterpriseFigures.objects.values_list("pk", "people")) == (
        EmploymentFigures.objects.count()
    )
    assert MaintainedFiguresState.objects.count() == 1
