from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "campaigns"
    verbose_name = _("Warning education and campaigns")

    def ready(self) -> None:
        # Adds rotation training and warning education to each person's training file.
        # Open warning assignments follow the rosters; closing exams follow grading.
        from campaigns import (
            receivers,  # noqa: F401
            training_file_sections,  # noqa: F401
        )
