"""The import framework (documents.imports): the all-or-nothing write of the good rows, the
upload waiting between check page and import, and the bad-rows file."""

import os
import time

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory

from documents.errors import RowError
from documents.imports import pending
from documents.imports.badrows import bad_rows_csv
from documents.imports.report import ImportReport
from documents.imports.runner import CREATED, UNCHANGED, UPDATED, RowRefused, run_import

pytestmark = pytest.mark.django_db

BAD = RowError(2, "名称", "", "缺少名称。")


def made() -> set[str]:
    """The groups these tests wrote (migrations seed others)."""
    return set(Group.objects.filter(name__startswith="t-").values_list("name", flat=True))


def write_groups(rows):
    """A writer that creates a group per row, refusing the name "taken"."""

    def write(name):
        if name == "taken":
            raise RowRefused(RowError(9, "名称", name, "已被占用。"))
        Group.objects.create(name=name)
        return CREATED

    return write


def run(rows, *, errors=(), only_valid=False, dry_run=False, audited=None):
    return run_import(
        rows=rows,
        write_row=write_groups(rows),
        report=ImportReport(errors=list(errors)),
        only_valid=only_valid,
        dry_run=dry_run,
        audit=(lambda report: audited.append(report)) if audited is not None else None,
    )


def test_good_rows_are_written_and_audited_once():
    audited = []
    report = run(["t-a", "t-b"], audited=audited)
    assert (report.created, report.written, report.refused) == (2, True, False)
    assert made() == {"t-a", "t-b"} and len(audited) == 1


def test_a_dry_run_counts_what_would_be_written_and_writes_nothing():
    audited = []
    report = run(["t-a", "t-b"], dry_run=True, audited=audited)
    assert (report.created, report.written) == (2, False)
    assert not made() and not audited


def test_a_bad_row_without_only_valid_writes_nothing():
    report = run(["t-a"], errors=[BAD])
    assert report.refused and not report.written
    assert not made()


def test_only_valid_writes_the_good_rows_despite_a_bad_one():
    report = run(["t-a"], errors=[BAD], only_valid=True)
    assert report.written and report.bad_rows == 1
    assert made() == {"t-a"}


def test_a_row_the_writer_refuses_is_a_bad_row_and_stops_a_plain_import():
    report = run(["t-a", "taken"])
    assert report.refused and report.bad_row_numbers == [9]
    assert not made()


def test_a_refused_row_leaves_nothing_of_itself_with_only_valid():
    def write(name):
        Group.objects.create(name=name)
        if name == "t-half":
            raise RowRefused(RowError(3, "", name, "写了一半。"))
        return UPDATED if name == "t-u" else UNCHANGED

    report = run_import(
        rows=["t-u", "t-half", "t-same"],
        write_row=write,
        report=ImportReport(),
        only_valid=True,
        dry_run=False,
    )
    assert (report.updated, report.unchanged, report.bad_rows) == (1, 1, 1)
    assert made() == {"t-u", "t-same"}


def test_progress_is_told_every_row():
    seen = []
    run_import(
        rows=["t-a", "t-b", "t-c"],
        write_row=write_groups([]),
        report=ImportReport(),
        only_valid=False,
        dry_run=True,
        progress=seen.append,
    )
    assert seen == [1, 2, 3]


@pytest.fixture
def request_with_session():
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def test_a_waiting_upload_is_given_back_once_for_its_token(request_with_session, settings):
    token = pending.stash(request_with_session, "enterprises", b"data", "../../名录.csv", x=1)
    files = list(settings.IMPORT_PENDING_DIR.glob("*.upload"))
    assert len(files) == 1
    assert settings.MEDIA_ROOT not in files[0].parents  # out of the web root
    waiting = pending.take(request_with_session, "enterprises", token)
    assert (waiting.data, waiting.filename, waiting.choices) == (b"data", "名录.csv", {"x": 1})
    assert pending.take(request_with_session, "enterprises", token) is None
    assert not list(settings.IMPORT_PENDING_DIR.glob("*.upload"))


def test_another_token_or_another_kind_gets_nothing(request_with_session):
    token = pending.stash(request_with_session, "regions", b"data", "r.csv")
    assert pending.take(request_with_session, "regions", "x" * 32) is None
    token = pending.stash(request_with_session, "regions", b"data", "r.csv")
    assert pending.take(request_with_session, "enterprises", token) is None
    assert pending.take(request_with_session, "regions", "../../etc/passwd") is None


def test_stale_uploads_are_removed(request_with_session, settings):
    pending.stash(request_with_session, "regions", b"old", "r.csv")
    old = next(settings.IMPORT_PENDING_DIR.glob("*.upload"))
    an_old_time = time.time() - pending.STALE_SECONDS - 60
    os.utime(old, (an_old_time, an_old_time))
    pending.remove_stale()
    assert not old.exists()


def test_the_bad_rows_file_lists_rows_in_order_with_the_formula_guard():
    errors = [RowError(5, "名称", "=HYPERLINK(1)", "不对。"), RowError(3, "代码", "1", "太短。")]
    text = bad_rows_csv(errors).decode("utf-8-sig").splitlines()
    assert text == ["行号,列,内容,问题", "3,代码,1,太短。", "5,名称,'=HYPERLINK(1),不对。"]
