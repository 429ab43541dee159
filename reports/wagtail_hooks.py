"""The reports app in the Wagtail admin: the targets each region sets for its figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import FigureTarget


class FigureTargetViewSet(SnippetViewSet):
    """Targets per figure and region (rules as data); system admins only."""

    model = FigureTarget
    icon = "pick"
    menu_label = _("Figure targets")
    add_to_settings_menu = True
    list_display = ["figure", "region", "target_percent"]
    list_filter = ["figure"]
    panels = [FieldPanel("region"), FieldPanel("figure"), FieldPanel("target_percent")]


register_snippet(FigureTargetViewSet)
