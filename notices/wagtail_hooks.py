"""The system admin's screens of notices and of the library in the Wagtail admin.

Listed and inspected only (certificates' ReadOnlyPermissionPolicy): publishing, changing and
withdrawing a notice go through notices.services, which check the scope, keep the receipts
and write the audit log; a library item's attachment is checked by its first bytes and kept in
a closed collection. A raw edit form would bypass all of that.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from certificates.wagtail_hooks import ReadOnlyPermissionPolicy

from .models import KnowledgeItem, Notice

# Registered before any viewset asks for the policy (Wagtail would create a fallback).
register_permission_policy(Notice, ReadOnlyPermissionPolicy(Notice))
register_permission_policy(KnowledgeItem, ReadOnlyPermissionPolicy(KnowledgeItem))


class NoticeViewSet(SnippetViewSet):
    model = Notice
    icon = "mail"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["title", "publisher_name", "kind", "publish_from", "edited_at", "withdrawn_at"]
    list_filter = ["kind", "must_acknowledge"]
    search_fields = ["title", "publisher_name"]
    inspect_view_fields = [
        "kind",
        "title",
        "publisher_name",
        "region",
        "enterprise",
        "publish_from",
        "publish_until",
        "must_acknowledge",
        "ack_deadline",
        "created_at",
        "edited_at",
        "withdrawn_at",
        "withdrawn_reason",
    ]

    def get_queryset(self, request):
        return Notice.objects.select_related("region", "enterprise")


class KnowledgeItemViewSet(SnippetViewSet):
    model = KnowledgeItem
    icon = "doc-full"
    inspect_view_enabled = True
    copy_view_enabled = False
    list_display = ["title", "kind", "source", "doc_number", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["title", "source", "doc_number"]
    inspect_view_fields = [
        "kind",
        "title",
        "source",
        "doc_number",
        "issued_on",
        "region",
        "enterprise",
        "created_at",
    ]

    def get_queryset(self, request):
        return KnowledgeItem.objects.select_related("region", "enterprise")


class NoticesViewSetGroup(SnippetViewSetGroup):
    items = (NoticeViewSet, KnowledgeItemViewSet)
    menu_icon = "mail"
    menu_label = _("Notices and library")
    menu_name = "notices"


register_snippet(NoticesViewSetGroup)
