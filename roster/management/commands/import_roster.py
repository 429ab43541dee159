"""`manage.py import_roster FILE [--enterprise USCC] [--dry-run] [--only-valid]` (CONTRACT.md).

The command acts for the system, with no user: it may import into any enterprise, named by
the file's 统一社会信用代码 column or by --enterprise. What it prints and how it ends is every
import command's (documents.imports.command).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from documents.imports.command import ImportCommand
from roster.identity import IdentityError, validate_uscc
from roster.imports import FileProblem, read_roster
from roster.models import Enterprise
from roster.services.imports import roster_import


class Command(ImportCommand):
    help = (
        "Import people from a roster (.xlsx or .csv, the template of CONTRACT.md), upserting "
        "by ID number. Every bad row is reported; nothing is written when any row is bad "
        "unless --only-valid is given."
    )

    file_help = "The roster file, .xlsx or .csv."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--enterprise",
            metavar="USCC",
            help="Import everyone into this enterprise (统一社会信用代码); the file's own "
            "统一社会信用代码 column may then be left out, or must agree.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        enterprise = enterprise_option(options["enterprise"]) if options["enterprise"] else None
        data = self.read_file(path)
        try:
            rows = read_roster(
                data, path.name, enterprises=Enterprise.objects.all(), enterprise=enterprise
            )
        except FileProblem as exc:
            raise CommandError(f"{path.name}: {exc}") from exc

        result = roster_import(
            rows=rows, actor=None, only_valid=options["only_valid"], dry_run=options["dry_run"]
        )
        self.write_bad_rows(result.errors, options)
        if result.written:
            summary = _(
                "%(rows)s rows read, %(bad)s bad; created %(created)s, updated %(updated)s, "
                "unchanged %(unchanged)s."
            )
        else:
            summary = _(
                "%(rows)s rows read, %(bad)s bad; would create %(created)s, update %(updated)s, "
                "leave %(unchanged)s unchanged."
            )
        self.stdout.write(
            summary
            % {
                "rows": rows.total_rows,
                "bad": result.bad_rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
        self.finish(
            bad_rows=result.bad_rows,
            refused=result.refused,
            written=result.written,
        )


def enterprise_option(uscc: str) -> Enterprise:
    """The enterprise an --enterprise option names, or a CommandError saying why not."""
    try:
        code = validate_uscc(uscc)
        return Enterprise.objects.get(uscc=code)
    except IdentityError as exc:
        raise CommandError(f"--enterprise: {exc}") from exc
    except Enterprise.DoesNotExist as exc:
        raise CommandError(
            _("--enterprise: no enterprise has the code %(uscc)s.") % {"uscc": uscc}
        ) from exc
