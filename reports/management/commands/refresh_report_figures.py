"""`manage.py refresh_report_figures`: rebuild the maintained report figures from scratch
(reports/maintained.py), as of today. For operators after a restore or a bulk load that
bypassed the signals; the daily task and the queue keep them current otherwise."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports.maintained import employment_figures_rebuild


class Command(BaseCommand):
    help = "Rebuild every employment's maintained report figures and the enterprise sums."

    def handle(self, *args, **options):
        start = time.perf_counter()
        rows = employment_figures_rebuild()
        self.stdout.write(
            _("Report figures rebuilt: %(rows)s employments in %(seconds).1f s.")
            % {"rows": rows, "seconds": time.perf_counter() - start}
        )
