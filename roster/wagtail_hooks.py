"""The system admin's screens for organisations and role grants, and the audit log (read
only), in the Wagtail admin.

Only accounts with the model permissions (system admins) see these menus; enterprise admins,
trainers and regulators work in the site's own pages, which are scoped by the selectors.
"""

from django import forms
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet, SnippetViewSetGroup

from .audit_actions import audit_details
from .choices import Role
from .models import (
    AuditLog,
    Department,
    DispatchRestriction,
    Enterprise,
    Industry,
    Region,
    RoleGrant,
    TrainingBody,
    User,
)
from .services.audit import audit_record, audit_text
from .services.roles import role_grant_sync_groups


class RegionViewSet(SnippetViewSet):
    model = Region
    icon = "site"
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("level"), FieldPanel("parent")]


class IndustryViewSet(SnippetViewSet):
    model = Industry
    icon = "tag"
    list_display = ["name", "code", "high_risk"]
    list_filter = ["high_risk"]
    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("high_risk"),
        FieldPanel("sort_order"),
    ]


class DispatchRestrictionViewSet(SnippetViewSet):
    """Posts an industry may not fill with an employment form (roster.dispatch)."""

    model = DispatchRestriction
    icon = "warning"
    list_display = ["rule", "industry", "employment_form", "personnel_category", "post_contains"]
    list_filter = ["industry", "employment_form"]
    panels = [
        FieldPanel("industry"),
        FieldPanel("employment_form"),
        FieldPanel("personnel_category"),
        FieldPanel("post_contains"),
        FieldPanel("rule"),
    ]


class EnterpriseViewSet(SnippetViewSet):
    model = Enterprise
    icon = "group"
    list_display = ["name", "uscc", "region", "industry", "is_active"]
    list_filter = ["industry", "is_active"]
    search_fields = ["name", "uscc"]
    panels = [
        FieldPanel("name"),
        FieldPanel("uscc"),
        FieldPanel("region"),
        FieldPanel("industry"),
        FieldPanel("address"),
        FieldPanel("legal_representative"),
        FieldPanel("contact_phone"),
        FieldPanel("is_active"),
    ]


class TrainingBodyViewSet(SnippetViewSet):
    model = TrainingBody
    icon = "group"
    list_display = ["name", "uscc", "region", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "uscc"]
    panels = [
        FieldPanel("name"),
        FieldPanel("uscc"),
        FieldPanel("region"),
        FieldPanel("is_active"),
    ]


class DepartmentViewSet(SnippetViewSet):
    model = Department
    icon = "list-ul"
    list_display = ["name", "kind", "enterprise"]
    list_filter = ["kind"]
    search_fields = ["name", "enterprise__name"]
    panels = [
        FieldPanel("enterprise"),
        FieldPanel("parent"),
        FieldPanel("name"),
        FieldPanel("kind"),
    ]


class RoleGrantForm(WagtailAdminModelForm):
    """Accounts are counted in thousands (every trainee has one): pick the user by login name."""

    username = forms.CharField(label=_("Account (login name)"), max_length=150)

    class Meta:
        model = RoleGrant
        fields = ["role", "enterprise", "region", "industries", "training_body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["username"].initial = self.instance.user.username

    def clean_username(self):
        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("No account has this login name."))
        return user

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role == "enterprise_admin" and not data.get("enterprise"):
            self.add_error("enterprise", _("An enterprise admin needs an enterprise."))
        if role in {"trainer", "regulator"} and not data.get("region"):
            self.add_error("region", _("A trainer or regulator needs a region."))
        if role == "trainer" and not data.get("training_body"):
            # What a trainer may change (banks, exam sessions) is their body's.
            self.add_error("training_body", _("A trainer needs the training body they work for."))
        return data

    def save(self, commit=True):
        previous_user = self.instance.user if self.instance.pk else None
        self.instance.user = self.cleaned_data["username"]
        grant = super().save(commit=commit)
        if commit:
            role_grant_sync_groups(user=grant.user)
            if previous_user is not None and previous_user != grant.user:
                role_grant_sync_groups(user=previous_user)  # the grant moved to another account
            # The admin saves inside its transaction: the row and its audit entry go together.
            _audit_grant(self.for_user, "role.change" if previous_user else "role.grant", grant)
        return grant


def _audit_grant(actor, action: str, grant: RoleGrant, request=None) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=grant,
        summary=audit_text(_("%(role)s: %(user)s"), role=Role(grant.role).label, user=grant.user),
        request=request,
        user=grant.user_id,
        role=grant.role,
        enterprise=grant.enterprise_id,
        region=grant.region_id,
        training_body=grant.training_body_id,
        industries=sorted(grant.industries.values_list("code", flat=True)),
    )


