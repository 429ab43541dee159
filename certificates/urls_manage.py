"""Certificate administration: issue, review, suspend, revoke, renew, replace."""

from django.urls import path

from certificates.views import imports, manage

app_name = "certificates_manage"
urlpatterns = [
    path("", manage.manage_index, name="index"),
    path("issue/", manage.issue, name="issue"),
    path("session-issue/", manage.session_issue, name="session_issue"),
    path("import/", imports.certificate_import_page, name="import"),
    path("<int:pk>/", manage.certificate_manage, name="certificate"),
    path("<int:pk>/<slug:action>/", manage.certificate_action, name="action"),
]
