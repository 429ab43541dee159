"""Names the Wagtail admin's own templates print raw, given in the reader's language."""

from django import template
from django.apps import apps

register = template.Library()


@register.filter
def app_verbose_name(app_label: str) -> str:
    """An app's translated name ("课程与培训记录") for its label ("courses")."""
    try:
        return str(apps.get_app_config(app_label).verbose_name)
    except LookupError:
        return app_label
