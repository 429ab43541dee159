"""The collector paused around an import's rows is always turned back on, by its caller."""

import gc

import pytest

from documents.gc_pause import cyclic_gc_paused


@pytest.fixture(autouse=True)
def _collector_on():
    gc.enable()
    yield
    gc.enable()


def test_paused_inside_and_on_again_after():
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error():
    with pytest.raises(ValueError), cyclic_gc_paused():
        raise ValueError("a crash half-way")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_outer_one_in_charge():
    with cyclic_gc_paused():
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner pause did not turn it on under the outer one
    assert gc.isenabled()


def test_a_collector_disabled_by_someone_else_stays_off():
    gc.disable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_an_import_run_leaves_the_collector_on(db):
    from documents.imports.report import ImportReport
    from documents.imports.runner import run_import

    report = run_import(
        rows=[1, 2],
        write_row=lambda row: "unchanged",
        report=ImportReport(),
        only_valid=False,
        dry_run=False,
    )
    assert report.unchanged == 2
    assert gc.isenabled()
