from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Emergency drills")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (registers the training-file section)
