"""The frequency rules are data the system admin edits in the Wagtail admin (snippets)."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import DrillRule


class DrillRuleViewSet(SnippetViewSet):
    model = DrillRule
    icon = "date"
    menu_label = _("Drill frequency rules")
    add_to_admin_menu = True
    list_display = [
        "name",
        "period",
        "applies_to",
        "min_count",
        "report_to_county",
        "report_within_days",
        "is_active",
    ]


register_snippet(DrillRuleViewSet)
