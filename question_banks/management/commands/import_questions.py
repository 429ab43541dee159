"""Import questions from the Excel template, Moodle XML, GIFT or Aiken (CONTRACT.md)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from question_banks.interchange import FORMATS, UnknownFormat, parse_file
from question_banks.models import QuestionBank
from question_banks.services.imports import questions_import


class Command(BaseCommand):
    help = "Import questions into a bank; every bad row is reported and nothing is written."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--bank", required=True, help="question bank code")
        parser.add_argument("--format", choices=FORMATS, help="guessed from the file when omitted")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--only-valid", action="store_true", help="write the good questions")
        parser.add_argument("--create-bank", metavar="NAME", help="create the bank if missing")

    def handle(self, *args, **options):
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
        if report.errors and not options["only_valid"] and not options["dry_run"]:
            raise CommandError(
                f"{len(report.errors)} bad rows; nothing was written "
                "(fix them, or pass --only-valid to import the good questions)"
            )

    def _print(self, report):
        for e in report.errors:
            where = f"row {e.row}" if e.row is not None else "file"
            column = f", {e.column}" if e.column else ""
            value = f" [{e.value}]" if e.value else ""
            self.stdout.write(f"  error {where}{column}{value}: {e.reason}")
        for s in report.skipped:
            self.stdout.write(f"  skipped {s.type} {s.name!r}: {s.reason}")
        for d in report.near_duplicates:
            if d.existing_key is not None:
                other = f"question #{d.existing_key} of the bank"
            else:
                other = f"question {d.other_index + 1} of the file"
            self.stdout.write(
                f"  near-duplicate: question {d.index + 1} is {d.similarity:.0%} like {other}"
            )
        self.stdout.write(
            f"{report.valid} valid, {len(report.errors)} bad, {len(report.skipped)} skipped, "
            f"{report.created} written"
        )
