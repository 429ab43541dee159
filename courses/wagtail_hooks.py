"""The courses app in the Wagtail admin: hours rules, and the review set-up of the index
pages."""

from __future__ import annotations

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CourseIndexPage, HoursRule, WarningCaseIndexPage
from .services.content_tree import content_tree_setup


@hooks.register("insert_editor_css")
def lesson_editor_css():
    # Lets the lesson editor hide the fields of other lesson kinds (courses/lesson_form.py).
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin-lesson.css"))


@hooks.register("after_create_page")
def put_new_index_under_review(request, page):
    # An index page made in the admin gets the workflow and group rights at once.
    if isinstance(page.specific, CourseIndexPage | WarningCaseIndexPage):
        content_tree_setup(index_page=page)


class HoursRuleViewSet(SnippetViewSet):
    """The hours each category needs (rules as data); only accounts holding the model
    permissions (system admins) see this menu."""

    model = HoursRule
    icon = "time"
    menu_label = _("Hours rules")
    add_to_settings_menu = True
    list_display = [
        "personnel_category",
        "training_kind",
        "high_risk",
        "required_hours",
        "period",
    ]
    list_filter = ["personnel_category", "training_kind", "high_risk", "period"]
    ordering = ["personnel_category", "training_kind", "high_risk"]
    panels = [
        FieldPanel("personnel_category"),
        FieldRowPanel([FieldPanel("training_kind"), FieldPanel("high_risk")]),
        FieldRowPanel([FieldPanel("required_hours"), FieldPanel("period")]),
    ]


register_snippet(HoursRuleViewSet)
