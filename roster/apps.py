from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RosterConfig(AppConfig):
    name = "roster"
    verbose_name = _("Roster")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
