"""The enterprise directory and the region list: imports (through the import framework,
documents.imports) and exports, each with its audit row.

Who may write (ARCHITECTURE.md rule 10): the system admin and the system anywhere; a regulator
within the region subtree and industries of their grants (roster.selectors.directory_scope).
The parser already reports an out-of-scope row as bad; each write checks again here, so a
caller that skipped the parser cannot reach past its scope either.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from documents.errors import RowError
from documents.imports.report import ImportReport
from documents.imports.runner import CREATED, UNCHANGED, UPDATED, RowRefused, run_import
from roster.exports import enterprise_workbook, region_workbook
from roster.imports import directory as d
from roster.models import Enterprise, Region
from roster.selectors import directory_scope

from .audit import audit_record

if TYPE_CHECKING:
    from django.http import HttpRequest

    from roster.models import User


def directory_require(actor: User | None) -> None:
    """Refuse a user who keeps no part of the directory (a trainer, an enterprise admin)."""
    if not directory_scope(actor).any:
        raise PermissionDenied(_("Only the system admin and regulators keep the directory."))


def enterprise_directory_import(
    *,
    rows: d.ParsedDirectory,
    actor: User | None,
    only_valid: bool,
    dry_run: bool,
    request: HttpRequest | None = None,
) -> ImportReport:
    """Upsert the good rows by 统一社会信用代码, all or nothing (documents.imports.runner)."""
    directory_require(actor)
    scope = directory_scope(actor)

    def write(row: d.EnterpriseRow) -> str:
        existing = (
            Enterprise.objects.select_for_update()
            .select_related("region", "industry")
            .filter(uscc=row.uscc)
            .first()
        )
        reason = d.enterprise_out_of_scope(
            scope, region=row.region, industry=row.industry, existing=existing
        )
        if reason:
            raise RowRefused(RowError(row.row, d.ENTERPRISE_TEMPLATE[d.REGION], row.uscc, reason))
        enterprise = existing or Enterprise(uscc=row.uscc)
        values = {
            "name": row.name,
            "region": row.region,
            "industry": row.industry,
            "address": row.address,
            "legal_representative": row.legal_representative,
            "contact_phone": row.contact_phone,
        }
        changed = existing is None or any(
            getattr(enterprise, key) != value for key, value in values.items()
        )
        if not changed:
            return UNCHANGED
        for key, value in values.items():
            setattr(enterprise, key, value)
        try:
            enterprise.full_clean()
        except ValidationError as exc:
            raise RowRefused(RowError(row.row, "", row.uscc, " ".join(exc.messages))) from exc
        enterprise.save()
        return CREATED if existing is None else UPDATED

    def audit(report: ImportReport) -> None:
        audit_record(
            actor=actor,
            action="enterprises.import",
            summary=rows.filename,
            request=request,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            bad_rows=report.bad_rows,
            only_valid=only_valid,
        )

    return run_import(
        rows=rows.rows,
        write_row=write,
        report=ImportReport(errors=list(rows.errors)),
        only_valid=only_valid,
        dry_run=dry_run,
        audit=audit,
    )


def region_directory_import(
    *,
    rows: d.ParsedDirectory,
    actor: User | None,
    only_valid: bool,
    dry_run: bool,
    request: HttpRequest | None = None,
) -> ImportReport:
    """Upsert the good rows by code, parents first; a region's level and parent follow from
    its code and never change on an update (only its name does)."""
    directory_require(actor)
    scope = directory_scope(actor)
    refused_codes: set[str] = set()

    def write(row: d.RegionRow) -> str:
        title = d.REGION_TEMPLATE[d.CODE]
        if row.parent_code in refused_codes:
            refused_codes.add(row.code)
            raise RowRefused(
                RowError(
                    row.row,
                    title,
                    row.code,
                    _("Its parent region %(parent)s was not imported.")
                    % {"parent": row.parent_code},
                )
            )
        existing = Region.objects.select_for_update().filter(code=row.code).first()
        parent = None
        if row.parent_code:
            parent = Region.objects.filter(code=row.parent_code).first()
        path = existing.path if existing else (parent.path if parent else "/") + row.code + "/"
        if not scope.covers_region(path):
            refused_codes.add(row.code)
            raise RowRefused(
                RowError(row.row, title, row.code, _("This region is outside your jurisdiction."))
            )
        if existing is not None:
            if existing.name == row.name:
                return UNCHANGED
            existing.name = row.name
            existing.save(update_fields=["name"])
            return UPDATED
        region = Region(code=row.code, name=row.name, level=row.level, parent=parent)
        try:
            region.full_clean()
        except ValidationError as exc:
            refused_codes.add(row.code)
            raise RowRefused(RowError(row.row, title, row.code, " ".join(exc.messages))) from exc
        region.save()
        return CREATED

    def audit(report: ImportReport) -> None:
        audit_record(
            actor=actor,
            action="regions.import",
            summary=rows.filename,
            request=request,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            bad_rows=report.bad_rows,
            only_valid=only_valid,
        )

    return run_import(
        rows=rows.rows,
        write_row=write,
        report=ImportReport(errors=list(rows.errors)),
        only_valid=only_valid,
        dry_run=dry_run,
        audit=audit,
    )


def directory_enterprises(*, actor: User | None) -> QuerySet[Enterprise]:
    """The enterprises of the actor's directory scope, in the export's order."""
    return (
        directory_scope(actor)
        .enterprises()
        .select_related("region", "industry")
        .order_by("region__path", "name")
    )


def directory_regions(*, actor: User | None) -> QuerySet[Region]:
    return directory_scope(actor).regions().select_related("parent").order_by("path")


def enterprise_directory_export(
    *, actor: User | None, request: HttpRequest | None = None
) -> tuple[bytes, int]:
    """The actor's part of the enterprise directory as .xlsx in the import template."""
    directory_require(actor)
    with transaction.atomic():
        content, count = enterprise_workbook(directory_enterprises(actor=actor).iterator())
        audit_record(
            actor=actor,
            action="enterprises.export",
            summary=str(count),
            request=request,
            count=count,
        )
    return content, count


def region_directory_export(
    *, actor: User | None, request: HttpRequest | None = None
) -> tuple[bytes, int]:
    """The actor's part of the region list as .xlsx in the import template."""
    directory_require(actor)
    with transaction.atomic():
        content, count = region_workbook(directory_regions(actor=actor).iterator())
        audit_record(
            actor=actor, action="regions.export", summary=str(count), request=request, count=count
        )
    return content, count
