"""`import_certificates FILE [--dry-run] [--only-valid]` (CONTRACT.md): existing certificates
for people on the roster; every bad row reported with row, column, value and reason."""

import datetime as dt
from io import StringIO

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from certificates.models import Certificate, CertificateEvent, CertificateType
from certificates.services.issuing import certificate_issue
from certificates.services.keys import key_ring
from certificates.trust.tokens import verify_token
from roster.models import AuditLog
from tests.factories import make_id_number
from tests.roster.sheets import write_xlsx

pytestmark = pytest.mark.django_db

# A card first issued a year ago: in force, its review still ahead (so its QR verifies).
FIRST = timezone.localdate() - relativedelta(years=1)
UNTIL = FIRST + relativedelta(years=6) - dt.timedelta(days=1)
REVIEW = FIRST + relativedelta(years=3)

HEADERS = [
    "姓名",
    "身份证号",
    "证书类型",
    "作业类别",
    "操作项目",
    "证书编号",
    "初领日期",
    "有效期至",
    "下次复审日期",
    "发证机关",
]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def row(person, number, **overrides):
    """One row under HEADERS: a valid 低压电工 card of `person` unless overridden."""
    values = {
        "姓名": person.name if person else "李四",
        "身份证号": person.id_number if person else make_id_number(seq=950),
        "证书类型": "TZ-DG",
        "作业类别": "",
        "操作项目": "",
        "证书编号": number,
        "初领日期": FIRST,
        "有效期至": UNTIL,
        "下次复审日期": REVIEW,
        "发证机关": "示范省应急管理厅",
        **overrides,
    }
    return [values[h] for h in HEADERS]


def run(path, *options):
    out = StringIO()
    call_command("import_certificates", str(path), *options, stdout=out)
    return out.getvalue()


def failing(path, *options):
    out = StringIO()
    with pytest.raises(CommandError) as err:
        call_command("import_certificates", str(path), *options, stdout=out)
    return out.getvalue(), str(err.value)


def bad_lines(out):
    return [line for line in out.splitlines() if line.startswith("Row ")]


# A good run --------------------------------------------------------------------------------


def test_a_good_file_becomes_signed_certificates(world, tmp_path):
    rows = [
        HEADERS,
        row(world.person_a, "T-A-1"),
        # by name, text dates, no review date, no issuer
        row(
            world.person_b,
            "B-2",
            证书类型="安全生产管理人员安全生产知识和管理能力考核合格证",
            初领日期=f"{FIRST.year}/{FIRST.month}/{FIRST.day}",
            有效期至=f"{UNTIL.year}年{UNTIL.month}月{UNTIL.day}日",
            下次复审日期="",
            发证机关="",
        ),
        # 特种作业 by 作业类别 + 操作项目, dates written with dots
        row(
            world.person_a_chem,
            "C-3",
            证书类型="特种作业操作证",
            作业类别="电工作业",
            操作项目="高压电工作业",
            初领日期=f"{FIRST:%Y.%m.%d}",
            有效期至=f"{UNTIL:%Y.%m.%d}",
            下次复审日期=f"{REVIEW:%Y.%m.%d}",
        ),
    ]
    out = run(write_xlsx(tmp_path, rows, "certs.xlsx"))
    assert "3 rows read, 0 bad; imported 3 certificates." in out

    a = Certificate.objects.get(number="T-A-1")
    assert a.person == world.person_a and a.certificate_type.code == "TZ-DG"
    assert (a.first_issued_on, a.valid_from, a.valid_until, a.next_review_on) == (
        FIRST,
        FIRST,
        UNTIL,
        REVIEW,
    )
    assert a.source == Certificate.Source.IMPORT
    assert a.enterprise == world.ent_a
    assert [e.kind for e in a.events.all()] == [CertificateEvent.Kind.IMPORTED]
    assert a.status_index is not None and a.token
    result = verify_token(a.token, key_ring(create=False))
    assert result.valid, result.reason
    assert result.claims.number == "T-A-1"

    b = Certificate.objects.get(number="B-2")
    assert b.certificate_type.code == "ZY-AQY"
    assert (b.first_issued_on, b.valid_until, b.next_review_on) == (FIRST, UNTIL, None)
    assert b.issuer_name == b.certificate_type.issuer_name

    c = Certificate.objects.get(number="C-3")
    assert c.certificate_type.code == "TZ-GY" and c.person == world.person_a_chem
    assert (c.first_issued_on, c.valid_until, c.next_review_on) == (FIRST, UNTIL, REVIEW)
    assert AuditLog.objects.get(action="certificates.import").data["created"] == 3


