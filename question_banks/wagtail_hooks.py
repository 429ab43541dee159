"""Trainers keep banks, paper rules and exam sessions in the Wagtail admin."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import PaperRuleForm
from .models import Category, ExamSession, PaperRule, PaperSection, Question, QuestionBank

PaperRule.base_form_class = PaperRuleForm

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


class QuestionBankViewSet(SnippetViewSet):
    model = QuestionBank
    icon = "folder-open-inverse"
    list_display = ["name", "code", "created_at"]
    search_fields = ["name", "code"]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("description")]


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "list-ul"
    list_display = ["__str__", "bank"]
    list_filter = ["bank"]
    search_fields = ["name"]
    panels = [FieldPanel("bank"), FieldPanel("parent"), FieldPanel("name")]


class QuestionViewSet(SnippetViewSet):
    """Listing and filing questions; their text is edited through versions (see services)."""

    model = Question
    icon = "help"
    list_display = ["__str__", "qtype", "difficulty", "category", "is_active"]
    list_filter = ["bank", "qtype", "difficulty", "is_active"]
    panels = [FieldPanel("category"), FieldPanel("difficulty"), FieldPanel("is_active")]
    add_to_admin_menu = False

    def get_queryset(self, request):
        return Question.objects.select_related("current_version", "category")


class PaperRuleViewSet(SnippetViewSet):
    model = PaperRule
    icon = "doc-full"
    list_display = ["name", "code", "bank", "kind", "duration_minutes", "pass_mark"]
    list_filter = ["bank", "kind"]
    search_fields = ["name", "code"]
    panels = [
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldPanel("name"),
                FieldPanel("bank"),
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("pass_mark")]),
                FieldPanel("partial_credit"),
                FieldPanel("avoid_previous"),
            ],
            heading=_("Paper rule"),
        ),
        InlinePanel("sections", heading=_("Sections"), label=_("Section")),
    ]


class ExamSessionViewSet(SnippetViewSet):
    model = ExamSession
    icon = "date"
    list_display = ["name", "code", "rule", "opens_at", "closes_at", "is_published"]
    list_filter = ["is_published", "mode"]
    search_fields = ["name", "code"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("rule"),
        FieldPanel("mode"),
        FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
        FieldRowPanel([FieldPanel("duration_minutes"), FieldPanel("grace_seconds")]),
        FieldRowPanel(
            [FieldPanel("attempts_allowed"), FieldPanel("score_policy"), FieldPanel("pass_mark")]
        ),
        FieldRowPanel([FieldPanel("show_result"), FieldPanel("show_answers")]),
        FieldPanel("access_code"),
        FieldPanel("allowed_networks"),
        FieldPanel("enterprise"),
        FieldPanel("certificate_type_code"),
    ]


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
