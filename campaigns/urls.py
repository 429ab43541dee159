from django.urls import path

from campaigns.views import months, rotation, warning

app_name = "campaigns"

urlpatterns = [
    # Warning education (警示教育)
    path("warning/", warning.assignment_list_view, name="warning_list"),
    path("warning/new/", warning.assignment_create_view, name="warning_create"),
    path("warning/<int:pk>/", warning.assignment_detail_view, name="warning_detail"),
    path("warning/mine/", warning.my_cases_view, name="my_cases"),
    path("warning/read/<int:pk>/", warning.read_view, name="read"),
    path("warning/meetings/", warning.meeting_list_view, name="meeting_list"),
    path("warning/meetings/new/", warning.meeting_create_view, name="meeting_create"),
    # Rotation training (集中轮训)
    path("rotation/", rotation.campaign_list_view, name="rotation_list"),
    path("rotation/new/", rotation.campaign_create_view, name="rotation_create"),
    path("rotation/<int:pk>/", rotation.campaign_detail_view, name="rotation_detail"),
    path("rotation/<int:pk>/sync/", rotation.campaign_sync_view, name="rotation_sync"),
    path("rotation/<int:pk>/sessions/", rotation.session_create_view, name="session_create"),
    path("rotation/<int:pk>/exam/", rotation.exam_record_view, name="exam_record"),
    path("rotation/sessions/<int:pk>/", rotation.session_detail_view, name="session_detail"),
    # Campaign months (安全生产月, 消防宣传月)
    path("months/", months.activity_list_view, name="month_list"),
    path("months/new/", months.activity_create_view, name="month_create"),
    path("months/evidence/<int:pk>/", months.evidence_file_view, name="month_evidence"),
]