def test_a_gb18030_csv_with_synonyms_and_a_validity_start(world, tmp_path):
    lines = [
        "持证人,身份证号码,证书名称,证号,发证日期,有效期起,有效期止",
        f"{world.person_a.name},{world.person_a.id_number},TZ-DG,X-1,2011/5/6,2023/5/6,2029/5/5",
    ]
    path = tmp_path / "certs.csv"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    run(path)
    certificate = Certificate.objects.get(number="X-1")
    assert certificate.first_issued_on == dt.date(2011, 5, 6)
    assert certificate.valid_from == dt.date(2023, 5, 6)
    assert certificate.next_review_on is None


def test_a_renewed_card_starts_one_validity_before_its_expiry(world, tmp_path):
    rows = [HEADERS, row(world.person_a, "R-1", 初领日期=dt.date(2011, 5, 6))]
    run(write_xlsx(tmp_path, rows))
    certificate = Certificate.objects.get(number="R-1")
    assert certificate.first_issued_on == dt.date(2011, 5, 6)
    assert certificate.valid_from == FIRST  # the expiry minus 6 years, plus 1 day


def test_excel_serial_numbers_are_dates(world, tmp_path):
    rows = [HEADERS, row(world.person_a, "S-1", 初领日期=45052, 有效期至=47243, 下次复审日期=46148)]
    run(write_xlsx(tmp_path, rows))
    certificate = Certificate.objects.get(number="S-1")
    assert certificate.first_issued_on == dt.date(2023, 5, 6)
    assert certificate.valid_until == dt.date(2029, 5, 5)


# Every bad row -------------------------------------------------------------------------------


def test_every_bad_row_is_reported_and_nothing_is_written(world, tmp_path):
    certificate_issue(
        person=world.person_other, ctype=CertificateType.objects.get(code="JZ-C2"), actor=None
    )
    live = Certificate.objects.get().number
    stranger = make_id_number(seq=951)
    rows = [
        HEADERS,
        row(world.person_a, "GOOD-1"),  # 2
        row(world.person_b, "U-1", 证书类型="叉车司机证"),  # 3 unknown type
        row(world.person_b, "D-1", 有效期至=dt.date(2022, 1, 1)),  # 4 expiry before first issue
        row(world.person_b, "D-2", 下次复审日期=dt.date(2060, 1, 1)),  # 5 review after expiry
        row(world.person_b, "DUP"),  # 6 duplicate in the file ...
        row(world.person_a_chem, "DUP"),  # 7 ... both rows
        row(world.person_b, live),  # 8 already live in the database
        row(None, "N-1", 身份证号=stranger),  # 9 not on the roster
        row(world.person_b, "N-2", 身份证号="110101199003071234"),  # 10 bad check digit
        row(world.person_b, "N-3", 姓名="王五"),  # 11 name disagrees
        row(world.person_b, ""),  # 12 number missing
        row(world.person_b, "N-4", 姓名="", 初领日期=None),  # 13 name and first issue missing
        row(world.person_b, "N-5", 证书类型="", 操作项目="叉车作业"),  # 14 unknown item
        row(world.person_b, "N-6", 有效期至="明年"),  # 15 unreadable date
        row(world.person_b, "N-7", 身份证号=1.10101199003071e17),  # 16 mangled by Excel
    ]
    out, error = failing(write_xlsx(tmp_path, rows, "bad.xlsx"))
    assert "nothing was imported" in error
    lines = bad_lines(out)
    expected = [
        ("Row 3, 证书类型, 叉车司机证:", "Unknown certificate type"),
        ("Row 4, 有效期至, 2022-01-01:", "before the first issue date"),
        ("Row 5, 下次复审日期, 2060-01-01:", "after the expiry date"),
        ("Row 6, 证书编号, DUP:", "also on row 7"),
        ("Row 7, 证书编号, DUP:", "also on row 6"),
        (f"Row 8, 证书编号, {live}:", "already exists"),
        (f"Row 9, 身份证号, {stranger}:", "on the roster"),
        ("Row 10, 身份证号, 110101199003071234:", ""),
        ("Row 11, 姓名, 王五:", f"The roster has {world.person_b.name}"),
        ("Row 12, 证书编号, (blank):", "number is missing"),
        ("Row 13, 姓名, (blank):", "name is missing"),
        ("Row 13, 初领日期, (blank):", "first issue date is missing"),
        ("Row 14, 操作项目, 叉车作业:", "No special operation certificate"),
        ("Row 15, 有效期至, 明年:", "Write dates like"),
        ("Row 16, 身份证号, 1.10101199003071E+17:", "lost digits"),
    ]
    for start, reason in expected:
        assert any(line.startswith(start) and reason in line for line in lines), (start, lines)
    assert not any(line.startswith("Row 2,") for line in lines)
    assert "15 rows read, 14 bad" in out
    assert list(Certificate.objects.values_list("number", flat=True)) == [live]
    assert not AuditLog.objects.filter(action="certificates.import").exists()


