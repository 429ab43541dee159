"""Every real sample file in data/moodle/ imports with the counts read off the file.

The files are Moodle's and QAS-Editor's own fixtures (see SOURCES.md there); the numbers below
were counted by hand from the files, not from the parser's output.
"""

from collections import Counter
from pathlib import Path

import pytest

from question_banks.imports import aiken, detect_format, gift, moodle_xml, parse_file

# In the repository, with their sources and licences (SOURCES.md, COPYING) beside them.
SAMPLES = Path(__file__).resolve().parent / "data" / "moodle"

# file: (format, questions by type, skipped (name, type), errors (line, code), duplicate pairs)
EXPECTED = {
    "nested_categories_with_questions.xml": (
        "moodle",
        {"judge": 4},
        [("Kappa Essay Question", "essay")],
        [],
        [],
    ),
    # The question asks what an MP3 says: the exam page plays no audio, so it is reported.
    "multichoice.xml": ("moodle", {}, [], [(12, "file_not_shown")], []),
    "old_format_file.xml": ("moodle", {"judge": 2}, [], [], []),
    "truefalse_testquestion.moodle.xml": ("moodle", {"judge": 1}, [], [], []),
    "categories_reverse_order.xml": (
        "moodle",
        {},
        [("Tau Question", "essay"), ("Sigma Question", "shortanswer")],
        [],
        [],
    ),
    "sample_questions_with_old_image_tag.xml": (
        "moodle",
        {"single": 1},
        [("cloze question with image", "cloze")],
        [],
        [],
    ),
    "truefalse.xml": ("moodle", {"judge": 2}, [], [], []),
    "export_category.xml": ("moodle", {"judge": 1}, [], [], []),
    "error_invalid_grades.xml": ("moodle", {}, [], [(38, "invalid_grade")], []),
    "testquestion.moodle.xml": ("moodle", {"multiple": 1}, [], [], []),
    "questions.gift.txt": (
        "gift",
        {"single": 1, "multiple": 1, "judge": 3},
        [
            ("Q8", "essay"),
            ("Moodle activities", "matching"),
            ("Q5", "numerical"),
            ("Shortanswer", "shortanswer"),
        ],
        [],
        [(1, 0), (4, 3)],  # Q2/colours and the two "2-08 TSL" share their stems
    ),
    "questions_in_category.gift.txt": (
        "gift",
        {"single": 1, "judge": 1},
        [("Moodle activities", "matching"), ("Moodle user", "shortanswer")],
        [],
        [],
    ),
    # Questions 3 and 4 show a picture that a GIFT file cannot carry.
    "qaseditor_true_false.gift": (
        "gift",
        {"judge": 2},
        [],
        [(10, "missing_file"), (12, "missing_file")],
        [(1, 0)],
    ),
    "qaseditor_multichoice.gift": ("gift", {"single": 2, "multiple": 2}, [], [], []),
    "questions.aiken.txt": ("aiken", {"single": 1, "judge": 1}, [], [], []),
    "aiken_errors.txt": (
        "aiken",
        {"single": 3},
        [],
        # Each bad question at its own first line (Moodle names the line where it noticed).
        [(1, "too_few_options"), (5, "not_started"), (7, "not_started"), (14, "not_completed")],
        [],
    ),
    "qaseditor_aiken_1.txt": ("aiken", {"single": 5}, [], [], []),
}


# The folder's notes, not samples: where each file comes from, and the licence they travel with.
NOTES = {"SOURCES.md", "COPYING", ".gitattributes"}


