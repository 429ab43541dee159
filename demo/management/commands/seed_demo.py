"""`manage.py seed_demo`: load the fictional demo county (idempotent) and print the logins.

The roster comes first (demo/roster.py): everything else hangs on its regions, enterprises,
people and accounts. Then each area's loader, in the order of STEPS, each idempotent too. A
new feature's demo data is a module `demo/<feature>.py` with a `seed(*, stdout)` function,
added as one line at the end of STEPS.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import (
    campaigns,
    certificates,
    contests,
    courses,
    dispatch,
    drills,
    notices,
    question_banks,
    reports,
)
from demo import roster as demo_roster

# After the roster, in this order: courses (pages, plans, history), the exam bank and sessions
# (whose passes issue certificates), the older certificates, then the reports' month-ends
# over all of it.
STEPS = (
    courses.seed,
    question_banks.seed,
    certificates.seed,
    # Before the month-ends, so they count the dispatched worker the rules forbid.
    dispatch.seed,
    reports.seed,
    # Further features' demo data: one line each, below this comment.
    notices.seed,
    drills.seed,
    campaigns.seed,
    contests.seed,
)


class Command(BaseCommand):
    help = (
        "Load the fictional demo county 示范省示范市清河县 (regions, enterprises, people of every "
        "category, demo accounts) and print the demo logins. Idempotent: running it again "
        "changes nothing. Refuses to run when DEBUG is off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off (the demo accounts have a published password).",
        )
        parser.add_argument(
            "--no-logins",
            action="store_true",
            help="Do not print the table of demo logins at the end.",
        )

    def handle(self, *args, force: bool = False, no_logins: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refused: DEBUG is off, and the demo accounts have a published "
                "password that must never reach production. Use --force to load them anyway."
            )
        started = time.monotonic()
        report = demo_roster.seed()
        for step in STEPS:
            step(stdout=self.stdout)
        elapsed = time.monotonic() - started

        created = ", ".join(f"{n} {what}" for what, n in report.created.items() if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {elapsed:.1f} s "
                f"({'created ' + created if created else 'nothing to change'})."
            )
        )
        if not no_logins:
            self.stdout.write("")
            self.stdout.write("Demo logins (演示账号), sign in at /accounts/login/:")
            self.stdout.write(demo_roster.logins_table())
            self.stdout.write("")
            self.stdout.write(
                "Other demo people sign in the first time with a one-time activation code "
                "(激活码) instead of a password, then choose their own. ent_admin issues "
                "codes on the roster page (/roster/: tick people, 生成激活码)."
            )
            if report.activation_codes:
                self.stdout.write("Codes issued now for a few of them (shown only this once):")
                self.stdout.write(demo_roster.activation_codes_table(report.activation_codes))
            self.stdout.write("")
