"""Properties that must hold for any input (hypothesis), where a few examples prove little.

- The exam engine's answer-save endpoint: whatever order saves arrive in (late retries,
  reordered requests, batches), each question keeps the answer with the newest client
  sequence number, never an older one; malformed payloads get a 4xx and change nothing
  (ARCHITECTURE.md rules 1 and 8).
- The importers (roster spreadsheets, question files): any cell values or bytes end in a
  report (bad rows with row, column, value, reason) or the importer's own refusal, never in
  another exception, and a file with a bad row writes nothing unless asked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from documents.tables import read_table
from question_banks.imports import PARSERS, UnknownFormat, parse_file
from question_banks.models import AttemptItem, Question
from question_banks.services.imports import questions_import
from roster.imports import FileProblem, read_roster
from roster.imports.vocabulary import HEADER_SYNONYMS, REQUIRED, TEMPLATE_HEADERS
from roster.models import AuditLog, Employment, Person
from roster.selectors import administered_enterprises
from roster.services.imports import roster_import
from tests.factories import make_id_number
from tests.roster.sheets import HEADERS as ROSTER_HEADERS

pytestmark = pytest.mark.django_db

# Derandomized, so a run is repeatable and CI stays deterministic; explore new examples with
# PROPERTY_EXAMPLES=500 PROPERTY_RANDOM=1 pytest tests/security/test_properties.py
PROPERTY = settings(
    max_examples=int(os.environ.get("PROPERTY_EXAMPLES", "40")),
    derandomize=not os.environ.get("PROPERTY_RANDOM"),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --------------------------------------------------------------------------- answer saves


def _answers_url(attempt) -> str:
    return f"/api/attempts/{attempt.pk}/answers"


def _items(attempt) -> dict[int, AttemptItem]:
    return {i.position: i for i in attempt.items.select_related("version__question")}


def _state(attempt) -> list[tuple]:
    return list(
        AttemptItem.objects.filter(attempt=attempt)
        .order_by("position")
        .values_list("position", "answer", "answer_seq", "flagged")
    )


def _reset(attempt) -> None:
    AttemptItem.objects.filter(attempt=attempt).update(
        answer=None, answer_seq=0, answered_at=None, flagged=False
    )


@st.composite
def save_runs(draw, positions: list[int], keys: dict[int, list[str]]):
    """Saves as a client makes them (seq 1, 2, 3, … across questions), then delivered in
    any order and any batching, with some sent twice (retries)."""
    count = draw(st.integers(min_value=1, max_value=12))
    saves = []
    for seq in range(1, count + 1):
        position = draw(st.sampled_from(positions))
        answer = draw(st.one_of(st.none(), st.sampled_from(keys[position]).map(lambda k: [k])))
        saves.append({"position": position, "answer": answer, "seq": seq})
    retries = draw(st.lists(st.sampled_from(saves), max_size=4))
    delivered = draw(st.permutations(saves + retries))
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(delivered) - 1)), max_size=4)))
    batches, start = [], 0
    for cut in [*cuts, len(delivered)]:
        if delivered[start:cut]:
            batches.append(delivered[start:cut])
        start = cut
    return saves, batches


def test_the_newest_answer_wins_whatever_order_saves_arrive_in(client, scene):
    attempt = scene.attempt
    client.force_login(scene.world.trainee)
    items = _items(attempt)
    positions = sorted(items)[:4]
    keys = {p: [o["key"] for o in items[p].version.options] for p in positions}

    @given(run=save_runs(positions, keys))
    @PROPERTY
    def check(run):
        saves, batches = run
        _reset(attempt)
        newest: dict[int, int] = {}
        for batch in batches:
            response = client.post(
                _answers_url(attempt),
                json.dumps({"client": "tab-1", "answers": batch}),
                content_type="application/json",
            )
            assert response.status_code == 200, response.content
            for entry, saved in zip(batch, response.json()["saved"], strict=True):
                # Applied exactly when it is newer than anything saved before for that question.
                assert saved["applied"] == (entry["seq"] > newest.get(entry["position"], 0))
                newest[entry["position"]] = max(newest.get(entry["position"], 0), entry["seq"])
        expected = {}
        for save in saves:
            if save["seq"] > expected.get(save["position"], {"seq": 0})["seq"]:
                expected[save["position"]] = save
        for position, item in _items(attempt).items():
            if position in expected:
                assert item.answer_seq == expected[position]["seq"]
                assert item.answer == expected[position]["answer"]
            else:
                assert (item.answer, item.answer_seq) == (None, 0)

    check()


def _json_values():
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=20),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


@st.composite
def bad_entries(draw, positions: list[int], keys: dict[int, list[str]]):
    """One answer entry that is wrong in one way the engine must refuse."""
    position = draw(st.sampled_from(positions))
    good = {"position": position, "answer": [keys[position][0]], "seq": 7}
    kind = draw(
        st.sampled_from(
            [
                "position_missing_from_paper",
                "position_not_int",
                "seq_not_positive",
                "seq_not_int",
                "seq_missing",
                "unknown_option",
                "option_twice",
                "answer_not_list",
                "flag_not_bool",
                "huge_numbers",
            ]
        )
    )
    entry = dict(good)
    if kind == "position_missing_from_paper":
        entry["position"] = draw(st.integers(min_value=max(positions) + 500, max_value=30000))
    elif kind == "position_not_int":
        entry["position"] = draw(st.one_of(st.text(max_size=5), st.floats(), st.none()))
    elif kind == "seq_not_positive":
        entry["seq"] = draw(st.integers(max_value=0))
    elif kind == "seq_not_int":
        entry["seq"] = draw(st.one_of(st.text(min_size=1, max_size=5), st.floats(0.1, 9.9)))
    elif kind == "seq_missing":
        del entry["seq"]
    elif kind == "unknown_option":
        entry["answer"] = [
            draw(st.text(min_size=1, max_size=3).filter(lambda k: k not in keys[position]))
        ]
    elif kind == "option_twice":
        entry["answer"] = [keys[position][0]] * 2
    elif kind == "answer_not_list":
        entry["answer"] = draw(st.one_of(st.integers(), st.booleans(), st.floats()))
    elif kind == "flag_not_bool":
        entry["flagged"] = draw(st.one_of(st.text(min_size=1, max_size=3), st.integers(2, 9)))
    else:
        entry[draw(st.sampled_from(["position", "seq"]))] = draw(
            st.integers(min_value=2**31, max_value=2**90)
        )
    return entry


def test_malformed_saves_get_a_4xx_and_change_nothing(client, scene):
    attempt = scene.attempt
    client.force_login(scene.world.trainee)
    items = _items(attempt)
    positions = sorted(items)
    keys = {p: [o["key"] for o in items[p].version.options] for p in positions}
    # Something saved already, so "nothing changed" means more than "still empty".
    client.post(
        _answers_url(attempt),
        json.dumps({"client": "tab-1", "answers": [{"position": 1, "answer": None, "seq": 3}]}),
        content_type="application/json",
    )
    before = _state(attempt)

    good_entry = st.sampled_from(positions).map(
        lambda p: {"position": p, "answer": [keys[p][0]], "seq": 50}
    )
    structured = st.tuples(
        st.lists(good_entry, max_size=3),
        bad_entries(positions, keys),
        st.lists(good_entry, max_size=3),
    ).map(lambda t: json.dumps({"client": "tab-1", "answers": [*t[0], t[1], *t[2]]}))
    other_client = st.lists(good_entry, min_size=1, max_size=3).map(
        lambda answers: json.dumps({"client": "another-tab", "answers": answers})
    )
    anything = _json_values().filter(lambda v: not (isinstance(v, dict) and "answers" in v))
    body = st.one_of(
        structured,
        other_client,
        anything.map(json.dumps),
        st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    )

    @given(payload=body)
    @PROPERTY
    def check(payload):
        response = client.post(_answers_url(attempt), payload, content_type="application/json")
        assert 400 <= response.status_code < 500, (payload, response.status_code)
        assert _state(attempt) == before

    check()


# --------------------------------------------------------------------------- roster imports

_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=25
)  # what an .xlsx can hold
_ROSTER_VALUES = {
    "姓名": st.sampled_from(["王小明", "李 四", "", "  ", "X" * 60]),
    "身份证号": st.one_of(
        st.builds(make_id_number), st.sampled_from(["110101199003070011", "11010119900307001X"])
    ),
    "手机号": st.sampled_from(["13800138000", "1380013800", "+86 138 0013 8000", ""]),
    "人员类别": st.sampled_from(["特种作业人员", "一般从业人员", "班组长", "厨师", ""]),
    "用工形式": st.sampled_from(["正式", "劳务派遣", "外包", "兼职", ""]),
    "入职日期": st.one_of(
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
        st.sampled_from(["2023-05-06", "2023/5/6", "20230506", "昨天", "2023-02-30"]),
        st.integers(-5, 80000),
    ),
}


def _cell(header: str):
    plausible = _ROSTER_VALUES.get(header, _TEXT)
    return st.one_of(
        plausible,
        st.none(),
        _TEXT,
        st.integers(-(10**20), 10**20),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.datetimes(dt.datetime(1800, 1, 1), dt.datetime(2200, 1, 1)),  # noqa: DTZ001 (cells are naive)
    )


def _roster_rows(uscc: str):
    def row():
        cells = [
            st.just(uscc) | _cell(h) if h == "统一社会信用代码" else _cell(h)
            for h in ROSTER_HEADERS
        ]
        return st.tuples(*cells).map(list)

    return st.lists(row(), min_size=1, max_size=5)


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(["" if v is None else v for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def test_any_roster_cells_are_reported_row_by_row_and_a_bad_file_writes_nothing(world):
    admin = world.enterprise_admin
    enterprises = administered_enterprises(user=admin)
    expected_headers = [TEMPLATE_HEADERS[k] for k in REQUIRED]

    @given(rows=_roster_rows(world.ent_a.uscc), as_csv=st.booleans(), dry_run=st.booleans())
    @PROPERTY
    def check(rows, as_csv, dry_run):
        data = _csv([ROSTER_HEADERS, *rows]) if as_csv else _xlsx([ROSTER_HEADERS, *rows])
        name = "roster.csv" if as_csv else "roster.xlsx"
        counts = (
            Person.objects.count(),
            Employment.objects.count(),
            AuditLog.objects.filter(action="roster.import").count(),
        )
        try:
            parsed = read_roster(data, name, enterprises=enterprises)
        except FileProblem as exc:
            assert str(exc)
            return
        table = read_table(data, name, synonyms=HEADER_SYNONYMS, expected=expected_headers)
        good = {r.row for r in parsed.rows}
        bad = set(parsed.bad_row_numbers)
        # Every data row is accounted for, once: imported or reported.
        assert not good & bad
        assert good | bad == {number for number, _values in table.rows}
        for error in parsed.errors:
            assert error.row in bad and error.column and error.reason

        result = roster_import(rows=parsed, actor=admin, only_valid=False, dry_run=dry_run)
        if parsed.errors or dry_run:
            assert not result.written
            assert counts == (
                Person.objects.count(),
                Employment.objects.count(),
                AuditLog.objects.filter(action="roster.import").count(),
            )

    check()


def test_any_bytes_are_a_file_problem_or_a_report_for_the_roster(world):
    enterprises = administered_enterprises(user=world.enterprise_admin)

    @given(
        data=st.one_of(
            st.binary(max_size=300),
            st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
            st.binary(max_size=300).map(lambda b: "姓名,身份证号\n".encode() + b),
        ),
        name=st.sampled_from(["r.xlsx", "r.csv", "r.xls", "r.txt", "r.XLSX", "r"]),
    )
    @PROPERTY
    def check(data, name):
        try:
            parsed = read_roster(data, name, enterprises=enterprises)
        except FileProblem as exc:
            assert str(exc)
        else:
            assert all(e.reason for e in parsed.errors)

    check()


# --------------------------------------------------------------------------- question files

QUESTION_HEADER = ["题型", "题干", *(f"选项{k}" for k in "ABCD"), "答案", "解析", "分类", "难度"]


def _question_rows():
    cell = st.one_of(
        st.none(),
        _TEXT,
        st.integers(-100, 10**12),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
    )
    row = st.tuples(
        st.sampled_from(["单选题", "多选题", "判断题", "单选", "问答题", "", "X"]) | cell,
        st.sampled_from(["电气火灾首先应当怎么办？", ""]) | cell,
        cell,
        cell,
        cell,
        cell,
        st.sampled_from(["A", "ABD", "A、B", "对", "错", "√", "Z", ""]) | cell,
        cell,
        st.sampled_from(["电工作业/低压电工", ""]) | cell,
        st.sampled_from([1, 2, 3, "易", "难", 9]) | cell,
    ).map(list)
    return st.lists(row, min_size=1, max_size=5)


def test_any_question_cells_are_reported_and_a_bad_file_writes_nothing(scene):
    bank, actor = scene.bank, scene.world.system_admin

    @given(rows=_question_rows(), dry_run=st.booleans())
    @PROPERTY
    def check(rows, dry_run):
        before = Question.objects.count()
        result = parse_file(_xlsx([QUESTION_HEADER, *rows]), "bank.xlsx")
        for error in result.errors:
            assert error.reason and error.column is not None
        report = questions_import(bank=bank, result=result, actor=actor, dry_run=dry_run)
        if report.errors or dry_run:
            assert not report.written
            assert Question.objects.count() == before
        else:
            assert Question.objects.count() == before + report.created

    check()


_TEXT_FORMAT_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "::Q1:: 安全电压是多少伏？ {=36V ~24V ~220V}",
                "$CATEGORY: 电工/低压",
                "漏电保护器的动作电流？",
                "A. 10mA",
                "B) 30mA",
                "ANSWER: B",
                "答案：C",
                "{",
                "}",
                "// comment",
                "::",
                "<quiz>",
                '<question type="multichoice">',
                "</quiz>",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=12,
).map("\n".join)


def test_any_bytes_are_a_report_for_every_question_format(scene):
    @given(
        data=st.one_of(
            st.binary(max_size=300),
            _TEXT_FORMAT_LINES.map(lambda t: t.encode("utf-8")),
            _TEXT_FORMAT_LINES.map(lambda t: t.encode("gb18030", errors="replace")),
            st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
            st.binary(max_size=200).map(lambda b: b'<?xml version="1.0"?><quiz>' + b),
        ),
        fmt=st.sampled_from([*PARSERS, None]),
    )
    @PROPERTY
    def check(data, fmt):
        try:
            result = parse_file(data, "upload.dat", fmt)
        except UnknownFormat:
            assert fmt is None  # only a guess can fail; a named format always reports
            return
        for error in result.errors:
            assert error.reason
        for question in result.questions:
            assert question.stem is not None

    check()