def test_every_sample_file_is_covered():
    on_disk = {p.name for p in SAMPLES.iterdir() if p.name not in NOTES}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_sample_file_has_its_source_and_licence_in_the_note_beside_it(name):
    """A GPL file copied without its source and licence may not be passed on: the note's table
    row names the file with its size in bytes, its repository and its licence."""
    rows = [
        line.split("|")[1:-1]
        for line in (SAMPLES / "SOURCES.md").read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| {name} |")
    ]
    assert len(rows) == 1
    _, size, repository, _, _, licence = (cell.strip() for cell in rows[0])
    assert int(size) == (SAMPLES / name).stat().st_size
    assert repository in {"moodle/moodle", "LucasWolfgang/QAS-Editor"}
    assert licence.startswith("GPL-3.0")
    assert "GNU GENERAL PUBLIC LICENSE" in (SAMPLES / "COPYING").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_file_counts(name):
    fmt, by_type, skipped, errors, duplicates = EXPECTED[name]
    data = (SAMPLES / name).read_bytes()
    assert detect_format(data[:8192], name) == fmt
    result = parse_file(data, name)
    assert Counter(q.type for q in result.questions) == Counter(by_type)
    assert [(s.name, s.type) for s in result.skipped] == skipped
    assert [(e.row, e.code) for e in result.errors] == errors
    assert [(d.index, d.other_index) for d in result.near_duplicates] == duplicates
    assert all(q.source.file == name and q.source.line for q in result.questions)


def test_moodle_categories_drop_context_top_and_default():
    nested = moodle_xml.parse(SAMPLES / "nested_categories_with_questions.xml")
    assert [(q.name, q.category) for q in nested.questions] == [
        ("Iota Question", ["Iota"]),
        ("Kappa Question", ["Iota", "Kappa"]),
        ("Lambda Question", ["Iota", "Kappa", "Lambda"]),
        ("Mu Question", ["Iota", "Mu"]),
    ]
    assert moodle_xml.parse(SAMPLES / "truefalse.xml").questions[0].category == ["TrueFalse"]
    old_image = moodle_xml.parse(SAMPLES / "sample_questions_with_old_image_tag.xml")
    assert old_image.questions[0].category == []  # "$module$/Default for …" means nothing here
    assert moodle_xml.parse(SAMPLES / "export_category.xml").questions[0].category == ["Alpha"]
    assert moodle_xml.parse(SAMPLES / "testquestion.moodle.xml").questions[0].category == []


def test_moodle_multichoice_whose_question_is_an_mp3_is_reported_not_half_imported():
    result = moodle_xml.parse(SAMPLES / "multichoice.xml")
    assert result.questions == []
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (12, "文件", "bonjour.mp3")


def test_moodle_old_image_tag_goes_after_the_question_text_as_moodle_puts_it():
    result = moodle_xml.parse(SAMPLES / "sample_questions_with_old_image_tag.xml")
    (question,) = result.questions
    assert question.name == "mcq with image"
    assert question.type == "single" and question.correct_keys == "C"
    assert [o.text for o in question.options] == [
        "wrong answer",
        "another wrong answer",
        "right answer",
    ]
    assert question.stem.endswith(' <img src="@@PLUGINFILE@@/moodle.png" />')
    assert list(question.files) == ["moodle.png"]
    assert question.files["moodle.png"].startswith(b"\x89PNG")
    assert len(question.files["moodle.png"]) == 606
    assert result.notes == []


def test_moodle_truefalse_answers_and_feedback():
    false_q, true_q = moodle_xml.parse(SAMPLES / "truefalse.xml").questions
    assert (false_q.name, false_q.correct_keys) == ("Moodle acronym (False)", "B")
    assert (true_q.name, true_q.correct_keys) == ("Moodle acronym (True)", "A")
    assert [o.text for o in true_q.options] == ["正确", "错误"]
    assert true_q.shuffle_options is False
    assert "documentation about Moodle" in true_q.explanation
    # Only files the kept texts use; the per-answer feedback (thumbs) is not imported, and
    # each of its pictures is named in a note at its question's line.
    assert sorted(true_q.files) == ["infos.jpg", "logo.jpg"]
    notes = moodle_xml.parse(SAMPLES / "truefalse.xml").notes
    assert [(n.row, n.value, n.code) for n in notes] == [
        (12, "thumbdown.jpg", "file_left_out"),
        (12, "thumbup.jpg", "file_left_out"),
        (40, "thumbdown.jpg", "file_left_out"),
        (40, "thumbup.jpg", "file_left_out"),
    ]


