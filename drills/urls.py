from django.urls import path

from .views import enterprise, evidence

app_name = "drills"

urlpatterns = [
    path("", enterprise.index, name="index"),
    path("plan/<int:year>/", enterprise.plan, name="plan"),
    path("planned/<int:pk>/remove/", enterprise.planned_remove, name="planned_remove"),
    path("records/new/", enterprise.record_new, name="record_new"),
    path("records/<int:pk>/", enterprise.record_detail, name="record"),
    path("records/<int:pk>/edit/", enterprise.record_edit, name="record_edit"),
    path("records/<int:pk>/evidence/", enterprise.evidence_add, name="evidence_add"),
    path("records/<int:pk>/code/", enterprise.checkin_code, name="checkin_code"),
    path("records/<int:pk>/evaluation/", enterprise.evaluation, name="evaluation"),
    path("records/<int:pk>/actions/", enterprise.action_add, name="action_add"),
    path("actions/", enterprise.actions, name="actions"),
    path("actions/<int:pk>/close/", enterprise.action_close, name="action_close"),
    path("evidence/<int:pk>/", evidence.evidence_file, name="evidence"),
    path("checkin/<str:token>/", enterprise.checkin, name="checkin"),
]