class RoleGrantDeleteView(DeleteView):
    def delete_action(self):
        grant, user = self.object, self.object.user
        with transaction.atomic():
            _audit_grant(self.request.user, "role.revoke", grant, self.request)
            super().delete_action()
            # A trainer no longer keeps the admin screens the role gave.
            role_grant_sync_groups(user=user)


class RoleGrantViewSet(SnippetViewSet):
    model = RoleGrant
    delete_view_class = RoleGrantDeleteView
    icon = "key"
    list_display = ["user", "role", "enterprise", "region"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name"]
    edit_handler = ObjectList(
        [
            FieldPanel("username"),
            FieldPanel("role"),
            FieldPanel("enterprise"),
            FieldPanel("region"),
            FieldPanel("industries"),
            FieldPanel("training_body"),
        ],
        base_form_class=RoleGrantForm,
    )


class RosterViewSetGroup(SnippetViewSetGroup):
    items = (
        RegionViewSet,
        IndustryViewSet,
        DispatchRestrictionViewSet,
        EnterpriseViewSet,
        TrainingBodyViewSet,
        DepartmentViewSet,
        RoleGrantViewSet,
    )
    menu_icon = "group"
    menu_label = _("Organisations")
    menu_name = "organisations"


register_snippet(RosterViewSetGroup)


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Seen by whoever may view the model (system admins); changed by nobody, not even them:
    an audit log that its readers could edit would prove nothing."""

    def user_has_permission(self, user, action):
        return action in {"view", "inspect"} and user.has_perm(self._get_permission_name("view"))


register_permission_policy(AuditLog, ReadOnlyPolicy(AuditLog))


class AuditLogInspectView(InspectView):
    """One row as the reader needs it: local time, a dash for nobody, the details labelled."""

    def get_created_at_display_value(self):
        return date_format(timezone.localtime(self.object.created_at), "Y-m-d H:i:s")

    def get_actor_display_value(self):
        return str(self.object.actor) if self.object.actor_id else "—"

    def get_ip_display_value(self):
        return self.object.ip or "—"

    def get_data_display_value(self):
        # Labelled lines ("地区：990102"), not the stored JSON: the reader is not a developer.
        details = audit_details(self.object.data)
        if not details:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}：{}", details)


class AuditLogIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("actor")  # one query, not one a row


class AuditLogViewSet(ModelViewSet):
    model = AuditLog
    index_view_class = AuditLogIndexView
    inspect_view_class = AuditLogInspectView
    icon = "history"
    menu_label = _("Audit log")
    menu_order = 900
    add_to_admin_menu = True
    inspect_view_enabled = True
    copy_view_enabled = False
    form_fields = []  # Wagtail wants a form; ReadOnlyPolicy lets nobody open it
    list_display = [
        "created_at",
        "actor",
        "action",
        "target_type_label",
        "target_id",
        "summary",
        "ip",
    ]
    list_filter = ["action", "created_at"]
    search_fields = ["action", "summary", "target_id", "actor__username"]
    inspect_view_fields = [*list_display[:-1], "data", "ip"]  # the row, with its details


@hooks.register("register_admin_viewset")
def register_audit_log_viewset():
    return AuditLogViewSet("audit_log")


# --------------------------------------------------------------------------- the admin shell
# Site-wide settings of the Wagtail admin, kept with the lowest app: the admin calls no
# outside address (county offices often work behind closed networks, and no user's browser
# should tell a third party what they do here). Wagtail's help menu links to its online guide
# and release notes; both go, the keyboard shortcuts stay.
OUTSIDE_HELP_ITEMS = {"editor-guide"}


@hooks.register("construct_help_menu")
def keep_help_menu_inside(request, menu_items):
    menu_items[:] = [
        item
        for item in menu_items
        if item.name not in OUTSIDE_HELP_ITEMS and not item.name.startswith("whats-new-in-wagtail")
    ]


def _label_site_columns() -> None:
    """Wagtail's list of sites labels three columns from their field names, untranslated
    ("Port", "Site name", "Root page"); give them the fields' own translated names."""
    from wagtail.models import Site
    from wagtail.sites.views import IndexView as SiteIndexView

    for column in SiteIndexView.columns:
        if column.name in {"port", "site_name", "root_page"}:
            column.label = capfirst(Site._meta.get_field(column.name).verbose_name)


_label_site_columns()
