"""`manage.py import_certificates FILE [--dry-run] [--only-valid]` (CONTRACT.md).

Existing certificates (issued before this system, or by another one) for people already on the
roster. What it prints and how it ends is every import command's (roster.importers.report).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from certificates.importers import read_certificates
from certificates.services.imports import certificate_import
from documents.sheets import check_size
from roster.importers import FileProblem
from roster.importers.report import finish_import, write_bad_rows


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
        write_bad_rows(self.stdout, sorted(result.errors, key=lambda e: e.row))
        if result.written:
            summary = _("%(rows)s rows read, %(bad)s bad; imported %(created)s certificates.")
        else:
            summary = _("%(rows)s rows read, %(bad)s bad; would import %(created)s certificates.")
        self.stdout.write(
            summary % {"rows": rows.total_rows, "bad": result.bad_rows, "created": result.created}
        )
        finish_import(
            stdout=self.stdout,
            bad_rows=result.bad_rows,
            refused=result.refused,
            written=result.written,
        )
