"""`manage.py seed_demo`: load the fictional demo county (idempotent) and print the logins.

The roster part lives in roster/demo.py. Other apps add their own demo data (courses,
question banks, certificates…) by providing a module `<app>/demo.py` with a function
`seed_demo(*, stdout)`; it runs after the roster, in INSTALLED_APPS order, and must be
idempotent too.
"""

from __future__ import annotations

import importlib
import importlib.util
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from roster import demo


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
        report = demo.seed()
        for module in self._app_demo_modules():
            module.seed_demo(stdout=self.stdout)
        importlib.import_module("demo.contests").seed()
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
            self.stdout.write(demo.logins_table())
            self.stdout.write("")
            self.stdout.write(
                "Other demo people sign in the first time with a one-time activation code "
                "(激活码) instead of a password, then choose their own. ent_admin issues "
                "codes on the roster page (/roster/: tick people, 生成激活码)."
            )
            if report.activation_codes:
                self.stdout.write("Codes issued now for a few of them (shown only this once):")
                self.stdout.write(demo.activation_codes_table(report.activation_codes))
            self.stdout.write("")

    @staticmethod
    def _app_demo_modules():
        base = str(settings.BASE_DIR)
        for config in apps.get_app_configs():
            # Only the project's own apps, never third-party ones.
            if config.name == "roster" or not str(config.path).startswith(base):
                continue
            name = f"{config.name}.demo"
            if importlib.util.find_spec(name) is None:
                continue
            module = importlib.import_module(name)
            if callable(getattr(module, "seed_demo", None)):
                yield module