def test_a_second_card_of_a_type_held_in_force_is_refused(world, tmp_path):
    held = certificate_issue(
        person=world.person_a, ctype=CertificateType.objects.get(code="TZ-DG"), actor=None
    )
    out, _error = failing(write_xlsx(tmp_path, [HEADERS, row(world.person_a, "TWO")]))
    assert f"already holds {held.number}" in out
    assert Certificate.objects.count() == 1


def test_only_valid_writes_only_the_good_rows(world, tmp_path):
    rows = [
        HEADERS,
        row(world.person_a, "OK-1"),
        row(world.person_b, "BAD-1", 证书类型="叉车司机证"),
        row(world.person_a_chem, "OK-2"),
    ]
    out = run(write_xlsx(tmp_path, rows), "--only-valid")
    assert "3 rows read, 1 bad; imported 2 certificates." in out
    assert sorted(Certificate.objects.values_list("number", flat=True)) == ["OK-1", "OK-2"]


def test_dry_run_writes_nothing(world, tmp_path):
    out = run(write_xlsx(tmp_path, [HEADERS, row(world.person_a, "DRY-1")]), "--dry-run")
    assert "would import 1 certificates" in out and "Dry run" in out
    assert not Certificate.objects.exists()


def test_dry_run_with_only_valid_writes_nothing_either(world, tmp_path):
    rows = [HEADERS, row(world.person_a, "DRY-2"), row(world.person_b, "")]
    out, error = failing(write_xlsx(tmp_path, rows), "--dry-run", "--only-valid")
    assert "1 bad; would import 1" in out and "1 bad rows found" in error
    assert not Certificate.objects.exists()


# The file as a whole -----------------------------------------------------------------------


def test_missing_columns_are_named(world, tmp_path):
    path = write_xlsx(tmp_path, [["姓名", "身份证号", "证书类型"], ["张三", "x", "TZ-DG"]])
    _out, error = failing(path)
    assert "证书编号" in error and "初领日期" in error and "有效期至" in error


def test_an_unreadable_file_fails_with_one_line(world, tmp_path):
    path = tmp_path / "certs.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel")
    _out, error = failing(path)
    assert ".xlsx" in error


def test_a_missing_file_fails(world, tmp_path):
    _out, error = failing(tmp_path / "nope.xlsx")
    assert "Cannot read" in error


def test_a_crash_half_way_leaves_nothing_behind(world, tmp_path, monkeypatch):
    from certificates.services import imports as import_services

    real, calls = import_services.certificate_create, []

    def crash_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(**kwargs)

    monkeypatch.setattr(import_services, "certificate_create", crash_on_second)
    path = write_xlsx(tmp_path, [HEADERS, row(world.person_a, "X-1"), row(world.person_b, "X-2")])
    with pytest.raises(RuntimeError):
        run(path)
    assert len(calls) == 2
    assert not Certificate.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="certificate").exists()
