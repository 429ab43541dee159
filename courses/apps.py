from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and training records")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects and registers the hooks)
