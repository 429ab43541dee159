"""`manage.py import_certificates FILE [--dry-run] [--only-valid]` (CONTRACT.md).

Existing certificates (issued before this system, or by another one) for people already on the
roster. Bad rows go to stdout, one per line, so a script can keep them; the one-line verdict
goes to stderr with a non-zero exit.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.importers import read_certificates
from certificates.services.imports import certificate_import
from roster.importers import FileProblem
from roster.importers.limits import check_size


class Command(BaseCommand):
    help = (
        "Import existing certificates from .xlsx or .csv (the template of CONTRACT.md: 姓名, "
        "身份证号, 证书类型, 作业类别, 操作项目, 证书编号, 初领日期, 有效期至, 下次复审日期, "
        "发证机关). Holders must already be on the roster. Every bad row is reported; nothing "
        "is written when any row is bad unless --only-valid is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The certificate file, .xlsx or .csv.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count, but write nothing."
        )
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="Import the good rows even when some rows are bad.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            check_size(path.stat().st_size)
            rows = read_certificates(path.read_bytes(), path.name)
        except OSError as exc:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": exc.strerror or exc}
            ) from exc
        except FileProblem as exc:
            raise CommandError(f"{path.name}: {exc}") from exc

        result = certificate_import(
            rows=rows, actor=None, only_valid=options["only_valid"], dry_run=options["dry_run"]
        )
        for error in sorted(result.errors, key=lambda e: e.row):
            self.stdout.write(
                _("Row %(row)s, %(column)s, %(value)s: %(reason)s")
                % {
                    "row": error.row,
                    "column": error.column or "-",
                    "value": error.value or _("(blank)"),
                    "reason": error.reason,
                }
            )
        if result.written:
            summary = _("%(rows)s rows read, %(bad)s bad; imported %(created)s certificates.")
        else:
            summary = _("%(rows)s rows read, %(bad)s bad; would import %(created)s certificates.")
        self.stdout.write(
            summary % {"rows": rows.total_rows, "bad": result.bad_rows, "created": result.created}
        )
        if result.refused:
            raise CommandError(
                _("%(bad)s bad rows; nothing was imported (fix them, or use --only-valid).")
                % {"bad": result.bad_rows}
            )
        if not result.written:
            self.stdout.write(_("Dry run: nothing was written."))
