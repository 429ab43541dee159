"""Every import command behaves alike (CONTRACT.md): each bad row printed as "Row r, column,
value: reason", and a file with a bad row fails the command (exit 1, one line on stderr) on a
dry run as on a real run (a real run with --only-valid imports the good rows and succeeds); a
dry run writes nothing either way."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.utils import timezone, translation

from certificates.models import Certificate
from question_banks.models import Question, QuestionBank
from roster.models import Person
from tests.factories import make_id_number
from tests.roster.sheets import HEADERS as ROSTER_HEADERS
from tests.roster.sheets import roster_row, write_xlsx

pytestmark = pytest.mark.django_db

QUESTION_SAMPLES = Path(__file__).resolve().parent / "question_banks" / "data" / "moodle"
GOOD_ID = make_id_number(seq=811)
CERTIFICATE_HEADERS = ["姓名", "身份证号", "证书类型", "证书编号", "初领日期", "有效期至"]


def _roster_file(world, tmp_path):
    """One good person and one whose ID number is not an ID number."""
    rows = [
        ROSTER_HEADERS,
        roster_row(GOOD_ID, world.ent_a.uscc),
        roster_row("123", world.ent_a.uscc),
    ]
    return write_xlsx(tmp_path, rows), lambda: Person.objects.filter(id_number=GOOD_ID).count()


def _certificates_file(world, tmp_path):
    """One good card and one of a certificate type that does not exist."""
    first = timezone.localdate() - dt.timedelta(days=365)
    until = first + dt.timedelta(days=6 * 365)
    person = world.person_a
    rows = [
        CERTIFICATE_HEADERS,
        [person.name, person.id_number, "TZ-DG", "CMD-1", first, until],
        [person.name, person.id_number, "叉车司机证", "CMD-2", first, until],
    ]
    return write_xlsx(tmp_path, rows, "certificates.xlsx"), Certificate.objects.count


def _questions_file(world, tmp_path):
    """Moodle's own Aiken fixture: two good questions and four malformed blocks."""
    QuestionBank.objects.create(code="CMD", name="命令测试")
    path = tmp_path / "aiken_errors.txt"
    path.write_bytes((QUESTION_SAMPLES / "aiken_errors.txt").read_bytes())
    return path, Question.objects.count


DIRECTORY_DATA = Path(__file__).resolve().parent / "roster" / "data"


def _enterprises_file(world, tmp_path):
    """Three good enterprises and one whose credit code has a wrong check character."""
    from roster.models import Enterprise

    return DIRECTORY_DATA / "enterprises.csv", Enterprise.objects.count


def _regions_file(world, tmp_path):
    """Three good regions and a code one digit short."""
    from roster.models import Region

    return DIRECTORY_DATA / "regions.csv", Region.objects.count


IMPORTS = {
    "import_enterprises": (_enterprises_file, []),
    "import_regions": (_regions_file, []),
    "import_roster": (_roster_file, []),
    "import_certificates": (_certificates_file, []),
    "import_questions": (_questions_file, ["--bank", "CMD"]),
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def run_command(monkeypatch, capsys):
    """Runs a command as manage.py does: returns (exit status, stdout, stderr)."""
    # run_from_argv closes every connection when done; keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def run(name, *args):
        command = load_command_class(get_commands()[name], name)
        try:
            command.run_from_argv(["manage.py", name, *map(str, args)])
            status = 0
        except SystemExit as exit_info:
            status = exit_info.code
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_a_dry_run_that_finds_a_bad_row_exits_non_zero_and_writes_nothing(
    world, tmp_path, run_command, name
):
    build, options = IMPORTS[name]
    path, written = build(world, tmp_path)
    before = written()
    status, out, err = run_command(name, path, *options, "--dry-run")
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and "nothing was imported" in err
    assert any(line.startswith("Row ") for line in out.splitlines())
    assert written() == before


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_a_real_run_that_finds_a_bad_row_exits_non_zero_and_writes_nothing(
    world, tmp_path, run_command, name
):
    build, options = IMPORTS[name]
    path, written = build(world, tmp_path)
    before = written()
    status, _out, err = run_command(name, path, *options)
    assert status == 1 and len(err.strip().splitlines()) == 1
    assert written() == before


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_a_dry_run_with_only_valid_still_fails_on_a_bad_row_and_writes_nothing(
    world, tmp_path, run_command, name
):
    """CONTRACT.md: every import command's dry run exits non-zero when it finds a bad row."""
    build, options = IMPORTS[name]
    path, written = build(world, tmp_path)
    before = written()
    status, out, err = run_command(name, path, *options, "--dry-run", "--only-valid")
    assert status == 1
    assert len(err.strip().splitlines()) == 1 and "bad rows found; nothing was written" in err
    assert any(line.startswith("Row ") for line in out.splitlines())
    assert written() == before


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_only_valid_imports_the_good_rows_and_succeeds(world, tmp_path, run_command, name):
    build, options = IMPORTS[name]
    path, written = build(world, tmp_path)
    before = written()
    status, _out, err = run_command(name, path, *options, "--only-valid")
    assert (status, err) == (0, "")
    assert written() > before


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_bad_rows_go_to_the_bad_rows_file_too(world, tmp_path, run_command, name):
    build, options = IMPORTS[name]
    path, _written = build(world, tmp_path)
    target = tmp_path / "bad.csv"
    status, out, _err = run_command(name, path, *options, "--dry-run", "--bad-rows", target)
    assert status == 1
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "行号,列,内容,问题"
    printed = [line for line in out.splitlines() if line.startswith(("Row ", "The file: "))]
    assert len(lines) - 1 == len(printed) >= 1
