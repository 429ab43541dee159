"""Export a bank to the Excel template or Moodle XML; the file re-imports to the same questions."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from question_banks.exports import WRITERS
from question_banks.models import QuestionBank
from question_banks.services.exports import bank_questions


class Command(BaseCommand):
    help = "Export a question bank to .xlsx (the import template) or Moodle XML."

    def add_arguments(self, parser):
        parser.add_argument("--bank", required=True, help="question bank code")
        parser.add_argument("--format", required=True, choices=sorted(WRITERS))
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, **options):
        bank = QuestionBank.objects.filter(code=options["bank"]).first()
        if bank is None:
            raise CommandError(f"no question bank with code {options['bank']!r}")
        questions = bank_questions(bank)
        data = WRITERS[options["format"]](questions)
        Path(options["output"]).write_bytes(data)
        self.stdout.write(f"{len(questions)} questions written to {options['output']}")
