"""The system admin's certificate screens in the Wagtail admin.

Certificate types and post requirements are rules kept as data (ARCHITECTURE.md rule 6), so
they are edited here. Certificates themselves are only listed and inspected: every change of a
certificate goes through the lifecycle services (the staff pages under /certificates/manage/),
which keep the history with who and why; a raw edit form would bypass it.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import CertificateTypeForm
from .models import (
    Certificate,
    CertificateRule,
    CertificateType,
    ConductRecord,
    PostRequirement,
)


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Model permissions with add, change and delete taken away from everyone, superusers
    included: the admin may list and inspect, never write."""

    WRITES = frozenset({"add", "change", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.WRITES and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission([a for a in actions if a not in self.WRITES])


# Registered before any viewset asks for the policy (Wagtail would create a fallback).
register_permission_policy(Certificate, ReadOnlyPermissionPolicy(Certificate))


class CertificateTypeViewSet(SnippetViewSet):
    model = CertificateType
    icon = "doc-full"
    list_display = [
        "name",
        "code",
        "family",
        "validity_years",
        "review_interval_years",
        "is_active",
    ]
    list_filter = ["family", "personnel_category", "is_active"]
    search_fields = ["name", "code", "operation_item"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("code"),
                    FieldPanel("name"),
                    FieldPanel("family"),
                    FieldPanel("personnel_category"),
                    FieldRowPanel([FieldPanel("operation_category"), FieldPanel("operation_item")]),
                    FieldPanel("is_active"),
                ],
                heading=_("Certificate type"),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [
                            FieldPanel("validity_years"),
                            FieldPanel("review_interval_years"),
                            FieldPanel("review_training_hours"),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("extended_review_after_years"),
                            FieldPanel("extended_review_interval_years"),
                        ]
                    ),
                    FieldPanel("records_kept_years"),
                ],
                heading=_("Validity and review"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("number_pattern"),
                    FieldRowPanel([FieldPanel("issuer_code"), FieldPanel("issuer_name")]),
                ],
                heading=_("Numbering and issuer"),
            ),
        ],
        base_form_class=CertificateTypeForm,
    )


class PostRequirementViewSet(SnippetViewSet):
    model = PostRequirement
    icon = "tasks"
    list_display = ["__str__", "certificate_type", "personnel_category", "post", "industry"]
    list_filter = ["certificate_type", "personnel_category", "industry"]
    search_fields = ["post", "certificate_type__name"]
    panels = [
        FieldPanel("certificate_type"),
        FieldPanel("personnel_category"),
        FieldPanel("post"),
        FieldPanel("industry"),
    ]

    def get_queryset(self, request):
        return PostRequirement.objects.select_related("certificate_type", "industry")


class CertificateViewSet(SnippetViewSet):
    """Listed and inspected only (see ReadOnlyPermissionPolicy)."""

    model = Certificate
    icon = "doc-full-inverse"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["number", "person", "certificate_type", "status", "valid_until"]
    list_filter = ["certificate_type", "status"]
    search_fields = ["number", "person__name"]
    inspect_view_fields = [
        "number",
        "certificate_type",
        "person",
        "enterprise",
        "status",
        "first_issued_on",
        "valid_from",
        "valid_until",
        "next_review_on",
        "last_reviewed_on",
        "issuer_name",
        "source",
        "supersedes",
        "issued_at",
    ]

    def get_queryset(self, request):
        return Certificate.objects.select_related("person", "certificate_type")


class CertificateRuleViewSet(SnippetViewSet):
    """The windows and bars per certificate family (seeded from the national rules)."""

    model = CertificateRule
    icon = "time"
    list_display = ["__str__", "review_apply_days_before", "renew_apply_days_before"]
    panels = [
        FieldPanel("family"),
        MultiFieldPanel(
            [
                FieldPanel("review_apply_days_before"),
                FieldRowPanel(
                    [FieldPanel("renew_apply_days_before"), FieldPanel("renew_window_months")]
                ),
                FieldPanel("renew_barred_by_records"),
            ],
            heading=_("Application windows"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("assess_within_months"),
                FieldPanel("revocation_bar_years"),
                FieldPanel("away_practical_months"),
                FieldRowPanel(
                    [FieldPanel("theory_valid_months"), FieldPanel("practical_pass_mark")]
                ),
            ],
            heading=_("Deadlines and bars"),
        ),
    ]


class ConductRecordViewSet(SnippetViewSet):
    """Accident penalties and bad credit records: they bar a construction renewal and break
    the clean years of a longer review cycle."""

    model = ConductRecord
    icon = "warning"
    list_display = ["person", "kind", "on", "description"]
    list_filter = ["kind"]
    search_fields = ["person__name", "description"]
    panels = [FieldPanel("person"), FieldPanel("kind"), FieldPanel("on"), FieldPanel("description")]

    def get_queryset(self, request):
        return ConductRecord.objects.select_related("person")


class CertificatesViewSetGroup(SnippetViewSetGroup):
    items = (
        CertificateTypeViewSet,
        CertificateRuleViewSet,
        PostRequirementViewSet,
        CertificateViewSet,
        ConductRecordViewSet,
    )
    menu_icon = "doc-full"
    menu_label = _("Certificates")
    menu_name = "certificates"


register_snippet(CertificatesViewSetGroup)
