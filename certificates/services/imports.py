"""Existing certificates from a spreadsheet: the writes and the audit row; parsing is
certificates.importers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.importers import ParsedCertificates
from certificates.models import Certificate, CertificateEvent
from roster.importers import RowError
from roster.services.audit import audit_record

from .issuing import CertificateError, certificate_create

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User


@dataclass
class CertificateImportResult:
    """What an import did, or on a dry run or a refusal, what it would have done."""

    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    refused: bool = False  # bad rows and not `only_valid`: nothing may be written

    @property
    def bad_rows(self) -> int:
        return len({e.row for e in self.errors})


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
    `only_valid`) or on a dry run; the work is still done and rolled back, so a preview
    reports what the database itself would refuse.
    """
    result = CertificateImportResult(errors=list(rows.errors))
    today = timezone.localdate()
    with transaction.atomic():
        for row in rows.rows:
            try:
                with transaction.atomic():
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
                result.errors.append(RowError(row.row, "", row.number, exc.message))
                continue
            except IntegrityError:
                # Taken by someone else since the file was checked.
                result.errors.append(
                    RowError(
                        row.row, "", row.number, _("A certificate with this number already exists.")
                    )
                )
                continue
            result.created += 1
        # Decided after the loop: a row the database refused counts as bad too.
        result.refused = bool(result.errors) and not only_valid
        result.written = not dry_run and not result.refused
        if result.written:
            audit_record(
                actor=actor,
                action="certificates.import",
                summary=rows.filename,
                request=request,
                created=result.created,
                bad_rows=result.bad_rows,
                only_valid=only_valid,
            )
        else:
            transaction.set_rollback(True)
    return result
