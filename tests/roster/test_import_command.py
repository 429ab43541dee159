"""`import_roster` as CONTRACT.md has it: summary, every bad row, exit codes, --help."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from roster.management.commands.import_roster import Command
from roster.models import AuditLog, Person
from tests.factories import make_id_number, make_uscc
from tests.roster.sheets import HEADERS, roster_row, write_xlsx

pytestmark = pytest.mark.django_db

ID_1 = make_id_number(seq=801)
ID_2 = make_id_number(seq=802)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def import_roster(*args):
    out = StringIO()
    call_command("import_roster", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_a_good_file_is_imported_and_summarised(world, tmp_path):
    path = write_xlsx(tmp_path, [HEADERS, roster_row(ID_1, world.ent_a.uscc)])
    out = import_roster(path)
    assert "created 1" in out
    assert Person.objects.filter(id_number=ID_1).exists()
    assert AuditLog.objects.get(action="roster.import").actor is None


def test_a_bad_row_fails_the_command_and_writes_nothing(world, tmp_path):
    rows = [HEADERS, roster_row(ID_1, world.ent_a.uscc), roster_row(ID_2, "", 人员类别="厨师")]
    path = write_xlsx(tmp_path, rows)
    with pytest.raises(CommandError, match="1 bad rows; nothing was imported"):
        import_roster(path)
    assert not Person.objects.filter(id_number__in=[ID_1, ID_2]).exists()


def test_every_bad_row_is_printed(world, tmp_path):
    rows = [
        HEADERS,
        roster_row("123", world.ent_a.uscc),
        roster_row(ID_2, world.ent_a.uscc, 人员类别="厨师"),
    ]
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_roster", str(write_xlsx(tmp_path, rows)), stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("Row")]
    assert lines[0].startswith("Row 2, 身份证号, 123:")
    assert lines[1].startswith("Row 3, 人员类别, 厨师:")


def test_only_valid_imports_the_good_rows_and_succeeds(world, tmp_path):
    rows = [
        HEADERS,
        roster_row(ID_1, world.ent_a.uscc),
        roster_row(ID_2, world.ent_a.uscc, 姓名=""),
    ]
    out = import_roster(write_xlsx(tmp_path, rows), "--only-valid")
    assert "1 bad" in out and "created 1" in out
    assert Person.objects.filter(id_number=ID_1).exists()


def test_dry_run_writes_nothing(world, tmp_path):
    out = import_roster(
        write_xlsx(tmp_path, [HEADERS, roster_row(ID_1, world.ent_a.uscc)]), "--dry-run"
    )
    assert "Dry run" in out
    assert not Person.objects.filter(id_number=ID_1).exists()


def test_the_enterprise_option_stands_in_for_the_code_column(world, tmp_path):
    path = write_xlsx(tmp_path, [["姓名", "身份证号", "人员类别"], ["李四", ID_1, "主要负责人"]])
    import_roster(path, "--enterprise", world.ent_b.uscc)
    assert Person.objects.get(id_number=ID_1).employments.get().enterprise == world.ent_b


def test_an_unknown_enterprise_option_fails(world, tmp_path):
    path = write_xlsx(tmp_path, [HEADERS, roster_row(ID_1, world.ent_a.uscc)])
    with pytest.raises(CommandError, match="no enterprise has the code"):
        import_roster(path, "--enterprise", make_uscc(seq=9999999))


def test_a_bad_file_fails_with_its_reason(world, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(CommandError, match=r"not a real \.xlsx"):
        import_roster(path)


def test_a_missing_file_fails(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        import_roster(tmp_path / "nope.xlsx")


def test_exit_status_is_one_with_a_single_line_on_stderr(world, tmp_path, monkeypatch, capsys):
    # run_from_argv closes every connection when done; keep the test's transaction open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = write_xlsx(tmp_path, [HEADERS, roster_row("123", world.ent_a.uscc)])
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "import_roster", str(path)])
    assert exit_info.value.code == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_help_is_available(capsys):
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["manage.py", "import_roster", "--help"])
    assert exit_info.value.code == 0
    assert "--only-valid" in capsys.readouterr().out
