"""Writing a parsed question file into a bank: all or nothing unless asked for the good ones.

The parsers (question_banks.imports) turn any supported file into ParsedQuestions and
RowErrors without touching the database. Here the questions are checked once more by the
same rules as hand-written ones, embedded images are stored, near-duplicates of the bank's
own questions are reported, and everything is written in one transaction
(ARCHITECTURE.md rule 8: a bad row changes nothing unless --only-valid is given).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from documents.imports.report import ImportReport as FrameworkReport
from documents.imports.runner import CREATED, RowRefused, run_import
from question_banks.choices import QuestionType
from question_banks.imports.dedupe import normalised
from question_banks.imports.media import EXTENSIONS, PLUGINFILE_RE, file_key, image_type
from question_banks.imports.model import (
    ParsedQuestion,
    ParseResult,
    RowError,
    plain_text,
)
from question_banks.models import Category, Question, QuestionBank
from question_banks.services.permissions import bank_can_change, require
from question_banks.services.questions import (
    question_create,
    question_prepare,
    questions_create_bulk,
)
from roster.models import User
from roster.services.audit import audit_record


@dataclass
class ImportReport(FrameworkReport):
    """The framework's report (documents.imports) with what a question file adds."""

    valid: int = 0  # questions that passed every check
    skipped: list = field(default_factory=list)
    near_duplicates: list = field(default_factory=list)
    notes: list[RowError] = field(default_factory=list)  # remarks that stop nothing

    @property
    def ok(self) -> bool:
        return not self.errors


def _category(bank: QuestionBank, path: list[str], cache: dict) -> Category | None:
    parent = None
    for depth in range(len(path)):
        key = tuple(path[: depth + 1])
        if key not in cache:
            cache[key], _ = Category.objects.get_or_create(
                bank=bank, parent=parent, name=path[depth]
            )
        parent = cache[key]
    return parent


def _store_files(bank: QuestionBank, files: dict[str, bytes]) -> dict[str, str]:
    """Embedded images (Moodle's @@PLUGINFILE@@) become media files; returns name -> URL.

    The parsers keep only pictures the question shows and report every other file
    (imports.media), so nothing reaches here to be left out quietly."""
    urls = {}
    for name, data in files.items():
        kind = image_type(name, data)
        if kind is None:
            continue  # reported by the parser already (file_not_shown)
        digest = hashlib.sha256(data).hexdigest()[:24]
        suffix = EXTENSIONS[kind]
        path = f"question_media/{bank.code}/{digest}{suffix}"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(data))
        urls[name] = default_storage.url(path)
    return urls


def _html(q: ParsedQuestion, text: str, urls: dict[str, str]) -> str:
    html = q.html(text)
    return PLUGINFILE_RE.sub(lambda m: urls.get(file_key(m.group(1)), m.group(0)), html)


def _options(q: ParsedQuestion, urls: dict[str, str]) -> list[dict]:
    return [{"key": o.key, "text": _html(q, o.text, urls), "correct": o.correct} for o in q.options]


def _fields(
    bank: QuestionBank,
    q: ParsedQuestion,
    categories: dict,
    source: str,
    with_category: bool = True,
) -> dict:
    """question_create's arguments for a parsed question (its images stored first).
    Without ``with_category`` the category is left out (not created yet)."""
    urls = _store_files(bank, q.files) if q.files else {}
    return {
        "bank": bank,
        "qtype": q.type,
        "stem": _html(q, q.stem, urls),
        "options": _options(q, urls) if q.type != QuestionType.CASE else [],
        "explanation": _html(q, q.explanation, urls),
        "category": (
            _category(bank, q.category, categories) if q.category and with_category else None
        ),
        "difficulty": q.difficulty or 2,
        "tags": q.tags,
        "shuffle_options": q.shuffle_options,
        "sub_questions": [
            {"qtype": s.type, "stem": _html(q, s.stem, urls), "options": _options(s, urls)}
            for s in q.sub_questions
        ],
        "source": source,
        "stem_key": normalised(q.stem)[:200],
    }


def _write(
    bank: QuestionBank, q: ParsedQuestion, actor: User | None, categories: dict, source: str
) -> Question:
    return question_create(actor=actor, **_fields(bank, q, categories, source))


def questions_import(
    *,
    bank: QuestionBank,
    result: ParseResult,
    actor: User | None,
    only_valid: bool = False,
    dry_run: bool = False,
    source: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Write the parsed questions; report every problem. Nothing is written when a question
    is bad unless `only_valid`, and nothing at all on a dry run. `progress`, when given, is
    told (questions done, questions in the file) as the work goes on."""
    require(
        bank_can_change(actor, bank), gettext("You may only import into your own question banks.")
    )
    report = ImportReport(
        errors=list(result.errors), skipped=list(result.skipped), notes=list(result.notes)
    )
    existing = [
        (pk, plain_text(stem))
        for pk, stem in Question.objects.filter(bank=bank).values_list(
            "pk", "current_version__stem"
        )
    ]
    report.near_duplicates = result.flag_near_duplicates(existing=existing)
    bad_rows = {e.row for e in report.errors if e.row is not None}
    good = [q for q in result.questions if q.source.line is None or q.source.line not in bad_rows]
    categories: dict = {}

    def write(q: ParsedQuestion) -> str:
        try:
            _write(bank, q, actor, categories, source or q.source.file)
        except ValidationError as exc:
            # The bank's report keeps its own RowError (a text file's line may be None, and
            # it carries a code); the runner only appends it back to that report.
            raise RowRefused(
                RowError(  # type: ignore[arg-type]
                    row=q.source.line,
                    column="",
                    value=plain_text(q.stem)[:40],
                    reason="; ".join(exc.messages),
                    code="invalid",
                )
            ) from exc
        return CREATED

    def write_batch(rows: list[ParsedQuestion]) -> dict[int, str]:
        # Questions without embedded files that pass question_create's checks, in bulk; a
        # question it refuses goes through write() to be reported with its own message.
        prepared, positions = [], []
        for i, q in enumerate(rows):
            if q.files:
                continue
            fields = _fields(bank, q, categories, source or q.source.file, with_category=False)
            try:
                question, version_fields = question_prepare(**fields)
            except ValidationError:
                continue
            if q.category:  # created only for a question that is written
                question.category = _category(bank, q.category, categories)
            prepared.append((question, version_fields))
            positions.append(i)
        if prepared:
            questions_create_bulk(bank=bank, prepared=prepared, actor=actor)
        return dict.fromkeys(positions, CREATED)

    def audit(done: ImportReport) -> None:
        audit_record(
            actor=actor,
            action="questions.import",
            target=bank,
            summary=source[:200],
            created=done.created,
            errors=len(done.errors),
            skipped=len(done.skipped),
        )

    run_import(
        rows=good,
        write_row=write,
        report=report,
        only_valid=only_valid,
        dry_run=dry_run,
        audit=audit,
        write_batch=write_batch,
        progress=(lambda done: progress(done, len(good))) if progress is not None else None,
    )
    # `valid` says what is (or would be) written; `created` only what was.
    report.valid = report.created
    if not report.written:
        report.created = 0
    return report
