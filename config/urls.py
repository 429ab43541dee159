from django.conf import settings
from django.conf.urls.static import static
from django.contrib.auth import views as auth_views
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from config import health, views
from config.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("roster/", include("roster.urls")),
    path("exams/", include("question_banks.urls")),
    path("courses/", include("courses.urls")),
    path("reports/", include("reports.urls")),
    path("notices/", include("notices.urls")),
    path("drills/", include("drills.urls")),
    path("reports/", include("reports.urls_campaigns")),
    path("campaigns/", include("campaigns.urls")),
    path("contests/", include("contests.urls")),
    path("certificates/manage/", include("certificates.urls_manage")),
    path("certificates/", include("certificates.urls")),
    path("", include("certificates.urls_public")),
    path("api/", api.urls),
    # Before Wagtail's own: its sign-in answers a lockout as the site's does.
    path("admin/login/", views.AdminLoginView.as_view(), name="wagtailadmin_login"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Wagtail serves the course and warning-education pages below /learn/.
    path("learn/", include(wagtail_urls)),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
