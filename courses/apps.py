from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and training records")

    def ready(self) -> None:
        # Registers the exam prerequisites ("courses.hours_done", ...) with the exam engine.
        # Offers training plans to the exam workbench's choice of candidates.
        from courses import (
            exam_providers,  # noqa: F401
            prerequisites,  # noqa: F401
        )

        # Registers the step that enrols people waiting for a newly published 三违 return exam.
        from courses.services import records  # noqa: F401
