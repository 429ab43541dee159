from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Knowledge contests")

    def ready(self) -> None:
        # Standings are written when the exam engine grades an attempt.
        from contests import training_file  # noqa: F401
        from contests.services import scoring  # noqa: F401
