from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Knowledge contests")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (standings on grading, ranks, the training file)
