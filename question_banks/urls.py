from django.urls import path

from .views import (
    bank_import,
    banks,
    exams,
    internal,
    key_fix,
    manage,
    practice,
    questions,
    workbench_live,
    workbench_rules,
    workbench_sessions,
)

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
    # The workbench's own paths come before manage/<code>/ (a session code never has a "/").
    path("manage/rules/", workbench_rules.rule_list, name="manage_rules"),
    path("manage/rules/new/", workbench_rules.rule_create, name="manage_rule_new"),
    path("manage/rules/<int:pk>/", workbench_rules.rule_edit, name="manage_rule"),
    path("manage/new/", workbench_sessions.session_create, name="manage_session_new"),
    path("manage/<str:code>/edit/", workbench_sessions.session_edit, name="manage_session_edit"),
    path(
        "manage/<str:code>/candidates/",
        workbench_sessions.candidates_view,
        name="manage_candidates",
    ),
    path(
        "manage/<str:code>/candidates/<int:pk>/remove/",
        workbench_sessions.candidate_remove_view,
        name="manage_candidate_remove",
    ),
    path(
        "manage/<str:code>/candidates/<int:pk>/grant/",
        workbench_live.grant_view,
        name="manage_grant",
    ),
    path(
        "manage/<str:code>/publish/",
        workbench_sessions.session_publish_view,
        name="manage_publish",
    ),
    path(
        "manage/<str:code>/unpublish/",
        workbench_sessions.session_unpublish_view,
        name="manage_unpublish",
    ),
    path(
        "manage/<str:code>/admission.pdf",
        workbench_sessions.admission_view,
        {"fmt": "pdf"},
        name="manage_admission_pdf",
    ),
    path(
        "manage/<str:code>/admission.xlsx",
        workbench_sessions.admission_view,
        {"fmt": "xlsx"},
        name="manage_admission_xlsx",
    ),
    path("manage/<str:code>/live/", workbench_live.live_view, name="manage_live"),
    path("manage/<str:code>/live.json", workbench_live.live_json, name="manage_live_json"),
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

    path("internal/", internal.internal_list, name="internal"),
    path("internal/new/", internal.internal_create, name="internal_create"),
    path("internal/<str:code>/", internal.internal_detail, name="internal_detail"),
    path(
        "internal/<str:code>/candidates/",
        internal.internal_candidates,
        name="internal_candidates",
    ),
    path("internal/<str:code>/publish/", internal.internal_publish, name="internal_publish"),
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
    path(
        "banks/<str:code>/questions/<int:pk>/key/",
        key_fix.question_key_fix,
        name="question_key_fix",
    ),
    path("practice/", practice.practice_home, name="practice"),
    path("practice/<str:code>/<str:mode>/", practice.practice_question, name="practice_q"),
    path("practice/<str:code>/favourite/<int:pk>/", practice.favourite, name="favourite"),
]