def test_moodle_categories_in_any_order_and_old_files():
    old = moodle_xml.parse(SAMPLES / "old_format_file.xml").questions
    assert [(q.name, q.category, q.correct_keys) for q in old] == [
        ("Pi Question", ["Pi"], "A"),
        ("Rho Question", ["Pi", "Rho"], "A"),
    ]
    (tf,) = moodle_xml.parse(SAMPLES / "truefalse_testquestion.moodle.xml").questions
    assert (tf.name, tf.type, tf.correct_keys) == ("true-false-001", "judge", "A")
    assert tf.explanation == "You should have selected true."
    assert tf.category == ["Test questions"]


def test_moodle_multiple_and_general_feedback():
    (question,) = moodle_xml.parse(SAMPLES / "testquestion.moodle.xml").questions
    assert question.name == "Multi-choice-001"
    assert [o.text for o in question.options] == ["Tokyo", "Spain", "London", "Barcelona", "Paris"]
    assert question.correct_keys == "CE"
    assert question.explanation == "Berlin, Paris and London"


def test_moodle_invalid_grade_is_reported_with_its_value():
    result = moodle_xml.parse(SAMPLES / "error_invalid_grades.xml")
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (38, "分值", "33")  # the Grade field
    assert result.questions == []


def test_gift_details():
    result = gift.parse(SAMPLES / "questions.gift.txt")
    q2, colours, q1, tsl, tsl_true = result.questions
    assert (q2.name, q2.correct_keys, [o.text for o in q2.options]) == (
        "Q2",
        "A",
        ["yellow", "red", "blue"],
    )
    assert colours.type == "multiple" and colours.correct_keys == "AC"
    # The stray '";' after the closing brace is left out of the stem.
    assert q1.stem == "42 is the Absolute Answer to everything."
    assert q1.correct_keys == "B"
    assert q1.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert (tsl.correct_keys, tsl_true.correct_keys) == ("A", "A")

    greeting, acronym = gift.parse(SAMPLES / "questions_in_category.gift.txt").questions
    assert greeting.text_format == "html"
    assert greeting.stem.startswith(
        '<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:'
    )
    assert greeting.correct_keys == "B" and greeting.category == []
    assert acronym.type == "judge" and acronym.correct_keys == "A"


def test_gift_qaseditor_files():
    result = gift.parse(SAMPLES / "qaseditor_true_false.gift")
    tf = result.questions
    assert [q.correct_keys for q in tf] == ["A", "B"]
    assert "\n<p>Is this statement true or false?" in tf[0].stem  # literal \n became a newline
    assert tf[0].explanation.startswith("<p>This question is operating")
    # GIFT cannot carry the picture those two questions show: reported, not a broken image.
    assert [(e.row, e.value) for e in result.errors] == [
        (10, "moodlewhich.jpg"),
        (12, "moodlewhich.jpg"),
    ]

    mc = gift.parse(SAMPLES / "qaseditor_multichoice.gift").questions
    assert [(q.name, q.type, q.correct_keys) for q in mc] == [
        ("Multichoice1", "multiple", "ABC"),
        ("Multichoice2", "single", "A"),
        ("Multichoice3", "single", "B"),
        ("Multichoice4", "multiple", "ACF"),
    ]
    assert mc[2].explanation.startswith("<p><span")
    assert "http://docs.moodle.org/dev/Releases" in mc[2].explanation


def test_aiken_details():
    started, true_false = aiken.parse(SAMPLES / "questions.aiken.txt").questions
    assert started.correct_keys == "B" and len(started.options) == 4
    assert true_false.type == "judge" and true_false.correct_keys == "A"
    assert true_false.text_format == "plain"
    assert '<html class="cool"> &' in true_false.stem  # plain text, shown escaped

    good = aiken.parse(SAMPLES / "aiken_errors.txt").questions
    assert [q.stem for q in good] == [
        "A good question",
        "A second good question",
        "A third good question with HTML chars such as > < &",
    ]
    assert [o.text for o in good[1].options] == ["Incorrect (No space)", "Correct (No space)"]

    last = aiken.parse(SAMPLES / "qaseditor_aiken_1.txt").questions[-1]
    assert [o.text for o in last.options] == ["."] * 4  # media stripped at the source
