from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContestsConfig(AppConfig):
    name = "contests"
    verbose_name = _("Knowledge contests")

    def ready(self) -> None:
        # Standings are written when the exam engine grades an attempt.
        from contests import training_file  # noqa: F401
        from contests.selectors import attempt_standing
        from contests.services import scoring  # noqa: F401
        from question_banks.providers import register_attempt_standing

        # A contest attempt's result page shows its rank, not passed / not passed.
        register_attempt_standing(attempt_standing)
