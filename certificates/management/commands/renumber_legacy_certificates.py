"""`manage.py renumber_legacy_certificates [--dry-run] [--json]`: rename the special-operation
numbers of before the one-number rule (T + ID number + "-2") to the one T + ID number where
the rule allows it; the card is signed again and its old number still verifies
(certificates/services/renumbering.py). Prints one line per legacy number: renamed, or left
and why. Audited; run it again at will (a renamed card is no longer a legacy number)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from certificates.services.renumbering import legacy_numbers_rename


class Command(BaseCommand):
    help = (
        'Rename special-operation certificate numbers of the old "-2" form to the one '
        "T + ID number, where no other live card holds it; the old number keeps verifying."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would be renamed; change nothing."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, dry_run: bool = False, **options):
        report = legacy_numbers_rename(actor=None, dry_run=dry_run)
        if options["json"]:
            rows = [
                {
                    "id": r.certificate_id,
                    "old": r.old,
                    "new": r.new,
                    "done": r.done,
                    "reason": r.reason,
                }
                for r in report
            ]
            self.stdout.write(json.dumps({"dry_run": dry_run, "numbers": rows}, ensure_ascii=False))
            return
        for r in report:
            if r.done:
                line = (
                    _("would rename %(old)s to %(new)s")
                    if dry_run
                    else _("renamed %(old)s to %(new)s")
                ) % {"old": r.old, "new": r.new}
            else:
                line = _("left %(old)s: %(reason)s") % {"old": r.old, "reason": r.reason}
            self.stdout.write(line)
        renamed = sum(1 for r in report if r.done)
        self.stdout.write(
            _("%(renamed)s of %(total)s legacy numbers renamed%(dry)s.")
            % {
                "renamed": renamed,
                "total": len(report),
                "dry": _(" (dry run: nothing changed)") if dry_run else "",
            }
        )
