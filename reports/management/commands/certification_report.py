"""`manage.py certification_report [--region CODE] [--industry CODE] [--category NAME]
[--date YYYY-MM-DD] --by region|industry|enterprise [-o FILE.xlsx|.csv]` (CONTRACT.md).

The regulator's certification-rate table as of a date, run with the system's whole scope:
one row per group (the parts of --region for --by region), with at least code, name,
required, holding and rate. Without -o the table goes to stdout as CSV."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports.exports import table_csv, table_xlsx
from reports.selectors import ReportError, report_params, table


class SystemPrincipal:
    """The command acts for the system administrator: every enterprise is in scope."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = None


class Command(BaseCommand):
    help = (
        "The certification-rate table (持证率) as of a date, one row per region part, industry "
        "or enterprise: code, name, required, holding, rate, then the other figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", default="", help="Division code; rows are its parts.")
        parser.add_argument("--industry", default="", help="Industry code.")
        parser.add_argument(
            "--category", default="", help="Personnel category, e.g. 特种作业人员 or its code."
        )
        parser.add_argument("--date", default="", help="YYYY-MM-DD, default today.")
        parser.add_argument(
            "--by", required=True, choices=["region", "industry", "enterprise", "category"]
        )
        parser.add_argument("-o", "--output", default="", help="FILE.xlsx or FILE.csv")

    def handle(self, *args, **options):
        output = Path(options["output"]) if options["output"] else None
        if output is not None and output.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(_("The output file must end in .xlsx or .csv."))
        try:
            params = report_params(
                user=SystemPrincipal(),
                region=options["region"],
                industry=options["industry"],
                category=options["category"],
                date=options["date"],
            )
            result = table(user=SystemPrincipal(), params=params, by=options["by"])
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        if output is None:
            self.stdout.write(table_csv(result).decode("utf-8-sig"), ending="")
            return
        data = table_xlsx(result, params) if output.suffix.lower() == ".xlsx" else table_csv(result)
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror}
            ) from exc
        total = result.total
        self.stderr.write(
            _("%(rows)d rows written to %(file)s; required %(required)d, holding %(holding)d.")
            % {
                "rows": len(result.rows),
                "file": output,
                "required": total["required"],
                "holding": total["holding"],
            }
        )
