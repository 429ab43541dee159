from django.urls import path

from .views import bank_import, exams, manage, practice

app_name = "exams"

urlpatterns = [
    path("", exams.my_exams, name="mine"),
    path("session/<str:code>/", exams.session_detail, name="session"),
    path("mock/<str:code>/", exams.mock_start_view, name="mock"),
    path("attempt/<int:pk>/", exams.attempt_page, name="attempt"),
    path("attempt/<int:pk>/take-over/", exams.attempt_take_over_view, name="take_over"),
    path("attempt/<int:pk>/result/", exams.result, name="result"),
    path("attempt/<int:pk>/review/", exams.review, name="review"),
    path("manage/", manage.session_list, name="manage_sessions"),
    path("manage/<str:code>/", manage.session_results_view, name="manage_results"),
    path("manage/<str:code>/analysis/", manage.session_statistics_view, name="manage_statistics"),
    path("banks/<str:code>/import/", bank_import.bank_import, name="bank_import"),
    path(
        "banks/<str:code>/import/template.xlsx",
        bank_import.bank_import_template,
        name="bank_import_template",
    ),
    path("banks/<str:code>/import/<int:pk>/", bank_import.bank_import_job, name="bank_import_job"),
    path(
        "banks/<str:code>/import/<int:pk>/bad-rows.csv",
        bank_import.bank_import_bad_rows,
        name="bank_import_bad_rows",
    ),
    path(
        "banks/<str:code>/import/<int:pk>/progress.json",
        bank_import.bank_import_progress,
        name="bank_import_progress",
    ),
    path("practice/", practice.practice_home, name="practice"),
    path("practice/<str:code>/<str:mode>/", practice.practice_question, name="practice_q"),
    path("practice/<str:code>/favourite/<int:pk>/", practice.favourite, name="favourite"),
]
