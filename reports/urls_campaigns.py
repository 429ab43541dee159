"""The figures of warning education, rotation training and campaign months, under /reports/
beside the dashboard's (reports/views/campaigns.py)."""

from django.urls import path

from .views import campaigns as views

app_name = "reports_campaigns"

urlpatterns = [
    path("warning/", views.warning_view, name="warning"),
    path("warning/<str:uscc>/", views.warning_enterprise_view, name="warning_enterprise"),
    path("campaigns/", views.campaign_list_view, name="campaigns"),
    path("campaigns/<int:pk>/", views.campaign_view, name="campaign"),
    path(
        "campaigns/<int:pk>/<str:uscc>/",
        views.campaign_enterprise_view,
        name="campaign_enterprise",
    ),
    path("campaign-months/", views.month_view, name="months"),
]
