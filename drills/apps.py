from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrillsConfig(AppConfig):
    name = "drills"
    verbose_name = _("Emergency drills")

    def ready(self) -> None:
        # The person's training file (courses) lists the drills they took part in; courses
        # sits below drills, so drills hands it the section instead of courses importing up.
        from courses.training_file import register_section

        from .training_file import drill_section

        register_section(drill_section)
