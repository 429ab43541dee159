"""Existing certificates from a spreadsheet: the writes and the audit row; parsing is
certificates.imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.imports import CertificateRow, ParsedCertificates
from certificates.models import Certificate, CertificateEvent
from documents.errors import RowError
from documents.imports.report import ImportReport
from documents.imports.runner import CREATED, RowRefused, run_import
from roster.services.audit import audit_record

from .issuing import CertificateError, certificate_create, require_manager

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User


@dataclass
class CertificateImportResult(ImportReport):
    """What an import did, or on a dry run or a refusal, what it would have done."""


def certificate_import(
    *,
    rows: ParsedCertificates,
    actor: User | None,
    only_valid: bool,
    dry_run: bool,
    request: HttpRequest | None = None,
) -> CertificateImportResult:
    """Create a certificate for every good row of a checked file, in one transaction.

    Each goes through certificate_create, so it gets a status-list index, a signed token and
    an "imported" event like any other. Nothing is written when any row is bad (unless
    `only_valid`) or on a dry run; the work is still done and rolled back
    (documents.imports.runner), so a preview reports what the database itself would refuse.
    """
    today = timezone.localdate()

    def write(row: CertificateRow) -> str:
        try:
            # Only the holder's own enterprise admin (or the system admin, or the command
            # line) gives them a certificate, as when one is issued by hand.
            require_manager(actor, row.person)
            certificate_create(
                person=row.person,
                ctype=row.ctype,
                source=Certificate.Source.IMPORT,
                event=CertificateEvent.Kind.IMPORTED,
                actor=actor,
                on=today,
                number=row.number,
                first_issued_on=row.first_issued_on,
                valid_from=row.valid_from,
                valid_until=row.valid_until,
                next_review_on=row.next_review_on,
                issuer_name=row.issuer_name,
                reason=_("Imported from %(file)s") % {"file": rows.filename},
                details={"file": rows.filename, "row": row.row},
            )
        except CertificateError as exc:
            raise RowRefused(RowError(row.row, "", row.number, exc.message)) from exc
        except IntegrityError as exc:
            # Taken by someone else since the file was checked.
            raise RowRefused(
                RowError(
                    row.row, "", row.number, _("A certificate with this number already exists.")
                )
            ) from exc
        return CREATED

    def audit(report: CertificateImportResult) -> None:
        audit_record(
            actor=actor,
            action="certificates.import",
            summary=rows.filename,
            request=request,
            created=report.created,
            bad_rows=report.bad_rows,
            only_valid=only_valid,
        )

    return run_import(
        rows=rows.rows,
        write_row=write,
        report=CertificateImportResult(errors=list(rows.errors)),
        only_valid=only_valid,
        dry_run=dry_run,
        audit=audit,
    )
