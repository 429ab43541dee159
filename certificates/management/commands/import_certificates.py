"""`manage.py import_certificates FILE [--dry-run] [--only-valid]` (CONTRACT.md).

Existing certificates (issued before this system, or by another one) for people already on the
roster. What it prints and how it ends is every import command's (documents.imports.command).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from certificates.imports import read_certificates
from certificates.services.imports import certificate_import
from documents.errors import FileProblem
from documents.imports.command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import existing certificates from .xlsx or .csv (the template of CONTRACT.md: 姓名, "
        "身份证号, 证书类型, 作业类别, 操作项目, 证书编号, 初领日期, 有效期至, 下次复审日期, "
        "发证机关). Holders must already be on the roster. Every bad row is reported; nothing "
        "is written when any row is bad unless --only-valid is given."
    )

    file_help = "The certificate file, .xlsx or .csv."

    def handle(self, *args, **options):
        path = Path(options["file"])
        data = self.read_file(path)
        try:
            rows = read_certificates(data, path.name)
        except FileProblem as exc:
            raise CommandError(f"{path.name}: {exc}") from exc

        result = certificate_import(
            rows=rows, actor=None, only_valid=options["only_valid"], dry_run=options["dry_run"]
        )
        self.write_bad_rows(result.sorted_errors(), options)
        if result.written:
            summary = _("%(rows)s rows read, %(bad)s bad; imported %(created)s certificates.")
        else:
            summary = _("%(rows)s rows read, %(bad)s bad; would import %(created)s certificates.")
        self.stdout.write(
            summary % {"rows": rows.total_rows, "bad": result.bad_rows, "created": result.created}
        )
        if result.updated:
            # Rows of a second operation item go onto the holder's one 特种作业操作证.
            items = _("Operation items added to existing special-operation certificates: %(n)s.")
            self.stdout.write(items % {"n": result.updated})
        self.finish(
            bad_rows=result.bad_rows,
            refused=result.refused,
            written=result.written,
        )
