"""Trainers keep banks, paper rules and exam sessions in the Wagtail admin: each their own
(their training body's, in their region), through the services (wagtail_admin.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import wagtail_admin as owned
from .forms import (
    CategoryForm,
    ExamSessionForm,
    PaperRuleForm,
    QuestionBankForm,
    QuestionForm,
)
from .models import Category, ExamSession, PaperRule, PaperSection, Question, QuestionBank

# Before anything asks Wagtail for these models' policies (it would make fallback ones).
owned.register_policies()


@hooks.register("register_actions")
def register_actions(registry):
    owned.register_actions(registry)


PaperSection.panels = [
    FieldRowPanel(
        [
            FieldPanel("position"),
            FieldPanel("title"),
            FieldPanel("qtype"),
            FieldPanel("points_each"),
        ]
    ),
    FieldRowPanel(
        [FieldPanel("easy_count"), FieldPanel("medium_count"), FieldPanel("hard_count")],
        heading=_("Questions per difficulty"),
    ),
    FieldPanel("categories"),
]


class OwnedViewSet(SnippetViewSet):
    """Lists the user's own objects; their pages and choosers refuse anyone else's."""

    add_view_class = owned.CreateView
    edit_view_class = owned.EditView
    copy_view_class = owned.CopyView
    delete_view_class = owned.DeleteView
    usage_view_class = owned.UsageView
    history_view_class = owned.HistoryView
    chooser_viewset_class = owned.ChooserViewSet
    related = ()

    def get_queryset(self, request):
        policy = owned.POLICIES[self.model]
        queryset = policy.instances_user_has_any_permission_for(
            request.user, ["add", "change", "delete", "view"]
        )
        return queryset.select_related(*self.related) if self.related else queryset


class QuestionBankViewSet(OwnedViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    list_display = ["name", "code", "training_body", "created_at"]
    search_fields = ["name", "code"]
    related = ("training_body",)
    edit_handler = ObjectList(
        [
            FieldPanel("code"),
            FieldPanel("name"),
            FieldPanel("description"),
            FieldPanel("training_body", widget=forms.Select),
            FieldPanel("enterprise"),
            # A body's trainers open the bank to the enterprises of the body's region.
            FieldPanel("open_to_enterprises"),
        ],
        base_form_class=QuestionBankForm,
    )


class CategoryViewSet(OwnedViewSet):
    model = Category
    icon = "list-ul"
    list_display = ["__str__", "bank"]
    filterset_class = owned.CategoryFilterSet
    search_fields = ["name"]
    related = ("bank",)
    edit_handler = ObjectList(
        [
            FieldPanel("bank", widget=forms.Select),
            FieldPanel("parent", widget=forms.Select),
            FieldPanel("name"),
        ],
        base_form_class=CategoryForm,
    )


class QuestionViewSet(OwnedViewSet):
    """Listing and filing questions; their text is edited through versions (see services)."""

    model = Question
    icon = "help"
    list_display = ["__str__", "qtype", "difficulty", "category", "is_active"]
    filterset_class = owned.QuestionFilterSet
    add_to_admin_menu = False
    copy_view_enabled = False  # a question is made with its text, by import
    # Written and edited on the site's workbench (/exams/banks/), which keeps versions.
    add_view_class = owned.QuestionCreateView
    edit_view_class = owned.QuestionEditView
    related = ("current_version", "category")
    edit_handler = ObjectList(
        [
            FieldPanel("category", widget=forms.Select),
            FieldPanel("difficulty"),
            FieldPanel("is_active"),
        ],
        base_form_class=QuestionForm,
    )


class PaperRuleViewSet(OwnedViewSet):
    model = PaperRule
    icon = "doc-full"
    list_display = ["name", "code", "bank", "kind", "duration_minutes", "pass_mark"]
    filterset_class = owned.PaperRuleFilterSet
    search_fields = ["name", "code"]
    related = ("bank",)
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("code"),
                    FieldPanel("name"),
                    FieldPanel("bank", widget=forms.Select),
                    FieldPanel("kind"),
                    FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("pass_mark")]),
                    FieldPanel("partial_credit"),
                    FieldPanel("avoid_previous"),
                ],
                heading=_("Paper rule"),
            ),
            owned.SectionsPanel("sections", heading=_("Sections"), label=_("Section")),
        ],
        base_form_class=PaperRuleForm,
    )


class ExamSessionViewSet(OwnedViewSet):
    model = ExamSession
    icon = "date"
    list_display = ["name", "code", "rule", "region", "opens_at", "closes_at", "is_published"]
    list_filter = ["is_published", "mode"]
    search_fields = ["name", "code"]
    related = ("rule", "region")
    edit_handler = ObjectList(
        [
            FieldPanel("code"),
            FieldPanel("name"),
            FieldPanel("rule", widget=forms.Select),
            FieldPanel("mode"),
            FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("grace_seconds")]),
            FieldRowPanel(
                [
                    FieldPanel("attempts_allowed"),
                    FieldPanel("score_policy"),
                    FieldPanel("pass_mark"),
                ]
            ),
            FieldRowPanel([FieldPanel("show_result"), FieldPanel("show_answers")]),
            FieldPanel("closes_practice"),
            FieldPanel("access_code"),
            FieldPanel("allowed_networks"),
            FieldPanel("region"),
            FieldPanel("training_body", widget=forms.Select),
            FieldPanel("enterprise"),
            FieldPanel("certificate_type_code"),
        ],
        base_form_class=ExamSessionForm,
    )


class ExamsViewSetGroup(SnippetViewSetGroup):
    items = (
        QuestionBankViewSet,
        CategoryViewSet,
        QuestionViewSet,
        PaperRuleViewSet,
        ExamSessionViewSet,
    )
    menu_icon = "form"
    menu_label = _("Exams")
    menu_name = "exams"


register_snippet(ExamsViewSetGroup)
