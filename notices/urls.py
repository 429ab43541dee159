from django.urls import path

from .views import library, notices

app_name = "notices"

urlpatterns = [
    path("", notices.inbox, name="inbox"),
    path("new/", notices.create, name="create"),
    path("published/", notices.published, name="published"),
    path("<int:pk>/", notices.detail, name="detail"),
    path("<int:pk>/acknowledge/", notices.acknowledge, name="acknowledge"),
    path("<int:pk>/edit/", notices.edit, name="edit"),
    path("<int:pk>/withdraw/", notices.withdraw, name="withdraw"),
    path("<int:pk>/attachments/<int:attachment_pk>/", notices.attachment, name="attachment"),
    path("<int:pk>/receipts/", notices.receipts, name="receipts"),
    path("<int:pk>/receipts.xlsx", notices.receipts_xlsx, name="receipts_xlsx"),
    path("library/", library.library, name="library"),
    path("library/new/", library.knowledge_create, name="knowledge_create"),
    path("library/<int:pk>/", library.knowledge_detail, name="knowledge_detail"),
    path("library/<int:pk>/file", library.knowledge_file, name="knowledge_file"),
]
