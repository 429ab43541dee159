from django.urls import path

from .views import banks, exams, manage, practice, questions

app_name = "exams"

urlpatterns = [
    path("", exams.my_exams, name="mine"),
    path("session/<str:code>/", exams.session_detail, name="session"),
    path("mock/<str:code>/", exams.mock_start_view, name="mock"),
    path("attempt/<int:pk>/", exams.attempt_page, name="attempt"),
    path("attempt/<int:pk>/take-over/", exams.attempt_take_over_view, name="take_over"),
    path("attempt/<int:pk>/result/", exams.result, name="result"),
    path("manage/", manage.session_list, name="manage_sessions"),
    path("manage/<str:code>/", manage.session_results_view, name="manage_results"),
    path("manage/<str:code>/analysis/", manage.session_statistics_view, name="manage_statistics"),
    path("banks/", banks.bank_list, name="banks"),
    path("banks/new/", banks.bank_create, name="bank_create"),
    path("banks/<str:code>/", questions.bank_detail, name="bank"),
    path("banks/<str:code>/edit/", banks.bank_edit, name="bank_edit"),
    path("banks/<str:code>/categories/", banks.bank_categories, name="bank_categories"),
    path(
        "banks/<str:code>/categories/<int:pk>/delete/",
        banks.category_remove,
        name="category_delete",
    ),
    path("banks/<str:code>/bulk/", questions.bank_bulk, name="bank_bulk"),
    path("banks/<str:code>/questions/new/", questions.question_create, name="question_create"),
    path("banks/<str:code>/questions/<int:pk>/", questions.question_edit, name="question_edit"),
    path(
        "banks/<str:code>/questions/<int:pk>/preview/",
        questions.question_preview,
        name="question_preview",
    ),
    path(
        "banks/<str:code>/questions/<int:pk>/history/",
        questions.question_history,
        name="question_history",
    ),
    path("practice/", practice.practice_home, name="practice"),
    path("practice/<str:code>/<str:mode>/", practice.practice_question, name="practice_q"),
    path("practice/<str:code>/favourite/<int:pk>/", practice.favourite, name="favourite"),
]
