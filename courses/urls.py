from django.urls import path

from courses.views import plans, records, safety_education, search, study, training_file

app_name = "courses"

urlpatterns = [
    path("search/", search.search, name="search"),
    path("my/", study.my_study, name="my_study"),
    # Training plans, classroom sessions, 三级/三违 records and the training file (一人一档).
    path("plans/", plans.plan_list_view, name="plan_list"),
    path("plans/new/", plans.plan_create_view, name="plan_create"),
    path("plans/overdue/", plans.plan_overdue_view, name="plan_overdue"),
    path("plans/<int:pk>/", plans.plan_detail_view, name="plan_detail"),
    path("plans/<int:pk>/assign/", plans.plan_assign_view, name="plan_assign"),
    path("classroom/", records.classroom_list_view, name="classroom_list"),
    path("classroom/new/", records.classroom_create_view, name="classroom_create"),
    path("classroom/<int:pk>/", records.classroom_edit_view, name="classroom_edit"),
    path("classroom/<int:pk>/sign-in-sheet", records.classroom_sheet_view, name="classroom_sheet"),
    path("records/", records.record_list_view, name="record_list"),
    path(
        "records/safety-education/new/",
        records.safety_education_create_view,
        name="safety_education_create",
    ),
    path(
        "records/safety-education/import/",
        safety_education.education_import_view,
        name="education_import",
    ),
    path(
        "records/safety-education/before-go-live/",
        safety_education.education_before_go_live_view,
        name="education_before_go_live",
    ),
    path("records/violations/new/", records.violation_create_view, name="violation_create"),
    path(
        "records/violations/<int:pk>/return/",
        records.violation_return_view,
        name="violation_return",
    ),
    path("file/", training_file.my_training_file_view, name="my_training_file"),
    path("file/<int:pk>/", training_file.training_file_view, name="training_file"),
    path("file/<int:pk>.pdf", training_file.training_file_pdf_view, name="training_file_pdf"),
    path("file/<int:pk>.xlsx", training_file.training_file_xlsx_view, name="training_file_xlsx"),
    path(
        "file/enterprise.xlsx",
        training_file.enterprise_training_xlsx_view,
        name="enterprise_training_xlsx",
    ),
]
