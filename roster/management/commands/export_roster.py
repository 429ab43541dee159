"""`manage.py export_roster -o FILE.xlsx [--enterprise USCC]` (CONTRACT.md).

An administrator's command: every current employment (or one enterprise's), with full ID
numbers and phones, in the template import_roster reads. The export is audited like the
web one.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from roster.models import Employment
from roster.services.imports import roster_export

from .import_roster import enterprise_option


class Command(BaseCommand):
    help = (
        "Write the roster (current employments, one row per person) to an .xlsx in the "
        "import template, ID numbers unmasked."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", required=True, metavar="FILE.xlsx", help="Where to write it."
        )
        parser.add_argument(
            "--enterprise", metavar="USCC", help="Only this enterprise (统一社会信用代码)."
        )

    def handle(self, *args, **options):
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError(_("The output file must end in .xlsx."))
        # The command has the system's reach, so it queries employments directly rather
        # than through the per-user selectors.
        employments = Employment.objects.current().select_related(
            "person", "enterprise", "department"
        )
        enterprise = None
        if options["enterprise"]:
            enterprise = enterprise_option(options["enterprise"])
            employments = employments.filter(enterprise=enterprise)
        content, count = roster_export(
            employments=employments.order_by("enterprise__name", "person__name", "pk"),
            actor=None,
            unmasked_enterprises=None,
            enterprise=enterprise.uscc if enterprise else "",
            via="command",
        )
        try:
            output.write_bytes(content)
        except OSError as exc:
            raise CommandError(
                _("Cannot write %(file)s: %(error)s") % {"file": output, "error": exc.strerror}
            ) from exc
        self.stdout.write(
            _("Wrote %(count)s people to %(file)s.") % {"count": count, "file": output}
        )
