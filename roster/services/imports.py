"""Roster spreadsheets in and out: the writes and the audit rows; parsing is roster.imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from documents.imports.report import ImportReport
from documents.imports.runner import CREATED, UNCHANGED, UPDATED, RowRefused, run_import
from roster.exports import roster_workbook
from roster.identity import mask_id_number
from roster.imports import ParsedRoster, RowError
from roster.imports.roster import RosterRow
from roster.imports.vocabulary import TEMPLATE_HEADERS

from .audit import audit_record
from .errors import RosterError
from .people import person_create_or_update
from .people_batch import people_import_batch

if TYPE_CHECKING:
    from collections.abc import Container

    from django.db.models import QuerySet
    from django.http import HttpRequest

    from roster.models import Employment, User

    from .people import PersonData


@dataclass(frozen=True)
class TransferRow:
    """A good row naming a person employed at another enterprise: not a bad row, but not an
    import either. A transfer request goes (or went) to that enterprise; the row says no
    more than the uploader wrote, with the ID number masked."""

    row: int
    name: str
    id_number_masked: str
    already_waiting: bool  # this enterprise's request for the person waits there already


@dataclass
class ImportResult(ImportReport):
    """What an import did, or on a dry run or a refusal, what it would have done."""

    transfers: list[TransferRow] = field(default_factory=list)


def roster_import(
    *,
    rows: ParsedRoster,
    actor: User | None,
    only_valid: bool,
    dry_run: bool,
    request: HttpRequest | None = None,
) -> ImportResult:
    """Upsert every good row of a checked roster in one transaction, with one audit row.

    Nothing is written when any row is bad (unless `only_valid`) or on a dry run; the counts
    are still worked out, by doing the work and rolling it back (documents.imports.runner),
    so a preview shows exactly what the real import will do. A crash half-way leaves nothing.
    """
    result = ImportResult(errors=list(rows.errors))

    def write(row: RosterRow) -> str | None:
        try:
            outcome = person_create_or_update(
                data=row.data, actor=actor, audit=False, request=request
            )
        except RosterError as exc:
            # The service's own refusals (a name that differs from the one on file, a person
            # the actor may not change) are bad rows like any other, at the column they concern.
            raise RowRefused(_refused_row(row.row, row.data, exc)) from exc
        except ValidationError as exc:
            # The checks in roster.imports should make this unreachable; if the model
            # still refuses a row, report it like any other bad row.
            raise RowRefused(RowError(row.row, "", row.data.id_number, _join(exc))) from exc
        if outcome.transfer is not None:
            result.transfers.append(
                TransferRow(
                    row.row,
                    row.data.name,
                    mask_id_number(row.data.id_number),
                    already_waiting=not outcome.changed,
                )
            )
            return None
        if outcome.created_person:
            return CREATED
        return UPDATED if outcome.changed else UNCHANGED

    def audit(report: ImportResult) -> None:
        audit_record(
            actor=actor,
            action="roster.import",
            summary=rows.filename,
            request=request,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            transfers=len(report.transfers),
            bad_rows=report.bad_rows,
            only_valid=only_valid,
            enterprises=sorted({row.data.enterprise.uscc for row in rows.rows}),
        )

    def write_batch(good: list[RosterRow]) -> dict[int, str]:
        # New people and unchanged ones in bulk; the rest row by row through write().
        return people_import_batch(rows=[row.data for row in good], actor=actor)

    return run_import(
        rows=rows.rows,
        write_row=write,
        report=result,
        only_valid=only_valid,
        dry_run=dry_run,
        audit=audit,
        write_batch=write_batch,
    )


def _refused_row(number: int, data: PersonData, exc: RosterError) -> RowError:
    if exc.field == "name":
        return RowError(number, TEMPLATE_HEADERS["name"], data.name, exc.message)
    return RowError(number, "", data.id_number and mask_id_number(data.id_number), exc.message)


def _join(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def roster_export(
    *,
    employments: QuerySet[Employment],
    actor: User | None,
    unmasked_enterprises: Container[int] | None,
    request: HttpRequest | None = None,
    **details: Any,
) -> tuple[bytes, int]:
    """The roster as .xlsx bytes in the import template, and how many people it holds.

    `unmasked_enterprises`: ids of the enterprises whose people get full ID numbers and
    phones; None for every row (a system admin, the command line). One audit row records
    the export; `details` (filters, where it came from) go into it.
    """
    with transaction.atomic():
        content, count = roster_workbook(
            employments.iterator(chunk_size=2000), unmasked_enterprises=unmasked_enterprises
        )
        audit_record(
            actor=actor,
            action="roster.export",
            summary=f"{count}",
            request=request,
            count=count,
            masked=unmasked_enterprises is not None,
            **{k: v for k, v in details.items() if v},
        )
    return content, count
