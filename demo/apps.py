from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The fictional demo county: the `seed_demo` command, its loaders and their data files.
    No models; no product app imports it."""

    name = "demo"
    verbose_name = _("Demo data")
