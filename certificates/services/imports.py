"""Existing certificates from a spreadsheet: the writes and the audit row; parsing is
certificates.imports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.imports import CertificateRow, ParsedCertificates
from certificates.models import (
    Certificate,
    CertificateEvent,
    CertificateFamily,
)
from documents.errors import RowError
from documents.imports.report import ImportReport
from documents.imports.runner import CREATED, UPDATED, RowRefused, run_import
from roster.services.audit import audit_record

from .issuing import CertificateError, certificate_create, certificate_item_add, require_manager
from .numbering import LIVE_STATUSES

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User


@dataclass
class CertificateImportResult(ImportReport):
    """What an import did, or on a dry run or a refusal, what it would have done."""


def _card_taking_item(row: CertificateRow) -> Certificate | None:
    """The card a row's operation item goes onto: the one the check found, or one an earlier
    row of the same file made under the same number. Refuses an item the card lists."""
    card = row.add_to
    if card is None and row.ctype.family == CertificateFamily.SPECIAL_OPERATION:
        # Only a card that still holds the number takes items; a cancelled or revoked one
        # has given the person's T + ID number back (numbering.LIVE_STATUSES).
        card = Certificate.objects.filter(
            number=row.number, person=row.person, status__in=LIVE_STATUSES
        ).first()
    if card is None:
        return None
    listed = (
        card.certificate_type_id == row.ctype.pk
        or card.items.filter(certificate_type=row.ctype).exists()
    )
    if listed:
        raise RowRefused(
            RowError(
                row.row,
                "",
                row.ctype.name,
                _("%(name)s already holds %(number)s of this type.")
                % {"name": row.person.name, "number": card.number},
            )
        )
    return card


def certificate_import(
    *,
    rows: ParsedCertificates,
    actor: User | None,
    only_valid: bool,
    dry_run: bool,
    request: HttpRequest | None = None,
) -> CertificateImportResult:
    """Create a certificate for every good row of a checked file, in one transaction; a row
    of an operation item for someone whose 特种作业操作证 exists (or an earlier row made it)
    adds the item to that card and counts as updated.

    Each goes through certificate_create, so it gets a status-list index, a signed token and
    an "imported" event like any other. Nothing is written when any row is bad (unless
    `only_valid`) or on a dry run; the work is still done and rolled back
    (documents.imports.runner), so a preview reports what the database itself would refuse.
    """
    today = timezone.localdate()
    reason = _("Imported from %(file)s") % {"file": rows.filename}

    def write(row: CertificateRow) -> str:
        try:
            # Only the holder's own enterprise admin (or the system admin, or the command
            # line) gives them a certificate, as when one is issued by hand.
            require_manager(actor, row.person)
            card = _card_taking_item(row)
            if card is not None:
                # One 特种作业操作证 per person: the row's item goes onto it.
                certificate_item_add(
                    certificate=card,
                    ctype=row.ctype,
                    actor=actor,
                    on=row.first_issued_on,
                    reason=reason,
                )
                return UPDATED
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
                reason=reason,
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
