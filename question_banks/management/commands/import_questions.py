"""Import questions from the Excel template, Moodle XML, GIFT or Aiken (CONTRACT.md).

What it prints and how it ends is every import command's (documents.imports.command): a dry run
that finds a bad row fails too."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from documents.imports.command import ImportCommand
from question_banks.imports import FORMATS, UnknownFormat, parse_file
from question_banks.imports.model import qtype_label
from question_banks.models import QuestionBank, bank_code_validator
from question_banks.services.imports import questions_import


class Command(ImportCommand):
    file_help = "The question file: .xlsx, Moodle XML, GIFT or Aiken."

    help = (
        "Import questions into a bank from the Excel template, Moodle XML, GIFT or Aiken. Every "
        "bad row is reported; nothing is written when any row is bad unless --only-valid is given."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--bank", required=True, help="question bank code")
        parser.add_argument("--format", choices=FORMATS, help="guessed from the file when omitted")
        parser.add_argument("--create-bank", metavar="NAME", help="create the bank if missing")

    def handle(self, *args, **options):
        self._options = options
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        if path.stat().st_size > settings.UPLOAD_MAX_BYTES:
            raise CommandError(f"the file is larger than {settings.UPLOAD_MAX_BYTES} bytes")
        try:
            result = parse_file(path.read_bytes(), path.name, options["format"])
        except UnknownFormat as exc:
            raise CommandError(
                "the file format is not recognised; give --format xlsx|moodle|gift|aiken"
            ) from exc
        with transaction.atomic():
            bank = QuestionBank.objects.filter(code=options["bank"]).first()
            if bank is None:
                if not options["create_bank"]:
                    raise CommandError(
                        f"no question bank with code {options['bank']!r} (add --create-bank NAME)"
                    )
                try:
                    bank_code_validator(options["bank"])
                except ValidationError as exc:
                    raise CommandError(
                        f"the bank code {options['bank']!r} cannot be part of a web address: "
                        "letters, digits, '-', '_' and '.' (not first) only"
                    ) from exc
                bank = QuestionBank.objects.create(
                    code=options["bank"], name=options["create_bank"]
                )
            report = questions_import(
                bank=bank,
                result=result,
                actor=None,
                only_valid=options["only_valid"],
                dry_run=options["dry_run"],
                source=path.name,
            )
            if not report.written:
                transaction.set_rollback(True)  # a bank created for nothing goes too
        self._print(report)
        self.finish(
            bad_rows=report.bad_rows,
            refused=report.refused,
            written=report.written,
        )

    def _print(self, report):
        self.write_bad_rows(report.errors, self._options)
        for s in report.skipped:
            values = {"type": qtype_label(s.type), "name": s.name, "reason": s.reason}
            if s.line is None:
                line = _("Skipped (%(type)s) “%(name)s”: %(reason)s") % values
            else:
                line = _("Row %(row)s, skipped (%(type)s) “%(name)s”: %(reason)s") % {
                    **values,
                    "row": s.line,
                }
            self.stdout.write(line)
        for note in report.notes:
            self.stdout.write(
                _("Note, row %(row)s: %(reason)s") % {"row": note.row, "reason": note.reason}
            )
        for d in report.near_duplicates:
            values = {"index": d.index + 1, "similarity": f"{d.similarity:.0%}"}
            if d.existing_key is not None:
                line = _(
                    "Near-duplicate: question %(index)s of the file is %(similarity)s like "
                    "question #%(key)s of the bank."
                ) % {**values, "key": d.existing_key}
            else:
                line = _(
                    "Near-duplicate: question %(index)s of the file is %(similarity)s like "
                    "question %(other)s of the file."
                ) % {**values, "other": d.other_index + 1}
            self.stdout.write(line)
        values = {
            "valid": report.valid,
            "bad": report.bad_rows,
            "skipped": len(report.skipped),
            "created": report.created,
        }
        if report.written:
            summary = _(
                "%(valid)s valid, %(bad)s bad rows, %(skipped)s skipped; "
                "imported %(created)s questions."
            )
        else:
            summary = _(
                "%(valid)s valid, %(bad)s bad rows, %(skipped)s skipped; "
                "would import %(valid)s questions."
            )
        self.stdout.write(summary % values)
