"""Importing question files into a bank and exporting them again (CONTRACT.md commands)."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from question_banks.imports import parse_file
from question_banks.models import Category, Question, QuestionBank
from question_banks.services.exports import bank_questions
from question_banks.services.imports import questions_import

pytestmark = pytest.mark.django_db
# In the repository, with their sources and licences (SOURCES.md, COPYING) beside them.
SAMPLES = Path(__file__).resolve().parent / "data" / "moodle"


@pytest.fixture
def bank(db):
    return QuestionBank.objects.create(code="IMP", name="导入测试")


def run(*args):
    return call_command("import_questions", *map(str, args))


# file: (questions written, types) — counts read off the files themselves.
EXPECTED = {
    "nested_categories_with_questions.xml": (4, {"judge": 4}),
    "qaseditor_aiken_1.txt": (5, {"single": 5}),
    "qaseditor_multichoice.gift": (4, {"single": 2, "multiple": 2}),
    "qaseditor_true_false.gift": (2, {"judge": 2}),  # two show a picture GIFT cannot carry
    "questions.aiken.txt": (2, {"single": 1, "judge": 1}),
    "questions.gift.txt": (5, {"single": 1, "multiple": 1, "judge": 3}),
    "questions_in_category.gift.txt": (2, {"single": 1, "judge": 1}),
    "truefalse.xml": (2, {"judge": 2}),
    "multichoice.xml": (0, {}),  # its question is an MP3, which the exam page cannot play
    "sample_questions_with_old_image_tag.xml": (1, {"single": 1}),
    "old_format_file.xml": (2, {"judge": 2}),
    "truefalse_testquestion.moodle.xml": (1, {"judge": 1}),
    "categories_reverse_order.xml": (0, {}),
    "testquestion.moodle.xml": (1, {"multiple": 1}),
    "export_category.xml": (1, {"judge": 1}),
    # Three good questions; the broken ones around them take none of them along.
    "aiken_errors.txt": (3, {"single": 3}),
    "error_invalid_grades.xml": (0, {}),
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED.items())
def test_moodle_sample_files_import_with_the_right_counts(bank, name, expected):
    count, types = expected
    run(SAMPLES / name, "--bank", bank.code, "--only-valid")
    assert Question.objects.filter(bank=bank).count() == count
    if types:
        for qtype, n in types.items():
            assert Question.objects.filter(bank=bank, qtype=qtype).count() == n


def test_moodle_categories_become_categories(bank):
    run(SAMPLES / "nested_categories_with_questions.xml", "--bank", bank.code, "--only-valid")
    assert Category.objects.filter(bank=bank).exists()
    assert all(q.category_id for q in Question.objects.filter(bank=bank))


def test_unsupported_moodle_types_are_reported_by_name(bank, capsys):
    with translation.override("en"):
        run(SAMPLES / "nested_categories_with_questions.xml", "--bank", bank.code)
    assert "Row 55, skipped (essay) “Kappa Essay Question”" in capsys.readouterr().out


def test_file_with_bad_rows_writes_nothing_and_names_each_row(bank, capsys):
    with translation.override("en"), pytest.raises(CommandError, match="nothing was imported"):
        run(SAMPLES / "aiken_errors.txt", "--bank", bank.code)
    out = capsys.readouterr().out
    assert "Row 1," in out and "Row 5," in out and "Row 7," in out and "Row 14," in out
    assert not Question.objects.filter(bank=bank).exists()


def test_embedded_images_are_stored_and_linked(bank):
    run(SAMPLES / "truefalse.xml", "--bank", bank.code)
    for question in Question.objects.filter(bank=bank):
        version = question.current_version
        assert "@@PLUGINFILE@@" not in version.stem + version.explanation
        assert '<img src="/media/question_media/IMP/' in version.stem  # the Moodle logo
        assert "/media/question_media/IMP/" in version.explanation  # the "infos" picture


def test_old_moodle_image_tag_is_stored_with_its_question(bank):
    run(SAMPLES / "sample_questions_with_old_image_tag.xml", "--bank", bank.code)
    version = Question.objects.get(bank=bank).current_version
    assert version.stem.startswith("This is a multichoice question with an image")
    assert '<img src="/media/question_media/IMP/' in version.stem
    assert version.stem.endswith('.png">')


def test_pictures_left_behind_with_answer_feedback_are_named(bank, capsys):
    with translation.override("zh-hans"):
        run(SAMPLES / "truefalse.xml", "--bank", bank.code)
    out = capsys.readouterr().out
    assert out.count("thumbup.jpg") == 2 and out.count("thumbdown.jpg") == 2
    assert "第 12 行" in out and "未导入" in out


def test_a_question_that_needs_its_audio_is_reported_in_chinese(bank, capsys):
    with translation.override("zh-hans"), pytest.raises(CommandError):
        run(SAMPLES / "multichoice.xml", "--bank", bank.code, "--dry-run")
    out = capsys.readouterr().out
    assert "bonjour.mp3" in out and "不是图片" in out
    assert not Question.objects.filter(bank=bank).exists()


def test_dry_run_writes_nothing(bank, capsys):
    with translation.override("en"):
        run(SAMPLES / "qaseditor_aiken_1.txt", "--bank", bank.code, "--dry-run")
    out = capsys.readouterr().out
    assert "5 valid" in out and "Dry run: nothing was written." in out
    assert not Question.objects.filter(bank=bank).exists()


def test_missing_bank_is_refused_unless_created(db):
    with pytest.raises(CommandError, match="no question bank"):
        run(SAMPLES / "truefalse.xml", "--bank", "NONE")
    run(SAMPLES / "truefalse.xml", "--bank", "NEW", "--create-bank", "新题库")
    assert QuestionBank.objects.get(code="NEW").questions.count() == 2


def test_importing_the_same_file_twice_flags_near_duplicates(bank):
    data = (SAMPLES / "questions.aiken.txt").read_bytes()
    questions_import(bank=bank, result=parse_file(data, "q.txt"), actor=None)
    report = questions_import(bank=bank, result=parse_file(data, "q.txt"), actor=None, dry_run=True)
    assert len([d for d in report.near_duplicates if d.existing_key]) == 2


@pytest.mark.parametrize("fmt", ["xlsx", "moodle"])
def test_export_reimports_to_the_same_questions(bank, tmp_path, fmt):
    run(SAMPLES / "nested_categories_with_questions.xml", "--bank", bank.code, "--only-valid")
    run(SAMPLES / "questions.gift.txt", "--bank", bank.code, "--only-valid")
    out = tmp_path / f"bank.{fmt}"
    call_command("export_questions", "--bank", bank.code, "--format", fmt, "-o", str(out))
    run(out, "--bank", "COPY", "--create-bank", "副本", "--format", fmt)
    original = bank_questions(bank)
    copy = bank_questions(QuestionBank.objects.get(code="COPY"))
    assert len(copy) == len(original) == 9
    assert copy == original


def test_export_of_an_unknown_bank_is_refused(db, tmp_path):
    with pytest.raises(CommandError):
        call_command(
            "export_questions", "--bank", "X", "--format", "xlsx", "-o", str(tmp_path / "x")
        )


def test_a_crash_half_way_leaves_nothing_behind(bank, monkeypatch):
    # The questions and their categories are written (in bulk), then the import crashes.
    from question_banks.services import imports as import_services

    real, calls = import_services.questions_create_bulk, []

    def crash_after_writing(**kwargs):
        calls.append(real(**kwargs))
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_services, "questions_create_bulk", crash_after_writing)
    data = (SAMPLES / "questions.gift.txt").read_bytes()
    with pytest.raises(RuntimeError):
        questions_import(bank=bank, result=parse_file(data, "q.gift.txt"), actor=None)
    assert len(calls) == 1 and calls[0]
    assert not Question.objects.filter(bank=bank).exists()
    assert not Category.objects.filter(bank=bank).exists()


def test_dry_run_report_reads_one_chinese_line_a_problem_with_its_line(bank, capsys):
    with translation.override("zh-hans"), pytest.raises(CommandError):
        run(SAMPLES / "aiken_errors.txt", "--bank", bank.code, "--dry-run")
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "第 1 行，ANSWER（答案）行，ANSWER: A：至少需要 2 个选项。",
        "第 5 行，选项，A) Question not started：这些选项前面没有题干，已跳过。",
        "第 7 行，ANSWER（答案）行，ANSWER: Question not started："
        "这一 ANSWER（答案）行前面没有题目。",
        "第 14 行，试题，A question started but not finished：本题缺少 ANSWER（答案）行，未导入。",
    ]


def test_skipped_questions_are_named_in_chinese_with_their_line(bank, capsys):
    with translation.override("zh-hans"):
        run(SAMPLES / "questions.gift.txt", "--bank", bank.code, "--dry-run")
    out = capsys.readouterr().out
    assert "第 2 行，已跳过（问答题）“Q8”" in out
    assert "第 31 行，已跳过（数值题）“Q5”" in out


def test_chinese_gift_weights_and_pictures_import_as_moodle_means_them(bank):
    data = (
        "::禁止::安全色中表示禁止的是？{=红色 ~%50%黄色 ~蓝色}\n\n"
        "::特种作业::属于特种作业的有？{~%50%电工作业 ~%50%焊接作业 ~%-100%会计}\n\n"
        "::分值不对::哪些正确？{~%50%甲 ~%30%乙 ~丙}\n"
    ).encode()
    report = questions_import(
        bank=bank, result=parse_file(data, "题库.gift"), actor=None, only_valid=True
    )
    assert report.written and report.created == 2
    assert [(e.row, e.code) for e in report.errors] == [(5, "weights_do_not_add_up")]
    single = Question.objects.get(bank=bank, qtype="single").current_version
    assert [(o["text"], o["correct"]) for o in single.options] == [
        ("红色", True),
        ("黄色", False),
        ("蓝色", False),
    ]
    multiple = Question.objects.get(bank=bank, qtype="multiple").current_version
    assert [o["correct"] for o in multiple.options] == [True, True, False]
