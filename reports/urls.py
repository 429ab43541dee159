from django.urls import path

from .views import contests, dashboard, drills, notices

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("people/", dashboard.people, name="people"),
    path("export.xlsx", dashboard.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("export.csv", dashboard.export, {"fmt": "csv"}, name="export_csv"),
    path("summary.pdf", dashboard.summary, name="summary_pdf"),
    path("notices/", notices.notices, name="notices"),
    path("notices.xlsx", notices.notices_export, name="notices_xlsx"),
    path("drills/", drills.drills_dashboard, name="drills"),
    path("drills/record/<int:pk>/", drills.drill_record, name="drill_record"),
    path("drills/export.xlsx", drills.drills_export, name="drills_export"),
    path("contests/", contests.contest_figures, name="contests"),
    path("contests/export.xlsx", contests.contest_figures_export, name="contests_export"),
]
