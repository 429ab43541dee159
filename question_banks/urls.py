from django.urls import path

from .views import exams, internal, manage, practice

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
    path("internal/", internal.internal_list, name="internal"),
    path("internal/new/", internal.internal_create, name="internal_create"),
    path("internal/<str:code>/", internal.internal_detail, name="internal_detail"),
    path(
        "internal/<str:code>/candidates/",
        internal.internal_candidates,
        name="internal_candidates",
    ),
    path("internal/<str:code>/publish/", internal.internal_publish, name="internal_publish"),
    path("practice/", practice.practice_home, name="practice"),
    path("practice/<str:code>/<str:mode>/", practice.practice_question, name="practice_q"),
    path("practice/<str:code>/favourite/<int:pk>/", practice.favourite, name="favourite"),
]
