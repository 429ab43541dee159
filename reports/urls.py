from django.urls import path

from . import contests, drill_views, notice_views, views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("people/", views.people, name="people"),
    path("export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", views.export, {"fmt": "csv"}, name="export_csv"),
    path("summary.pdf", views.summary, name="summary_pdf"),
    path("notices/", notice_views.notices, name="notices"),
    path("notices.xlsx", notice_views.notices_export, name="notices_xlsx"),
    path("drills/", drill_views.drills_dashboard, name="drills"),
    path("drills/record/<int:pk>/", drill_views.drill_record, name="drill_record"),
    path("drills/export.xlsx", drill_views.drills_export, name="drills_export"),
    path("contests/", contests.contest_figures, name="contests"),
    path("contests/export.xlsx", contests.contest_figures_export, name="contests_export"),
]
